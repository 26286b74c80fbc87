// Package smoothbrainquant is a provider with bundled files only: the market-smoothbrainquant
// dataset, nine files from the data/raw/ folder of smoothbrainquant/trading-for-new-dads (HEAD
// ca5c8252b300529d173259b29764cf6e926d77a5, 2025-11-08): CoinMarketCap monthly top-200 snapshots
// (decoded by provider/coinmarketcap, which owns their asset-ID rule), Coinbase daily candles, a derived daily
// market cap, Coinalyze open interest, CMC tags / sector flags / categories and a hand-curated
// sector map. Each file kind is recognised by its name prefix (the names carry capture stamps).
//
// Real-data notes (checked against the bundled files):
//   - Coinbase candles, the derived market cap and open interest have no duplicate and no
//     missing day per coin/contract between its first and last row, so gaps are errors.
//   - Coinbase's EURC rows are the EURC/USDC pair (quoted in USDC), all others XXX/USD.
//   - Open interest: most contracts are Binance (".A"), but BONKUSDT_PERP.3 is OKX, OKBUSDT.6 is
//     Bybit and FTM.H is Hyperliquid (Coinalyze exchange codes); their IDs name their venue. The
//     row listed as coin USDT is SOMIUSDT_PERP.A, a Somnia contract Coinalyze matched by quote
//     currency: its parent is the contract's own base (asset:somi) and the upstream coin is kept
//     in Attrs["upstream_coin"].
//   - category_mappings_validated.csv: priority is "primary" or "secondary"; OCEAN/Data Economy
//     appears twice (tags are a set, so once).
package smoothbrainquant

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/rawfile"
	"cryptoweekly/provider/coinmarketcap"
)

// Provenance ids of the dataset's files. The CMC monthly snapshots are CoinMarketCap's own
// pages and keep CMC's id (coinmarketcap.SourceMonthlyTop200); the others exist only here.
const (
	SourceCoinbaseDaily            = cw.SourceID("coinbase-daily")
	SourceCoinbaseDerivedMarketCap = cw.SourceID("coinbase-derived-market-cap")
	SourceCoinalyzeOITop10         = cw.SourceID("coinalyze-oi-top10")
	SourceCoinalyzeOITop100        = cw.SourceID("coinalyze-oi-top100")
	SourceCMCTags                  = cw.SourceID("cmc-tags")
	SourceCMCSectorFlags           = cw.SourceID("cmc-sector-flags")
	SourceCMCCategories            = cw.SourceID("cmc-categories")
	SourceCuratedSectors           = cw.SourceID("curated-sectors")
)

// Name is the provider's name in the registry; it has no live connector.
const Name = "smoothbrainquant"

// Dir is the dataset's folder in the raw tree. It also holds CoinMarketCap's monthly snapshots,
// which provider/coinmarketcap decodes and reads as asset-ID evidence, so the name is CMC's.
const Dir = coinmarketcap.MonthlyDir

const (
	mktRepo     = "smoothbrainquant/trading-for-new-dads"
	mktHeadNote = "repo HEAD ca5c8252b300529d173259b29764cf6e926d77a5, 2025-11-08; no licence stated"
)

func init() {
	cw.RegisterFamily(cw.FileFamily{Dir: Dir, Parse: parseMarket})
	cw.RegisterProvider(cw.Provider{
		Name:  Name,
		Order: 100,
		Sources: []cw.SourceID{SourceCoinbaseDaily, SourceCoinbaseDerivedMarketCap, SourceCoinalyzeOITop10, SourceCoinalyzeOITop100,
			SourceCMCTags, SourceCMCSectorFlags, SourceCMCCategories, SourceCuratedSectors},
	})
}

// mktKind is one file kind of the family.
type mktKind struct {
	prefix   string      // file name prefix
	commit   string      // last commit touching the file (SOURCES.md)
	src      cw.SourceID // provenance ID
	provider string
	licence  string
	note     string
	parse    func(fsys fs.FS, dir, name string, prov cw.Provenance) (cw.Batch, error)
}

var mktKinds = []mktKind{
	{"coinmarketcap_monthly_all_snapshots", "6b3fa1e4", coinmarketcap.SourceMonthlyTop200, "CoinMarketCap", coinmarketcap.FileLicence,
		"CoinMarketCap historical snapshot, top 200 on the 1st of each month (values as of that day; pct_change_* in percent). " +
			"Coins sharing a ticker are split by the importer's asset-ID rule, shared with the weekly top-100.", coinmarketcap.ParseMonthly},
	{"coinbase_top200_daily_", "eb25b285", SourceCoinbaseDaily, "Coinbase", "none stated; data © Coinbase",
		"Coinbase spot daily OHLCV (UTC days); volume_base is in units of the base coin. All pairs are XXX/USD except EURC/USDC. " +
			"Only coins listed on Coinbase (33 in Nov-Dec 2024).", mktParseCoinbase},
	{"daily_calculated_market_cap", "0ac70247", SourceCoinbaseDerivedMarketCap, "smoothbrainquant (derived from Coinbase and CoinMarketCap)",
		"none stated; inputs © Coinbase and CoinMarketCap",
		"DERIVED by the upstream repo (data/scripts/calculate_daily_market_cap.py): Coinbase daily close × circulating supply " +
			"forward-filled from the CMC monthly snapshots, so supply changes within a month are not reflected. Not a CoinMarketCap figure.", mktParseDerived},
	{"historical_open_interest_top100_", "36fa3719", SourceCoinalyzeOITop100, "Coinalyze via smoothbrainquant", "none stated; data © Coinalyze",
		"Coinalyze daily open interest in USD (oi_close) of perpetuals of 24 mid-cap coins, mostly Binance (.A); " +
			"BONKUSDT_PERP.3 is OKX, OKBUSDT.6 Bybit, FTM.H Hyperliquid. One venue only: not market-wide OI.", mktParseOI},
	{"historical_open_interest_top10_", "485f0e72", SourceCoinalyzeOITop10, "Coinalyze via smoothbrainquant", "none stated; data © Coinalyze",
		"Coinalyze daily open interest in USD (oi_close) of Binance perpetuals (…USD_PERP.A coin-margined, …USDT_PERP.A USDT-margined) " +
			"of the top-10 coins. One venue only: not market-wide OI. The rows listed as coin USDT are SOMIUSDT_PERP.A (Somnia), " +
			"kept under the contract's own base.", mktParseOI},
	{"cmc_coin_tags_", "c2cbe300", SourceCMCTags, "CoinMarketCap", coinmarketcap.FileLicence,
		"CoinMarketCap tags per coin (snapshot of 2025-11-02, 100 coins) as cmc:<tag slug>; a current classification, not historical.", mktParseTags},
	{"cmc_tag_categories_", "c2cbe300", SourceCMCSectorFlags, "CoinMarketCap (flags derived by smoothbrainquant)", coinmarketcap.FileLicence,
		"Boolean sector flags per coin derived by the repo from CMC tags (snapshot of 2025-11-02) as sector:<sector>; " +
			"broad (e.g. many DeFi tokens are also flagged layer-1), current not historical.", mktParseFlags},
	{"category_mappings_validated", "30a93231", SourceCuratedSectors, "smoothbrainquant (hand-curated)", "none stated",
		"The repo's hand-curated sector per symbol: curated:<category> for the primary sector, curated-secondary:<category> for others.", mktParseCurated},
	{"cmc_categories_", "30a93231", SourceCMCCategories, "CoinMarketCap", coinmarketcap.FileLicence,
		"CoinMarketCap category-level snapshot (2025-10-26, 50 categories): market cap, 24h volume, token count, " +
			"average price change and market-cap change in percent. One day only.", mktParseCategories},
}

var mktStamp = regexp.MustCompile(`_(\d{8})_\d{6}\.csv$`)

// mktProvenance: FetchedAt is the capture stamp in the file name where there is one, otherwise
// the repo HEAD date (SOURCES.md gives no per-commit dates).
func mktProvenance(k mktKind, dir, name string) cw.Provenance {
	base := path.Base(name)
	fetched := time.Date(2025, time.November, 8, 0, 0, 0, 0, time.UTC)
	if m := mktStamp.FindStringSubmatch(base); m != nil {
		if t, err := time.Parse("20060102", m[1]); err == nil {
			fetched = t
		}
	}
	return cw.Provenance{
		ID:        k.src,
		Provider:  k.provider,
		Location:  path.Base(dir) + "/" + base,
		FetchedAt: fetched,
		Licence:   k.licence,
		Note:      fmt.Sprintf("%s@%s:data/raw/%s (%s). %s", mktRepo, k.commit, base, mktHeadNote, k.note),
	}
}

func parseMarket(fsys fs.FS, dir string) ([]cw.Batch, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.csv"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []cw.Batch
	for _, name := range names {
		base := path.Base(name)
		for _, k := range mktKinds {
			if !strings.HasPrefix(base, k.prefix) {
				continue
			}
			b, err := k.parse(fsys, dir, name, mktProvenance(k, dir, name))
			if err != nil {
				return nil, err
			}
			out = append(out, b)
			break
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no known file", dir)
	}
	return out, nil
}

// ---------------------------------------------------------------------------------------------
// Daily per-coin series (Coinbase candles, derived market cap)

// mktDaily collects days per key for the gap check.
type mktDaily struct {
	days  map[string][]time.Time
	lines map[string][]int
	order []string
}

func newMktDaily() *mktDaily {
	return &mktDaily{days: map[string][]time.Time{}, lines: map[string][]int{}}
}

func (d *mktDaily) add(key string, day time.Time, line int) {
	if _, ok := d.days[key]; !ok {
		d.order = append(d.order, key)
	}
	d.days[key] = append(d.days[key], day)
	d.lines[key] = append(d.lines[key], line)
}

func (d *mktDaily) checkGaps(file string) error {
	for _, k := range d.order {
		if err := rawfile.CheckNoGaps(file, d.days[k], d.lines[k], nil); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

func mktParseCoinbase(fsys fs.FS, dir, name string, prov cw.Provenance) (cw.Batch, error) {
	// The pair must be the base's own market ("BTC/USD"), not another coin's.
	pairOK := func(f *rawfile.CSVFile, i int, base string) error {
		if pair := f.Get(i, "symbol"); !strings.HasPrefix(pair, base+"/") || len(pair) == len(base)+1 {
			return f.Err(i, "symbol", fmt.Errorf("pair %q is not %s/<quote>", pair, base))
		}
		return nil
	}
	return mktParseDaily(fsys, name, prov, []string{"symbol"},
		[]string{"open", "high", "low", "close", "volume"},
		[]cw.Metric{MetricOpen, MetricHigh, MetricLow, cw.MetricClose, MetricVolumeBase}, pairOK)
}

func mktParseDerived(fsys fs.FS, dir, name string, prov cw.Provenance) (cw.Batch, error) {
	return mktParseDaily(fsys, name, prov, nil, []string{"market_cap"}, []cw.Metric{MetricMarketCapDerived}, nil)
}

// mktParseDaily reads a long daily file of (date, base, value columns…): one asset per base, one
// metric per value column, no negative values, no duplicate days and no gaps per base. check, if
// set, vets each row's other columns.
func mktParseDaily(fsys fs.FS, name string, prov cw.Provenance, extra, cols []string, metrics []cw.Metric, check func(f *rawfile.CSVFile, i int, base string) error) (cw.Batch, error) {
	f, err := rawfile.ReadCSV(fsys, name, ',', append(append([]string{"date", "base"}, extra...), cols...)...)
	if err != nil {
		return cw.Batch{}, err
	}
	s := rawfile.NewSeries(prov.ID)
	s.Grow(len(f.Rows) * len(metrics))
	var ents []cw.Entity
	seen := map[string]bool{}
	daily := newMktDaily()
	for i := range f.Rows {
		where := rawfile.At(f.Name, f.Lines[i])
		day, err := cw.ParseDay(f.Get(i, "date"))
		if err != nil {
			return cw.Batch{}, f.Err(i, "date", err)
		}
		base, err := rawfile.Symbol(f, i, "base")
		if err != nil {
			return cw.Batch{}, err
		}
		if check != nil {
			if err := check(f, i, base); err != nil {
				return cw.Batch{}, err
			}
		}
		v, err := rawfile.Floats(f, i, cols, true)
		if err != nil {
			return cw.Batch{}, err
		}
		id := cw.EntityID(cw.KindAsset, base)
		for j, m := range metrics {
			if err := s.Add(id, m, day, v[j], where); err != nil {
				return cw.Batch{}, err
			}
		}
		if !seen[id] {
			seen[id] = true
			ents = append(ents, cw.Entity{ID: id, Kind: cw.KindAsset, Symbol: base})
		}
		daily.add(id, day, f.Lines[i])
	}
	if err := daily.checkGaps(f.Name); err != nil {
		return cw.Batch{}, err
	}
	return cw.Batch{Source: prov, Entities: ents, Observations: s.Obs()}, nil
}

// ---------------------------------------------------------------------------------------------
// Coinalyze open interest

// mktVenues maps Coinalyze exchange codes (the symbol suffix) to venues.
var mktVenues = map[string]struct{ id, name string }{
	"A": {"binance", "Binance"},
	"6": {"bybit", "Bybit"},
	"3": {"okx", "OKX"},
	"H": {"hyperliquid", "Hyperliquid"},
}

// mktContract splits a Coinalyze symbol ("BTCUSD_PERP.A", "OKBUSDT.6", "FTM.H") into base coin,
// margin ("coin", "usdt", "usdc") and venue.
func mktContract(sym string) (base, margin, venue, venueName string, err error) {
	core, code, ok := strings.Cut(sym, ".")
	v, known := mktVenues[code]
	if !ok || !known {
		return "", "", "", "", fmt.Errorf("contract %q: unknown Coinalyze exchange code %q", sym, code)
	}
	core = strings.TrimSuffix(core, "_PERP")
	switch {
	case strings.HasSuffix(core, "USDT"):
		base, margin = strings.TrimSuffix(core, "USDT"), "usdt"
	case strings.HasSuffix(core, "USDC"):
		base, margin = strings.TrimSuffix(core, "USDC"), "usdc"
	case strings.HasSuffix(core, "USD"):
		base, margin = strings.TrimSuffix(core, "USD"), "coin"
	case v.id == "hyperliquid": // Hyperliquid perps are named by the coin alone and margined in USDC
		base, margin = core, "usdc"
	}
	if base == "" {
		return "", "", "", "", fmt.Errorf("contract %q: cannot tell base and margin", sym)
	}
	return base, margin, v.id, v.name, nil
}

var mktMarginText = map[string]string{"coin": "coin-margined", "usdt": "USDT-margined", "usdc": "USDC-margined"}

func mktParseOI(fsys fs.FS, dir, name string, prov cw.Provenance) (cw.Batch, error) {
	f, err := rawfile.ReadCSV(fsys, name, ',', "coin_name", "coin_symbol", "symbol", "date", "timestamp", "oi_close")
	if err != nil {
		return cw.Batch{}, err
	}
	s := rawfile.NewSeries(prov.ID)
	s.Grow(len(f.Rows))
	var ents []cw.Entity
	seen := map[string]bool{}
	daily := newMktDaily()
	for i := range f.Rows {
		day, err := cw.ParseDay(f.Get(i, "date"))
		if err != nil {
			return cw.Batch{}, f.Err(i, "date", err)
		}
		ts, err := strconv.ParseInt(f.Get(i, "timestamp"), 10, 64)
		if err != nil || ts <= 0 {
			return cw.Batch{}, f.Err(i, "timestamp", fmt.Errorf("not unix seconds: %q", f.Get(i, "timestamp")))
		}
		tsDay, err := rawfile.ParseUnixDay(float64(ts))
		if err != nil {
			return cw.Batch{}, f.Err(i, "timestamp", err)
		}
		if !tsDay.Equal(day) {
			return cw.Batch{}, f.Err(i, "timestamp", fmt.Errorf("%d is %s, but date says %s", ts, cw.DayString(tsDay), cw.DayString(day)))
		}
		sym, err := rawfile.Symbol(f, i, "symbol")
		if err != nil {
			return cw.Batch{}, err
		}
		coin, err := rawfile.Symbol(f, i, "coin_symbol")
		if err != nil {
			return cw.Batch{}, err
		}
		base, margin, venue, venueName, err := mktContract(sym)
		if err != nil {
			return cw.Batch{}, f.Err(i, "symbol", err)
		}
		v, err := rawfile.Floats(f, i, []string{"oi_close"}, true)
		if err != nil {
			return cw.Batch{}, err
		}
		id := string(cw.KindContract) + ":" + venue + "-" + cw.NormKey(sym)
		if err := s.Add(id, cw.MetricOpenInterestUSD, day, v[0], rawfile.At(f.Name, f.Lines[i])); err != nil {
			return cw.Batch{}, err
		}
		daily.add(id, day, f.Lines[i])
		if seen[id] {
			continue
		}
		seen[id] = true
		e := cw.Entity{ID: id, Kind: cw.KindContract, Symbol: sym,
			Attrs: map[string]string{"venue": venue, "margin": margin, "via": "coinalyze"}}
		coinName := f.Get(i, "coin_name")
		if !strings.EqualFold(base, coin) {
			// Coinalyze matched a contract of another coin (SOMIUSDT_PERP.A listed as USDT).
			e.Attrs["upstream_coin"] = coin
			coinName = base
		}
		if coinName == "" {
			coinName = base
		}
		e.Name = fmt.Sprintf("%s perpetual (%s, %s)", coinName, venueName, mktMarginText[margin])
		e.Parent = cw.EntityID(cw.KindAsset, base)
		ents = append(ents, e)
	}
	if err := daily.checkGaps(f.Name); err != nil {
		return cw.Batch{}, err
	}
	return cw.Batch{Source: prov, Entities: ents, Observations: s.Obs()}, nil
}

// ---------------------------------------------------------------------------------------------
// Tags, sector flags, curated sectors (entities only; asset:<symbol> is the ticker's main coin)

// mktTagSet collects tags per asset in file order, without repeats.
type mktTagSet struct {
	ents  map[string]*cw.Entity
	has   map[string]bool
	order []string
}

func newMktTagSet() *mktTagSet {
	return &mktTagSet{ents: map[string]*cw.Entity{}, has: map[string]bool{}}
}

func (t *mktTagSet) add(symbol string, tags ...string) {
	id := cw.EntityID(cw.KindAsset, symbol)
	e := t.ents[id]
	if e == nil {
		e = &cw.Entity{ID: id, Kind: cw.KindAsset, Symbol: symbol}
		t.ents[id] = e
		t.order = append(t.order, id)
	}
	for _, tag := range tags {
		if k := id + "\x00" + tag; !t.has[k] {
			t.has[k] = true
			e.Tags = append(e.Tags, tag)
		}
	}
}

func (t *mktTagSet) list() []cw.Entity {
	out := make([]cw.Entity, 0, len(t.order))
	for _, id := range t.order {
		out = append(out, *t.ents[id])
	}
	return out
}

func mktParseTags(fsys fs.FS, dir, name string, prov cw.Provenance) (cw.Batch, error) {
	f, err := rawfile.ReadCSV(fsys, name, ',', "symbol", "tag")
	if err != nil {
		return cw.Batch{}, err
	}
	ts := newMktTagSet()
	for i := range f.Rows {
		sym, err := rawfile.Symbol(f, i, "symbol")
		if err != nil {
			return cw.Batch{}, err
		}
		tag := cw.NormKey(f.Get(i, "tag"))
		if tag == "" {
			return cw.Batch{}, f.Err(i, "tag", fmt.Errorf("empty tag"))
		}
		ts.add(sym, "cmc:"+tag)
	}
	return cw.Batch{Source: prov, Entities: ts.list()}, nil
}

var mktFlags = []struct{ col, tag string }{
	{"is_layer1", "sector:layer-1"},
	{"is_layer2", "sector:layer-2"},
	{"is_defi", "sector:defi"},
	{"is_meme", "sector:meme"},
	{"is_ai", "sector:ai"},
	{"is_gaming", "sector:gaming"},
	{"is_infrastructure", "sector:infrastructure"},
	{"is_rwa", "sector:rwa"},
	{"is_stablecoin", "sector:stablecoin"},
	{"is_exchange", "sector:exchange"},
}

func mktParseFlags(fsys fs.FS, dir, name string, prov cw.Provenance) (cw.Batch, error) {
	cols := []string{"symbol"}
	for _, fl := range mktFlags {
		cols = append(cols, fl.col)
	}
	f, err := rawfile.ReadCSV(fsys, name, ',', cols...)
	if err != nil {
		return cw.Batch{}, err
	}
	ts := newMktTagSet()
	for i := range f.Rows {
		sym, err := rawfile.Symbol(f, i, "symbol")
		if err != nil {
			return cw.Batch{}, err
		}
		var tags []string
		for _, fl := range mktFlags {
			switch v := f.Get(i, fl.col); v {
			case "1":
				tags = append(tags, fl.tag)
			case "0":
			default:
				return cw.Batch{}, f.Err(i, fl.col, fmt.Errorf("flag is %q, want 0 or 1", v))
			}
		}
		ts.add(sym, tags...)
	}
	return cw.Batch{Source: prov, Entities: ts.list()}, nil
}

func mktParseCurated(fsys fs.FS, dir, name string, prov cw.Provenance) (cw.Batch, error) {
	f, err := rawfile.ReadCSV(fsys, name, ',', "symbol", "category", "priority")
	if err != nil {
		return cw.Batch{}, err
	}
	ts := newMktTagSet()
	for i := range f.Rows {
		sym, err := rawfile.Symbol(f, i, "symbol")
		if err != nil {
			return cw.Batch{}, err
		}
		cat := cw.NormKey(f.Get(i, "category"))
		if cat == "" {
			return cw.Batch{}, f.Err(i, "category", fmt.Errorf("empty category"))
		}
		switch p := f.Get(i, "priority"); p {
		case "primary":
			ts.add(sym, "curated:"+cat)
		case "secondary":
			ts.add(sym, "curated-secondary:"+cat)
		default:
			return cw.Batch{}, f.Err(i, "priority", fmt.Errorf("priority is %q, want primary or secondary", p))
		}
	}
	return cw.Batch{Source: prov, Entities: ts.list()}, nil
}

// ---------------------------------------------------------------------------------------------
// CMC categories snapshot

func mktParseCategories(fsys fs.FS, dir, name string, prov cw.Provenance) (cw.Batch, error) {
	f, err := rawfile.ReadCSV(fsys, name, ',', "category_id", "category_name", "num_tokens", "avg_price_change", "market_cap", "market_cap_change", "volume", "timestamp")
	if err != nil {
		return cw.Batch{}, err
	}
	s := rawfile.NewSeries(prov.ID)
	var ents []cw.Entity
	for i := range f.Rows {
		where := rawfile.At(f.Name, f.Lines[i])
		day, err := rawfile.ParseDayPrefix(f.Get(i, "timestamp"))
		if err != nil {
			return cw.Batch{}, f.Err(i, "timestamp", err)
		}
		cname := f.Get(i, "category_name")
		if cname == "" {
			return cw.Batch{}, f.Err(i, "category_name", fmt.Errorf("empty category name"))
		}
		id := cw.EntityID(cw.KindCategory, cname)
		n, err := rawfile.Whole(f, i, "num_tokens", 0)
		if err != nil {
			return cw.Batch{}, err
		}
		mv, err := rawfile.Floats(f, i, []string{"market_cap", "volume"}, true)
		if err != nil {
			return cw.Batch{}, err
		}
		pv, err := rawfile.Floats(f, i, []string{"avg_price_change", "market_cap_change"}, false)
		if err != nil {
			return cw.Batch{}, err
		}
		for _, o := range []struct {
			m cw.Metric
			v float64
		}{{cw.MetricMarketCap, mv[0]}, {cw.MetricVolume24h, mv[1]}, {MetricAvgPriceChangePct, pv[0]}, {MetricMarketCapChangePct, pv[1]}, {MetricNumTokens, n}} {
			if err := s.Add(id, o.m, day, o.v, where); err != nil {
				return cw.Batch{}, err
			}
		}
		e := cw.Entity{ID: id, Kind: cw.KindCategory, Name: cname}
		if cid := f.Get(i, "category_id"); cid != "" {
			e.Attrs = map[string]string{"cmc_id": cid}
		}
		ents = append(ents, e)
	}
	return cw.Batch{Source: prov, Entities: ents, Observations: s.Obs()}, nil
}

func init() {
	cw.RegisterDefinition(cw.Definition{ID: DefOpenInterestBinancePerp, Metric: cw.MetricOpenInterestUSD,
		Text: "Open interest in USD at the daily close of Binance perpetual contracts, via Coinalyze."})
}
