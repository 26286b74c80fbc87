package coinmarketcap

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
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
