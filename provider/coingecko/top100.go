package coingecko

// The bundled daily top-100 price files (zeketests/crypto-daily-prices): prices_YYYY-MM-DD.csv,
// one CoinGecko /coins/markets?order=market_cap_desc&per_page=100 page a day with rank, name,
// symbol and USD price only — no market cap, no volume. Each price is stored on the file's day
// (cw.MetricPrice, the metric the token section reads for daily series) with CoinGecko's
// market-cap rank of that moment (MetricRank); no market cap is derived from either.
//
// Asset IDs. A ticker is not an identity: the files list "Tether" and "Polygon Bridged USDT
// (Polygon)" both as USDT, "Solana" and "Wrapped SOL" both as SOL, "WETH" and "Binance-Peg WETH"
// both as WETH. The rule:
//   - names of one symbol seen in the same file are different coins; names that follow one
//     another across files (never side by side, the price within ×top100SameCoinPriceRatio at
//     the switch) are one coin renamed ("Canton Network" → "Canton", "Syrup USDC" → "syrupUSDC");
//   - the symbol's main coin is the one with the most rows (ties: the better average rank);
//   - a coin whose (symbol, name) CoinMarketCap's asset-ID table knows takes the table's ID, name
//     and symbol, so it is the entity the CMC families describe (STRK "Starknet" is asset:strk,
//     not Strike's asset:strk-strike);
//   - otherwise the main coin takes the table's coin of its symbol when the table has exactly one
//     ("Cosmos Hub" is CMC's "Cosmos", asset:atom), or asset:<symbol> when the table has none (the
//     ID every symbol-only file uses for a ticker's canonical coin);
//   - every other coin is never guessed onto another's series: a second coin of a ticker, and a
//     main coin whose ticker the table gives to several coins none of which carries its name, gets
//     its own asset:<symbol>-<name> (internal/assetid, skipping the table's IDs). The provenance
//     note lists them.

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	cw "cryptoweekly"
	"cryptoweekly/internal/assetid"
	"cryptoweekly/internal/rawfile"
	"cryptoweekly/provider/coinmarketcap"
)

// Top100Dir is the bundled folder of the daily top-100 price files.
const Top100Dir = "coingecko-top100-daily-zeketests"

// top100Rows is the rows of one file: CoinGecko's first /coins/markets page of 100.
const top100Rows = 100

// top100SameCoinPriceRatio is the largest price jump at a name switch that still counts as one
// coin renamed; a coin taking over a ticker trades at an unrelated price.
const top100SameCoinPriceRatio = 10.0

var (
	top100File   = regexp.MustCompile(`^prices_([0-9]{4}-[0-9]{2}-[0-9]{2})\.csv$`)
	top100Header = []string{"rank", "name", "symbol", "price"}
)

func init() {
	cw.RegisterFamily(cw.FileFamily{Dir: Top100Dir, Parse: parseTop100})
}

// top100Row is one row of a file, checked.
type top100Row struct {
	sym    string // NormKey(symbol)
	symbol string // as written
	name   string // as written, format characters dropped
	day    time.Time
	rank   int
	price  float64
	where  string // file:line
}

func parseTop100(fsys fs.FS, dir string) ([]cw.Batch, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "prices_*.csv"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no prices_YYYY-MM-DD.csv file", dir)
	}
	sort.Strings(names)
	var rows []top100Row
	for _, name := range names {
		rs, err := readTop100File(fsys, name)
		if err != nil {
			return nil, err
		}
		rows = append(rows, rs...)
	}
	res, err := top100IDs(rows)
	if err != nil {
		return nil, err
	}
	s := rawfile.NewSeries(SourceTop100Daily)
	type sighting struct {
		day          time.Time
		name, symbol string
	}
	latest := map[string]sighting{}
	var order []string
	first, last := rows[0].day, rows[0].day
	for _, r := range rows {
		id := res.id[[2]string{r.sym, r.name}]
		if err := s.Add(id, cw.MetricPrice, r.day, r.price, r.where); err != nil {
			return nil, err
		}
		if err := s.Add(id, MetricRank, r.day, float64(r.rank), r.where); err != nil {
			return nil, err
		}
		l, ok := latest[id]
		if !ok {
			order = append(order, id)
		}
		if !ok || !r.day.Before(l.day) {
			latest[id] = sighting{r.day, r.name, r.symbol}
		}
		if r.day.Before(first) {
			first = r.day
		}
		if r.day.After(last) {
			last = r.day
		}
	}
	sort.Strings(order)
	ents := make([]cw.Entity, 0, len(order))
	for _, id := range order {
		l := latest[id]
		name, symbol := l.name, strings.ToUpper(l.symbol)
		if d, ok := res.display[id]; ok {
			name, symbol = d[0], d[1]
		}
		ents = append(ents, cw.Entity{ID: id, Kind: cw.KindAsset, Name: name, Symbol: symbol})
	}
	note := fmt.Sprintf("zeketests/crypto-daily-prices@40abcc4d9e8aeea10fbada3c0b80f7f3e6d44fa0 (2026-05-01): %d daily files %s..%s, each CoinGecko's /coins/markets?vs_currency=usd&order=market_cap_desc&per_page=100 "+
		"taken by the repo's scheduled run (about 09:00–12:00 UTC, not a daily close): rank, name, symbol and USD price only, no market cap or volume. "+
		"Weekdays only from August to October 2025, weekly from April 2026. Stored: the price and CoinGecko's market-cap rank at that moment. "+
		"Coins sharing a ticker are split by the importer's asset-ID rule (CoinMarketCap's asset-ID table first; a ticker's main coin is asset:<symbol>).",
		len(names), cw.DayString(first), cw.DayString(last))
	if len(res.own) > 0 {
		note += " Kept on their own IDs, never merged with another coin of their ticker: " + strings.Join(res.own, "; ") + "."
	}
	prov := cw.Provenance{ID: SourceTop100Daily, Provider: "CoinGecko", Location: path.Join(dir, "prices_YYYY-MM-DD.csv"),
		FetchedAt: time.Date(2026, time.May, 1, 0, 0, 0, 0, time.UTC), Licence: "none stated by the repository; " + Licence, Note: note}
	return []cw.Batch{{Source: prov, Entities: ents, Observations: s.Obs()}}, nil
}

// readTop100File reads and checks one file: the exact header, 100 rows ranked 1..100 in order,
// a ticker and a plain-text name on every row, a positive plain price, no coin twice.
func readTop100File(fsys fs.FS, name string) ([]top100Row, error) {
	m := top100File.FindStringSubmatch(path.Base(name))
	if m == nil {
		return nil, fmt.Errorf("%s: not a prices_YYYY-MM-DD.csv file name", name)
	}
	day, err := cw.ParseDay(m[1])
	if err != nil {
		return nil, fmt.Errorf("%s: file name: %w", name, err)
	}
	f, err := rawfile.ReadCSV(fsys, name, ',', top100Header...)
	if err != nil {
		return nil, fmt.Errorf("coingecko: %w", err)
	}
	for _, h := range f.Header {
		if f.Col(strings.TrimSpace(h)) >= 0 && !contains(top100Header, strings.TrimSpace(h)) {
			return nil, &rawfile.LineError{File: name, Line: 1, Err: fmt.Errorf("unknown column %s (schema drift? the files have %s)", cw.Quote(h), strings.Join(top100Header, ","))}
		}
	}
	if len(f.Rows) != top100Rows {
		return nil, &rawfile.LineError{File: name, Line: f.Lines[len(f.Lines)-1], Err: fmt.Errorf("%d rows, want %d (a CoinGecko top-100 page; truncated?)", len(f.Rows), top100Rows)}
	}
	out := make([]top100Row, 0, len(f.Rows))
	seen := map[[2]string]int{}
	for i := range f.Rows {
		rank, err := rawfile.Whole(f, i, "rank", 1)
		if err != nil {
			return nil, err
		}
		if int(rank) != i+1 {
			return nil, f.Err(i, "rank", fmt.Errorf("rank %v on row %d: ranks run 1..%d in file order", rank, i+1, top100Rows))
		}
		symbol, err := rawfile.Symbol(f, i, "symbol")
		if err != nil {
			return nil, err
		}
		if err := plainText(symbol); err != nil {
			return nil, f.Err(i, "symbol", err)
		}
		cname, err := coinName(f.Get(i, "name"))
		if err != nil {
			return nil, f.Err(i, "name", err)
		}
		price, err := f.Plain(i, "price")
		if err != nil {
			return nil, err
		}
		if !(price > 0) {
			return nil, f.Err(i, "price", fmt.Errorf("price %v: a listed coin's price is positive", price))
		}
		k := [2]string{cw.NormKey(symbol), cname}
		if j, dup := seen[k]; dup {
			return nil, f.Err(i, "name", fmt.Errorf("%s %s listed twice (first at line %d)", symbol, cw.Quote(cname), f.Lines[j]))
		}
		seen[k] = i
		out = append(out, top100Row{sym: k[0], symbol: symbol, name: cname, day: day, rank: i + 1, price: price, where: rawfile.At(f.Name, f.Lines[i])})
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// coinName is a name as the page showed it: format characters (the zero-width spaces of
// "\u200b\u200bStable") are dropped, since they are invisible and would split one coin into two
// names; control characters and markup are errors — a bundled file is data, not a page fragment.
func coinName(s string) (string, error) {
	out := strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s))
	if out == "" {
		return "", errors.New("empty name")
	}
	if err := plainText(out); err != nil {
		return "", err
	}
	return out, nil
}

// plainText rejects control characters and HTML markup in a name or ticker.
func plainText(s string) error {
	if i := strings.IndexFunc(s, unicode.IsControl); i >= 0 {
		return fmt.Errorf("control character at byte %d: %s", i, cw.Quote(s))
	}
	if strings.ContainsAny(s, "<>") {
		return fmt.Errorf("markup in a coin name or ticker: %s", cw.Quote(s))
	}
	return nil
}

// top100Res is the asset-ID rule's outcome.
type top100Res struct {
	id      map[[2]string]string // (NormKey(symbol), name) → entity ID
	display map[string][2]string // entity ID → name and symbol the CMC table gives it
	own     []string             // coins kept on their own ID, for the provenance note
}

// top100IDs applies the asset-ID rule (see the top of this file) to every row of the family.
func top100IDs(rows []top100Row) (*top100Res, error) {
	res := &top100Res{id: map[[2]string]string{}, display: map[string][2]string{}}
	bySym := map[string][]top100Row{}
	var syms []string
	for _, r := range rows {
		if _, ok := bySym[r.sym]; !ok {
			syms = append(syms, r.sym)
		}
		bySym[r.sym] = append(bySym[r.sym], r)
	}
	sort.Strings(syms)
	alloc := assetid.New()
	tableIDs, err := coinmarketcap.TableIDs()
	if err != nil {
		return nil, err
	}
	for _, id := range tableIDs {
		alloc.Reserve(id)
	}
	// A coin is a group of names of one symbol.
	type coin struct {
		sym, rep, symbol string
		names            []string
		rows             int
		rankSum          int
		main             bool
	}
	var coins []*coin
	for _, sym := range syms {
		list := bySym[sym]
		sort.SliceStable(list, func(i, j int) bool {
			if !list[i].day.Equal(list[j].day) {
				return list[i].day.Before(list[j].day)
			}
			return list[i].rank < list[j].rank
		})
		together := map[[2]string]bool{}
		byDay := map[time.Time][]string{}
		parent := map[string]string{}
		for _, r := range list {
			for _, n := range byDay[r.day] {
				together[[2]string{n, r.name}], together[[2]string{r.name, n}] = true, true
			}
			byDay[r.day] = append(byDay[r.day], r.name)
			parent[r.name] = r.name
		}
		find := func(n string) string {
			for parent[n] != n {
				n = parent[n]
			}
			return n
		}
		// Consecutive sightings on different days under different names are one coin renamed,
		// unless the price jumped or the two groups ever shared a file.
		for i := 1; i < len(list); i++ {
			a, b := list[i-1], list[i]
			if a.name == b.name || a.day.Equal(b.day) || !samePrice(a.price, b.price) {
				continue
			}
			ra, rb := find(a.name), find(b.name)
			if ra == rb {
				continue
			}
			clash := false
			for x := range parent {
				for y := range parent {
					clash = clash || (find(x) == ra && find(y) == rb && together[[2]string{x, y}])
				}
			}
			if !clash {
				if rb < ra {
					ra, rb = rb, ra
				}
				parent[rb] = ra
			}
		}
		groups := map[string]*coin{}
		count := map[string]int{}
		for _, r := range list {
			count[r.name]++
			root := find(r.name)
			c := groups[root]
			if c == nil {
				c = &coin{sym: sym}
				groups[root] = c
			}
			c.rows++
			c.rankSum += r.rank
			c.symbol = r.symbol
			if !contains(c.names, r.name) {
				c.names = append(c.names, r.name)
			}
		}
		var main *coin
		var roots []string
		for root := range groups {
			roots = append(roots, root)
		}
		sort.Strings(roots)
		for _, root := range roots {
			c := groups[root]
			sort.Strings(c.names)
			for _, n := range c.names {
				if c.rep == "" || count[n] > count[c.rep] {
					c.rep = n
				}
			}
			// Ties on rows go to the better average rank (the larger coin).
			if main == nil || c.rows > main.rows || (c.rows == main.rows && c.rankSum < main.rankSum) {
				main = c
			}
			coins = append(coins, c)
		}
		main.main = true
	}
	// Exact table matches first, so a main coin never takes the table ID of a coin the files
	// list under its own name.
	taken := map[string]bool{}
	resolved := map[*coin]string{}
	for _, c := range coins {
		for _, n := range c.names {
			exact, _, err := coinmarketcap.TableLookup(c.sym, n)
			if err != nil {
				return nil, err
			}
			if exact == nil {
				continue
			}
			if prev, ok := resolved[c]; ok && prev != exact.ID {
				return nil, fmt.Errorf("%s: the names %s of one coin are different coins in CoinMarketCap's asset-ID table (%s, %s)", Top100Dir, cw.Quote(strings.Join(c.names, " / ")), prev, exact.ID)
			}
			if taken[exact.ID] && resolved[c] != exact.ID {
				return nil, fmt.Errorf("%s: two coins of %s resolve to %s", Top100Dir, strings.ToUpper(c.sym), exact.ID)
			}
			resolved[c], taken[exact.ID] = exact.ID, true
			res.display[exact.ID] = [2]string{exact.Name, exact.Symbol}
		}
	}
	for _, c := range coins {
		if _, ok := resolved[c]; ok || !c.main {
			continue
		}
		_, table, err := coinmarketcap.TableLookup(c.sym, c.rep)
		if err != nil {
			return nil, err
		}
		switch {
		case len(table) == 1 && !taken[table[0].ID]:
			resolved[c], taken[table[0].ID] = table[0].ID, true
			res.display[table[0].ID] = [2]string{table[0].Name, table[0].Symbol}
		case len(table) == 0:
			resolved[c] = alloc.Claim(c.sym, cw.NormKey(c.rep))
		}
	}
	// The rest get their own ID, in a fixed order so a clash of suffixes falls the same way.
	var rest []*coin
	for _, c := range coins {
		if _, ok := resolved[c]; !ok {
			rest = append(rest, c)
		}
	}
	sort.Slice(rest, func(i, j int) bool {
		if rest[i].sym != rest[j].sym {
			return rest[i].sym < rest[j].sym
		}
		return rest[i].rep < rest[j].rep
	})
	for _, c := range rest {
		id := alloc.Claim(c.sym+"-"+cw.NormKey(c.rep), "coingecko")
		resolved[c] = id
		why := "a second coin of its ticker"
		if c.main {
			why = "its ticker belongs to several coins in CoinMarketCap's table, none of this name"
		}
		res.own = append(res.own, fmt.Sprintf("%s %s as %s (%s)", c.symbol, c.rep, id, why))
	}
	for _, c := range coins {
		for _, n := range c.names {
			res.id[[2]string{c.sym, n}] = resolved[c]
		}
	}
	return res, nil
}

func samePrice(a, b float64) bool {
	if a <= 0 || b <= 0 {
		return false
	}
	r := a / b
	return r <= top100SameCoinPriceRatio && r >= 1/top100SameCoinPriceRatio && !math.IsNaN(r)
}
