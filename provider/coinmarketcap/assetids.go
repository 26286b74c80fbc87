package coinmarketcap

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	cw "cryptoweekly"
)

// assetids.tsv is the asset-ID grouping (see "Asset IDs for CoinMarketCap listings" in
// files.go) computed once from both bundled snapshot files together: symbol, name, entity ID,
// and the name and symbol the ID carries. Importing the weekly family without the monthly one
// (or the other way round) would otherwise group a symbol's names from half the evidence and
// store, say, BinaryX (old) as asset:bnx beside the real BNX series. With the table every
// known (symbol, name) resolves the same whatever subset of families is imported; names the
// table does not know (a user's own files) are grouped from the files present.
// TestAssetIDTableFresh fails when the table differs from what the bundled files give;
// CRYPTOWEEKLY_UPDATE_ASSETIDS=1 go test ./provider/coinmarketcap -run AssetIDTable rewrites it.
//
//go:embed assetids.tsv
var assetIDsTSV string

var known = struct {
	once sync.Once
	ids  *assetIDs
	err  error
}{}

func knownAssetIDs() (*assetIDs, error) {
	known.once.Do(func() { known.ids, known.err = parseAssetIDs(assetIDsTSV) })
	return known.ids, known.err
}

func parseAssetIDs(text string) (*assetIDs, error) {
	a := &assetIDs{bySym: map[string]map[string]string{}, display: map[string][2]string{}}
	for i, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("coinmarketcap: assetids.tsv:%d: %d fields, want 5", i+1, len(f))
		}
		if a.bySym[f[0]] == nil {
			a.bySym[f[0]] = map[string]string{}
		}
		a.bySym[f[0]][f[1]] = f[2]
		a.display[f[2]] = [2]string{f[3], f[4]}
	}
	return a, nil
}

// overlay makes ids resolve every (symbol, name) the table knows as the table does.
func (a *assetIDs) overlay(ids *assetIDs) {
	for sym, names := range a.bySym {
		if ids.bySym[sym] == nil {
			ids.bySym[sym] = map[string]string{}
		}
		for n, id := range names {
			ids.bySym[sym][n] = id
		}
	}
	for id, d := range a.display {
		ids.display[id] = d
	}
}

// tsv writes the table in a fixed order.
func (a *assetIDs) tsv() string {
	var lines []string
	for sym, names := range a.bySym {
		for n, id := range names {
			d := a.display[id]
			lines = append(lines, strings.Join([]string{sym, n, id, d[0], d[1]}, "\t"))
		}
	}
	sort.Strings(lines)
	return "# symbol\tname\tentity id\tname of the id\tsymbol of the id (generated: see assetids.go)\n" + strings.Join(lines, "\n") + "\n"
}

// TableAsset is a coin of the embedded asset-ID table: its entity ID and the name and symbol the
// CoinMarketCap families give that entity.
type TableAsset struct{ ID, Name, Symbol string }

// TableLookup resolves a (symbol, name) another provider lists through the embedded table, so a
// coin lands on the entity the CoinMarketCap families describe whichever families are imported.
// exact is the table's coin of that very name (nil if the table does not know the name for the
// symbol); coins are the distinct coins the table has for the symbol, sorted by ID: one for an
// unambiguous ticker, several where a ticker changed hands (STRK: Strike, then Starknet), none for
// a ticker CoinMarketCap's snapshots never listed.
func TableLookup(symbol, name string) (exact *TableAsset, coins []TableAsset, err error) {
	t, err := knownAssetIDs()
	if err != nil {
		return nil, nil, err
	}
	names := t.bySym[cw.NormKey(symbol)]
	seen := map[string]bool{}
	for _, id := range names {
		if !seen[id] {
			seen[id] = true
			d := t.display[id]
			coins = append(coins, TableAsset{ID: id, Name: d[0], Symbol: d[1]})
		}
	}
	sort.Slice(coins, func(i, j int) bool { return coins[i].ID < coins[j].ID })
	if id, ok := names[name]; ok {
		d := t.display[id]
		exact = &TableAsset{ID: id, Name: d[0], Symbol: d[1]}
	}
	return exact, coins, nil
}

// TableIDs lists every entity ID of the embedded table, for allocators that must not hand one of
// them to another coin.
func TableIDs() ([]string, error) {
	t, err := knownAssetIDs()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(t.display))
	for id := range t.display {
		out = append(out, id)
	}
	sort.Strings(out)
	return out, nil
}
