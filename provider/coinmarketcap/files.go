package coinmarketcap

// CoinMarketCap's bundled file families:
//
//   - coinmarketcap-weekly-top100-frla18cz: the weekly top-100 snapshot pages, as display strings;
//   - coinmarketcap-stablecoins-MuLancer: per-coin "historical data" CSV downloads (USDT, USDC, DAI);
//   - the monthly top-200 snapshots bundled in market-smoothbrainquant (ParseMonthly, called by
//     provider/smoothbrainquant's family).
//
// This file also holds the asset-ID rule of the snapshot files (assetIDs), so that a coin lands
// on the same entity whichever CMC file it came from.

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/assetid"
	"cryptoweekly/internal/rawfile"
)

const (
	WeeklyDir        = "coinmarketcap-weekly-top100-frla18cz"
	cmcWeeklyGlob    = "top100_weekly_data*.csv"
	cmcStableDir     = "coinmarketcap-stablecoins-MuLancer"
	FileLicence      = "none stated; data © CoinMarketCap"
	cmcWeeklyLicence = `none stated (repo README: "[Specify your license here]"); data © CoinMarketCap`
)

func init() {
	cw.RegisterFamily(cw.FileFamily{Dir: WeeklyDir, Parse: parseCMCWeekly})
	cw.RegisterFamily(cw.FileFamily{Dir: cmcStableDir, Parse: parseCMCStablecoins})
}

// utcDay builds a UTC midnight; used for the capture dates stated in SOURCES.md.
func utcDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// ---------------------------------------------------------------------------------------------
// Asset IDs for CoinMarketCap listings (shared by the weekly top-100 and the monthly top-200).
//
// A ticker is not an identity. In the two CMC snapshot files one symbol carries several names,
// for three different reasons:
//
//  1. renames of one coin ("Tether" → "Tether USDt", "Binance Coin" → "BNB", "Fetch.ai" →
//     "Artificial Superintelligence Alliance", "BitTorrent (New)" / "BitTorrent-New" / …);
//  2. a different coin taking over a ticker over the years ("Strike" → "Starknet" for STRK,
//     "Acash Coin" → "Acala Token" for ACA, the 1:1000 BTT and SUN redenominations, "BigONE
//     Token" → "Harmony" for ONE);
//  3. two coins listed under one ticker in the same snapshot ("BinaryX" and "BinaryX (old)" in
//     the 2023-03-01 monthly snapshot).
//
// Rule. Names of one symbol are grouped into coins:
//   - names seen in the same snapshot are different coins (case 3);
//   - otherwise, where the series switches from one name to another (observations of the symbol
//     ordered by day across both files), the two names are one coin when the circulating supply
//     on either side of the switch is within a factor of cmcSameCoinSupplyRatio (renames keep
//     the supply; redenominations and unrelated coins do not: BTT ×942, SUN ×2068, STRK ×248,
//     ACA ×0.05, BNX ×60);
//   - cmcDistinctNames lists the few names the supply test cannot separate (BigONE Token had a
//     supply within ×1.5 of Harmony's when ONE changed hands in 2020).
//
// The coin (group of names) with the most rows for the symbol across the files gets the plain ID
// "asset:<symbol>"; every other coin gets "asset:<symbol>-<NormKey(name)>", name being that
// coin's most frequent name (ties: the alphabetically first). So USDT stays on asset:usdt across
// its rename, current BTT is asset:btt and the pre-2022 BitTorrent is asset:btt-bittorrent.
// Files that only carry a symbol (Coinbase candles, tags, sector flags, curated sectors,
// open-interest parents) use "asset:<symbol>", i.e. the canonical coin.
//
// The live listings follow the same rule (IDs.Assign, same allocator and suffix): there a
// listing is one snapshot, so every name has one row and CMC's rank picks the main coin.
//
// The grouping is computed from whichever of the two snapshot files are present under the import
// root (the weekly file under WeeklyDir, the monthly file under mktDir), so both families
// resolve against the same evidence; it is deterministic for a given set of files.
// ---------------------------------------------------------------------------------------------

// cmcSameCoinSupplyRatio is the largest supply jump (either way) between two names of one symbol
// that still counts as one coin being renamed. Real renames in the files stay within ×3 (the ASI
// merger: ×2.97); redenominations and ticker takeovers jump ×17 or more.
const cmcSameCoinSupplyRatio = 10.0

// cmcDistinctNames are names never merged with another name of their symbol
// (key: NormKey(symbol) + "|" + name).
var cmcDistinctNames = map[string]bool{
	"one|BigONE Token": true, // BigONE exchange token; ONE is Harmony from 2020-07 on
}

// cmcNameObs is one (symbol, name) sighting in a CMC snapshot.
type cmcNameObs struct {
	sym    string // NormKey(symbol)
	name   string
	day    time.Time
	src    int // 0 weekly, 1 monthly: same-day sightings in different files are different snapshots
	seq    int
	supply float64 // 0 if unknown
	symbol string  // as written
}

// assetIDs maps (symbol, name) of a CMC listing to an asset entity ID.
type assetIDs struct {
	bySym   map[string]map[string]string // NormKey(symbol) → name → entity ID
	display map[string][2]string         // entity ID → name and symbol of its latest sighting
}

// nameOf is the name and symbol an asset entity carries: those of its latest sighting in either
// file (so both families describe it alike), else the ones given.
func (a *assetIDs) nameOf(id, name, symbol string) (string, string) {
	if d, ok := a.display[id]; ok {
		return d[0], d[1]
	}
	return name, symbol
}

func (a *assetIDs) id(symbol, name string) string {
	if m := a.bySym[cw.NormKey(symbol)]; m != nil {
		if id, ok := m[name]; ok {
			return id
		}
	}
	return cw.EntityID(cw.KindAsset, symbol)
}

func cmcSupplyClose(a, b float64) bool {
	if a <= 0 || b <= 0 {
		return true // unknown supply: renames are far more common than takeovers
	}
	r := a / b
	return r <= cmcSameCoinSupplyRatio && r >= 1/cmcSameCoinSupplyRatio
}

func buildAssetIDs(obs []cmcNameObs) *assetIDs {
	bySym := map[string][]cmcNameObs{}
	for _, o := range obs {
		bySym[o.sym] = append(bySym[o.sym], o)
	}
	out := &assetIDs{bySym: make(map[string]map[string]string, len(bySym)), display: map[string][2]string{}}
	// coin is one group of names of a symbol; main marks the ticker's main coin.
	type coin struct {
		sym, rep string
		names    []string
		main     bool
	}
	var coins []coin
	for sym, list := range bySym {
		count := map[string]int{}
		for _, o := range list {
			count[o.name]++
		}
		out.bySym[sym] = make(map[string]string, len(count))
		if len(count) == 1 {
			for n := range count {
				coins = append(coins, coin{sym: sym, rep: n, names: []string{n}, main: true})
			}
			continue
		}
		sort.Slice(list, func(i, j int) bool {
			a, b := list[i], list[j]
			if !a.day.Equal(b.day) {
				return a.day.Before(b.day)
			}
			if a.src != b.src {
				return a.src < b.src
			}
			return a.seq < b.seq
		})
		// Names sharing a snapshot are different coins.
		type snap struct {
			src int
			day time.Time
		}
		inSnap := map[snap]map[string]bool{}
		for _, o := range list {
			k := snap{o.src, o.day}
			if inSnap[k] == nil {
				inSnap[k] = map[string]bool{}
			}
			inSnap[k][o.name] = true
		}
		conflict := map[[2]string]bool{}
		for _, names := range inSnap {
			if len(names) < 2 {
				continue
			}
			for a := range names {
				for b := range names {
					if a != b {
						conflict[[2]string{a, b}] = true
					}
				}
			}
		}
		parent := map[string]string{}
		for n := range count {
			parent[n] = n
		}
		var find func(string) string
		find = func(n string) string {
			for parent[n] != n {
				parent[n] = parent[parent[n]]
				n = parent[n]
			}
			return n
		}
		members := func(root string) []string {
			var m []string
			for n := range count {
				if find(n) == root {
					m = append(m, n)
				}
			}
			return m
		}
		for i := 1; i < len(list); i++ {
			a, b := list[i-1], list[i]
			if a.name == b.name || (a.src == b.src && a.day.Equal(b.day)) {
				continue
			}
			if cmcDistinctNames[sym+"|"+a.name] || cmcDistinctNames[sym+"|"+b.name] {
				continue
			}
			if !cmcSupplyClose(a.supply, b.supply) {
				continue
			}
			ra, rb := find(a.name), find(b.name)
			if ra == rb {
				continue
			}
			clash := false
			for _, x := range members(ra) {
				for _, y := range members(rb) {
					if conflict[[2]string{x, y}] {
						clash = true
					}
				}
			}
			if !clash {
				if rb < ra {
					ra, rb = rb, ra
				}
				parent[rb] = ra
			}
		}
		// Groups: total rows and representative (most frequent, then alphabetically first) name.
		type group struct {
			rows  int
			rep   string
			names []string
		}
		groups := map[string]*group{}
		for n, c := range count {
			r := find(n)
			g := groups[r]
			if g == nil {
				g = &group{}
				groups[r] = g
			}
			g.rows += c
			g.names = append(g.names, n)
			if g.rep == "" || c > count[g.rep] || (c == count[g.rep] && n < g.rep) {
				g.rep = n
			}
		}
		var canon *group
		for _, g := range groups {
			if canon == nil || g.rows > canon.rows || (g.rows == canon.rows && g.rep < canon.rep) {
				canon = g
			}
		}
		for _, g := range groups {
			coins = append(coins, coin{sym: sym, rep: g.rep, names: g.names, main: g == canon})
		}
	}
	// IDs are minted like the live listings' (IDs.Assign): main coins first, so each owns
	// asset:<symbol>, then the others as asset:<symbol>-<name>, in a fixed order so a clash of
	// two suffixes ("-2") always falls the same way.
	sort.Slice(coins, func(i, j int) bool {
		a, b := coins[i], coins[j]
		if a.main != b.main {
			return a.main
		}
		if a.sym != b.sym {
			return a.sym < b.sym
		}
		return a.rep < b.rep
	})
	alloc := assetid.New()
	for _, c := range coins {
		id := alloc.Claim(c.sym, cw.NormKey(c.rep))
		for _, n := range c.names {
			out.bySym[c.sym][n] = id
		}
	}
	// The name and symbol an ID carries: its latest sighting (day, then monthly over weekly,
	// then file order), whichever family is being imported.
	latest := map[string]cmcNameObs{}
	for _, o := range obs {
		id := out.bySym[o.sym][o.name]
		l, ok := latest[id]
		if !ok || o.day.After(l.day) || (o.day.Equal(l.day) && (o.src > l.src || (o.src == l.src && o.seq > l.seq))) {
			latest[id] = o
		}
	}
	for id, o := range latest {
		out.display[id] = [2]string{o.name, o.symbol}
	}
	return out
}

// cmcAssetIDsFor builds the shared resolver from the CMC snapshot files under the import root.
// have are sightings already read by the caller from its own file (src set accordingly); the
// other file is read here if present.
func cmcAssetIDsFor(fsys fs.FS, dir string, have []cmcNameObs, haveSrc int) (*assetIDs, error) {
	obs, err := cmcSightingsExcept(fsys, dir, have, haveSrc)
	if err != nil {
		return nil, err
	}
	ids := buildAssetIDs(obs)
	known, err := knownAssetIDs()
	if err != nil {
		return nil, err
	}
	known.overlay(ids)
	return ids, nil
}

// cmcSightings reads every (symbol, name) sighting of both snapshot files under the root of dir.
func cmcSightings(fsys fs.FS, dir string) ([]cmcNameObs, error) {
	return cmcSightingsExcept(fsys, dir, nil, -1)
}

// cmcSightingsExcept is have plus the sightings of the snapshot files other than haveSrc's.
func cmcSightingsExcept(fsys fs.FS, dir string, have []cmcNameObs, haveSrc int) ([]cmcNameObs, error) {
	root := path.Dir(dir)
	obs := have
	if haveSrc != 0 {
		names, err := fs.Glob(fsys, path.Join(root, WeeklyDir, cmcWeeklyGlob))
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			f, err := rawfile.ReadCSV(fsys, name, ',', "snapshot_date", "name", "symbol", "circulating")
			if err != nil {
				return nil, err
			}
			more, err := cmcWeeklyNames(f, len(obs))
			if err != nil {
				return nil, err
			}
			obs = append(obs, more...)
		}
	}
	if haveSrc != 1 {
		names, err := fs.Glob(fsys, path.Join(root, MonthlyDir, MonthlyGlob))
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			f, err := rawfile.ReadCSV(fsys, name, ',', "Name", "Symbol", "Circulating Supply", "snapshot_date")
			if err != nil {
				return nil, err
			}
			more, err := cmcMonthlyNames(f, len(obs))
			if err != nil {
				return nil, err
			}
			obs = append(obs, more...)
		}
	}
	return obs, nil
}

// cmcGlueName strips the symbol from the weekly file's glued "BTCBitcoin" name. Every row of the
// real file starts with its symbol exactly (checked); a name starting with the symbol in another
// case is stripped too, and a name not starting with it at all is kept whole.
func cmcGlueName(glued, symbol string) string {
	g := strings.TrimSpace(glued)
	s := strings.TrimSpace(symbol)
	rest := g
	if strings.HasPrefix(g, s) {
		rest = g[len(s):]
	} else if len(g) >= len(s) && strings.EqualFold(g[:len(s)], s) {
		rest = g[len(s):]
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return g // the name is the symbol itself
	}
	return rest
}

// cmcDisplaySupply parses the weekly file's circulating supply ("19,791,646BTC",
// "158,432,088 RUNE *", "1,234 1INCH *"): the leading number, with the unit (which may itself
// contain digits, so ParseNumber cannot strip it) dropped.
func cmcDisplaySupply(s string) (float64, error) {
	t := strings.TrimSpace(s)
	end := 0
	if strings.HasPrefix(t, "-") {
		end = 1
	}
	for end < len(t) && (t[end] >= '0' && t[end] <= '9' || t[end] == ',' || t[end] == '.') {
		end++
	}
	if end == 0 || (end == 1 && t[0] == '-') {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return rawfile.ParseNumber(t[:end])
}

func cmcWeeklyNames(f *rawfile.CSVFile, seq0 int) ([]cmcNameObs, error) {
	out := make([]cmcNameObs, 0, len(f.Rows))
	for i := range f.Rows {
		day, err := cw.ParseDay(f.Get(i, "snapshot_date"))
		if err != nil {
			return nil, f.Err(i, "snapshot_date", err)
		}
		sym := f.Get(i, "symbol")
		if sym == "" {
			return nil, f.Err(i, "symbol", errors.New("empty symbol"))
		}
		sup, err := cmcDisplaySupply(f.Get(i, "circulating"))
		if err != nil {
			return nil, f.Err(i, "circulating", err)
		}
		out = append(out, cmcNameObs{sym: cw.NormKey(sym), name: cmcGlueName(f.Get(i, "name"), sym), day: day, src: 0, seq: seq0 + i, supply: sup, symbol: sym})
	}
	return out, nil
}

// ---------------------------------------------------------------------------------------------
// Weekly top-100 (frla18cz/btc_dom_index)

func cmcWeeklyProvenance(file string) cw.Provenance {
	return cw.Provenance{
		ID:        SourceWeeklyTop100,
		Provider:  "CoinMarketCap",
		Location:  path.Join(WeeklyDir, path.Base(file)),
		FetchedAt: utcDay(2025, time.July, 30),
		Licence:   cmcWeeklyLicence,
		Note: "frla18cz/btc_dom_index@3338ace61f476b357f6ab63b44ce59ed1ee67915:top100_weekly_data.csv (2025-07-30), " +
			"scraped by the repo's fetcher.py from the coinmarketcap.com/historical/YYYYMMDD/ snapshot pages: top 100 on each Monday, " +
			"values as the page displayed them (rounded display strings). CMC ranks by market cap incl. stablecoins. " +
			"Coins sharing a ticker are split by the importer's asset-ID rule (the ticker's main coin is asset:<symbol>, others asset:<symbol>-<name>).",
	}
}

func parseCMCWeekly(fsys fs.FS, dir string) ([]cw.Batch, error) {
	names, err := fs.Glob(fsys, path.Join(dir, cmcWeeklyGlob))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no %s file", dir, cmcWeeklyGlob)
	}
	var files []*rawfile.CSVFile
	var obs []cmcNameObs
	for _, name := range names {
		f, err := rawfile.ReadCSV(fsys, name, ',', "snapshot_date", "rank", "name", "symbol", "market_cap", "price", "circulating", "volume_24h")
		if err != nil {
			return nil, err
		}
		more, err := cmcWeeklyNames(f, len(obs))
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		obs = append(obs, more...)
	}
	ids, err := cmcAssetIDsFor(fsys, dir, obs, 0)
	if err != nil {
		return nil, err
	}
	var out []cw.Batch
	k := 0
	for _, f := range files {
		b, err := cmcWeeklyBatch(f, obs[k:k+len(f.Rows)], ids)
		if err != nil {
			return nil, err
		}
		k += len(f.Rows)
		out = append(out, b)
	}
	return out, nil
}

func cmcWeeklyBatch(f *rawfile.CSVFile, names []cmcNameObs, ids *assetIDs) (cw.Batch, error) {
	prov := cmcWeeklyProvenance(f.Name)
	s := rawfile.NewSeries(prov.ID)
	type snapInfo struct{ first, rows int }
	snaps := map[time.Time]*snapInfo{}
	var snapOrder []time.Time
	ents := newAssetEntities()
	for i := range f.Rows {
		day := names[i].day
		where := rawfile.At(f.Name, f.Lines[i])
		if day.Weekday() != time.Monday {
			return cw.Batch{}, f.Err(i, "snapshot_date", fmt.Errorf("%s is a %s, not a Monday", cw.DayString(day), day.Weekday()))
		}
		si := snaps[day]
		if si == nil {
			si = &snapInfo{first: i}
			snaps[day] = si
			snapOrder = append(snapOrder, day)
		}
		si.rows++
		sym := f.Get(i, "symbol")
		name := names[i].name
		id := ids.id(sym, name)
		rank, err := f.Float(i, "rank")
		if err != nil {
			return cw.Batch{}, err
		}
		if rank < 1 || rank != float64(int64(rank)) {
			return cw.Batch{}, f.Err(i, "rank", fmt.Errorf("not a positive whole rank: %q", f.Get(i, "rank")))
		}
		var vals [4]float64 // price, market_cap, volume_24h, circulating_supply
		for j, col := range []string{"price", "market_cap", "volume_24h"} {
			v, err := f.Float(i, col)
			if err != nil {
				return cw.Batch{}, err
			}
			if err := rawfile.CheckNonNegative(f, i, col, v); err != nil {
				return cw.Batch{}, err
			}
			vals[j] = v
		}
		if names[i].supply < 0 {
			return cw.Batch{}, f.Err(i, "circulating", fmt.Errorf("negative value %v", names[i].supply))
		}
		vals[3] = names[i].supply
		for j, m := range [4]cw.Metric{cw.MetricPrice, cw.MetricMarketCap, cw.MetricVolume24h, cw.MetricCirculatingSupply} {
			if err := s.Add(id, m, day, vals[j], where); err != nil {
				return cw.Batch{}, err
			}
		}
		if err := s.Add(id, MetricRank, day, rank, where); err != nil {
			return cw.Batch{}, err
		}
		dn, ds := ids.nameOf(id, name, sym)
		ents.see(id, ds, dn, day)
	}
	for _, d := range snapOrder {
		if si := snaps[d]; si.rows != 100 {
			return cw.Batch{}, f.Err(si.first, "snapshot_date", fmt.Errorf("snapshot %s has %d rows, want 100", cw.DayString(d), si.rows))
		}
	}
	return cw.Batch{Source: prov, Entities: ents.list(), Observations: s.Obs()}, nil
}

// assetEntities collects one asset entity per ID, with the name and symbol of its latest row.
type assetEntities struct {
	byID  map[string]*cw.Entity
	last  map[string]time.Time
	order []string
}

func newAssetEntities() *assetEntities {
	return &assetEntities{byID: map[string]*cw.Entity{}, last: map[string]time.Time{}}
}

func (a *assetEntities) see(id, symbol, name string, day time.Time) {
	e := a.byID[id]
	if e == nil {
		e = &cw.Entity{ID: id, Kind: cw.KindAsset}
		a.byID[id] = e
		a.order = append(a.order, id)
	}
	if prev, ok := a.last[id]; !ok || !day.Before(prev) {
		e.Name, e.Symbol = name, symbol
		a.last[id] = day
	}
}

func (a *assetEntities) list() []cw.Entity {
	out := make([]cw.Entity, 0, len(a.order))
	for _, id := range a.order {
		out = append(out, *a.byID[id])
	}
	return out
}

// ---------------------------------------------------------------------------------------------
// Stablecoin history downloads (MuLancer/DSE4101-Stablecoin-Depegging-Prediction-Project)

// cmcStableCoins maps the file-name prefix (the coin is given only by the file name; the name
// column holds "2781" in every row) to the stablecoin.
var cmcStableCoins = map[string]struct{ symbol, name string }{
	"Tether USDt": {"USDT", "Tether USDt"},
	"USDC":        {"USDC", "USDC"},
	"Dai":         {"DAI", "Dai"},
}

// cmcStableProvenance is the one provenance of the family's six files: one source id has one
// stored provenance row, so a per-file location would be whichever file was written last.
func cmcStableProvenance() cw.Provenance {
	return cw.Provenance{
		ID:        SourceStablecoinHistory,
		Provider:  "CoinMarketCap",
		Location:  cmcStableDir + "/",
		FetchedAt: utcDay(2026, time.April, 10), // repo HEAD date stated in SOURCES.md; the files run to 2025-12-31
		Licence:   FileLicence,
		Note: "MuLancer/DSE4101-Stablecoin-Depegging-Prediction-Project@08254900b801e9c05aba2701b268e4d7934df529:" +
			"Project Phase 2/data/CoinMarketCap pulled data/{Tether USDt,USDC,Dai}_1_1_{2024,2025}-12_31_{2024,2025}_historical_data_coinmarketcap.csv: CoinMarketCap historical-data CSV downloads. " +
			"Coin known from the file name only (the name column is \"2781\"). price = daily close (USD); day = the UTC day of timeOpen. " +
			"The 2024 and 2025 files overlap on 2024-11-27..2024-12-31 with identical values; overlapping days are kept once, in the earlier file's batch.",
	}
}

type cmcStableRow struct {
	file, where string
	vals        [4]float64
}

var cmcStableMetrics = [4]struct {
	col    string
	metric cw.Metric
}{
	{"marketCap", cw.MetricMarketCap},
	{"close", cw.MetricPrice},
	{"volume", cw.MetricVolume24h},
	{"circulatingSupply", cw.MetricCirculatingSupply},
}

func parseCMCStablecoins(fsys fs.FS, dir string) ([]cw.Batch, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.csv"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no CSV files", dir)
	}
	sort.Strings(names)
	seen := map[string]map[time.Time]cmcStableRow{} // entity → day → first place and values
	var out []cw.Batch
	for _, name := range names {
		base := path.Base(name)
		prefix, _, ok := strings.Cut(base, "_")
		coin, known := cmcStableCoins[prefix]
		if !ok || !known {
			return nil, fmt.Errorf("%s: cannot tell the coin from the file name (known: Tether USDt_…, USDC_…, Dai_…)", name)
		}
		cols := []string{"timeOpen"}
		for _, m := range cmcStableMetrics {
			cols = append(cols, m.col)
		}
		f, err := rawfile.ReadCSV(fsys, name, ';', cols...)
		if err != nil {
			return nil, err
		}
		prov := cmcStableProvenance()
		id := cw.EntityID(cw.KindStablecoin, coin.symbol)
		if seen[id] == nil {
			seen[id] = map[time.Time]cmcStableRow{}
		}
		s := rawfile.NewSeries(prov.ID)
		for i := range f.Rows {
			day, err := rawfile.ParseDayPrefix(f.Get(i, "timeOpen"))
			if err != nil {
				return nil, f.Err(i, "timeOpen", err)
			}
			row := cmcStableRow{file: f.Name, where: rawfile.At(f.Name, f.Lines[i])}
			for j, m := range cmcStableMetrics {
				v, err := f.Plain(i, m.col)
				if err != nil {
					return nil, err
				}
				if err := rawfile.CheckNonNegative(f, i, m.col, v); err != nil {
					return nil, err
				}
				row.vals[j] = v
			}
			if prev, dup := seen[id][day]; dup {
				if prev.file != f.Name {
					// Overlap with an earlier file: must agree, and is then kept once.
					for j, m := range cmcStableMetrics {
						if prev.vals[j] != row.vals[j] {
							return nil, fmt.Errorf("%s: field %s: %s is %v here but %v at %s (conflicting overlap)",
								row.where, m.col, cw.DayString(day), row.vals[j], prev.vals[j], prev.where)
						}
					}
					continue
				}
				return nil, fmt.Errorf("%s: duplicate day %s for %s (first at %s)", row.where, cw.DayString(day), id, prev.where)
			}
			seen[id][day] = row
			for j, m := range cmcStableMetrics {
				if err := s.Add(id, m.metric, day, row.vals[j], row.where); err != nil {
					return nil, err
				}
			}
		}
		ent := cw.Entity{ID: id, Kind: cw.KindStablecoin, Name: coin.name, Symbol: coin.symbol}
		out = append(out, cw.Batch{Source: prov, Entities: []cw.Entity{ent}, Observations: s.Obs()})
	}
	// Gaps inside each coin's merged series.
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		days := make([]time.Time, 0, len(seen[id]))
		for d := range seen[id] {
			days = append(days, d)
		}
		sort.Slice(days, func(a, b int) bool { return days[a].Before(days[b]) })
		for k := 1; k < len(days); k++ {
			if next := days[k-1].AddDate(0, 0, 1); next.Before(days[k]) {
				return nil, fmt.Errorf("%s: gap in %s: no row for %s (between %s and %s)",
					seen[id][days[k]].where, id, cw.DayString(next), cw.DayString(days[k-1]), cw.DayString(days[k]))
			}
		}
	}
	return out, nil
}

func init() {
	cw.RegisterDefinition(cw.Definition{ID: DefStablecoinMarketCap, Source: SourceStablecoinHistory, Metric: cw.MetricMarketCap,
		Text: "CoinMarketCap market cap of the stablecoin (historical data download)."})
}

// ---------------------------------------------------------------------------------------------
// Monthly top-200 snapshots. They are bundled in the smoothbrainquant dataset, but they are
// CoinMarketCap's snapshot pages and share the asset-ID rule with the weekly top-100, so their
// decoder is here and that dataset's family calls it.

// Where the bundled raw tree keeps CMC's monthly top-200 snapshots; the weekly family reads them
// too, as evidence for the asset-ID rule.
const (
	MonthlyDir  = "market-smoothbrainquant"
	MonthlyGlob = "coinmarketcap_monthly_all_snapshots*.csv"
)

func snapshotDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse("20060102", s)
	if err != nil || len(s) != 8 {
		return time.Time{}, fmt.Errorf("not a YYYYMMDD day: %q", s)
	}
	return t, nil
}

func cmcMonthlyNames(f *rawfile.CSVFile, seq0 int) ([]cmcNameObs, error) {
	out := make([]cmcNameObs, 0, len(f.Rows))
	for i := range f.Rows {
		day, err := snapshotDay(f.Get(i, "snapshot_date"))
		if err != nil {
			return nil, f.Err(i, "snapshot_date", err)
		}
		sym, err := rawfile.Symbol(f, i, "Symbol")
		if err != nil {
			return nil, err
		}
		name := f.Get(i, "Name")
		if name == "" {
			return nil, f.Err(i, "Name", fmt.Errorf("empty name"))
		}
		sup, err := f.Plain(i, "Circulating Supply")
		if err != nil {
			return nil, err
		}
		out = append(out, cmcNameObs{sym: cw.NormKey(sym), name: name, day: day, src: 1, seq: seq0 + i, supply: sup, symbol: sym})
	}
	return out, nil
}

// ParseMonthly decodes one monthly top-200 snapshot file of the dataset folder dir into a batch
// of provenance prov (whose ID is SourceMonthlyTop200).
func ParseMonthly(fsys fs.FS, dir, name string, prov cw.Provenance) (cw.Batch, error) {
	f, err := rawfile.ReadCSV(fsys, name, ',', "Rank", "Name", "Symbol", "Market Cap", "Price", "Circulating Supply", "Volume (24h)", "% 24h", "% 7d", "snapshot_date")
	if err != nil {
		return cw.Batch{}, err
	}
	names, err := cmcMonthlyNames(f, 0)
	if err != nil {
		return cw.Batch{}, err
	}
	ids, err := cmcAssetIDsFor(fsys, dir, names, 1)
	if err != nil {
		return cw.Batch{}, err
	}
	s := rawfile.NewSeries(prov.ID)
	ents := newAssetEntities()
	money := []string{"Price", "Market Cap", "Volume (24h)", "Circulating Supply"}
	moneyMetric := []cw.Metric{cw.MetricPrice, cw.MetricMarketCap, cw.MetricVolume24h, cw.MetricCirculatingSupply}
	pct := []string{"% 24h", "% 7d"}
	pctMetric := []cw.Metric{MetricPctChange24h, MetricPctChange7d}
	for i := range f.Rows {
		where := rawfile.At(f.Name, f.Lines[i])
		day := names[i].day
		sym := f.Get(i, "Symbol")
		id := ids.id(sym, names[i].name)
		rank, err := rawfile.Whole(f, i, "Rank", 1)
		if err != nil {
			return cw.Batch{}, err
		}
		mv, err := rawfile.Floats(f, i, money, true)
		if err != nil {
			return cw.Batch{}, err
		}
		pv, err := rawfile.Floats(f, i, pct, false)
		if err != nil {
			return cw.Batch{}, err
		}
		for j, m := range moneyMetric {
			if err := s.Add(id, m, day, mv[j], where); err != nil {
				return cw.Batch{}, err
			}
		}
		for j, m := range pctMetric {
			if err := s.Add(id, m, day, pv[j], where); err != nil {
				return cw.Batch{}, err
			}
		}
		if err := s.Add(id, MetricRank, day, rank, where); err != nil {
			return cw.Batch{}, err
		}
		dn, ds := ids.nameOf(id, names[i].name, sym)
		ents.see(id, ds, dn, day)
	}
	return cw.Batch{Source: prov, Entities: ents.list(), Observations: s.Obs()}, nil
}
