package smoothbrainquant

import (
	"strings"
	"testing"
	"testing/fstest"

	cw "cryptoweekly"
	"cryptoweekly/internal/familytest"
	"cryptoweekly/provider/coinmarketcap"
)

const (
	mktMonthlyFile  = Dir + "/coinmarketcap_monthly_all_snapshots.csv"
	mktCoinbaseFile = Dir + "/coinbase_top200_daily_20200101_to_present_20251025_171425.csv"
	mktDerivedFile  = Dir + "/daily_calculated_market_cap_clean.csv"
	mktOI10File     = Dir + "/historical_open_interest_top10_since2020_20251026_040214.csv"
	mktOI100File    = Dir + "/historical_open_interest_top100_since2020_20251026_113816.csv"
	mktTagsFile     = Dir + "/cmc_coin_tags_20251102_192126.csv"
	mktFlagsFile    = Dir + "/cmc_tag_categories_20251102_192126.csv"
	mktCuratedFile  = Dir + "/category_mappings_validated.csv"
	mktCatsFile     = Dir + "/cmc_categories_20251026_151505.csv"
)

const (
	mktMonthlyHeader = "Rank,Name,Symbol,Market Cap,Price,Circulating Supply,Volume (24h),% 1h,% 24h,% 7d,snapshot_date\n"
	mktMonthly       = mktMonthlyHeader +
		"1,Bitcoin,BTC,130580829149.587,7200.17439274,18135787.0,18565664996.7884,-0.0243622,0.161927,-0.929434,20200101\n" +
		"2,Ethereum,ETH,14271059633.075512,130.80200808,109104285.499,7935230330.4751,0.314189,1.03582,3.51347,20200101\n" +
		"199,Baby Doge Coin,BabyDoge,209439058.77734447,0.0,1.4378879957330947e+17,2368437.67,0.87386446,1.16767487,-0.14442495,20240101\n"
	mktCoinbaseHeader = "date,symbol,base,open,high,low,close,volume\n"
	mktCoinbase       = mktCoinbaseHeader +
		"2020-01-01,BTC/USD,BTC,7165.72,7238.14,7136.05,7174.33,3350.63004888\n" +
		"2020-01-01,ALGO/USD,ALGO,0.2155,0.223,0.2148,0.2191,244812.0\n" +
		"2020-01-02,BTC/USD,BTC,7174.33,7179.78,6924.0,6955.49,7959.54687383\n" +
		"2024-08-23,EURC/USDC,EURC,1.121,1.121,1.118,1.119,997787.0\n" +
		"2025-10-25,PEPE/USD,PEPE,7.17e-06,7.21e-06,7.09e-06,7.13e-06,334076959748.0\n"
	mktDerivedHeader = "date,base,market_cap,symbol\n"
	mktDerived       = mktDerivedHeader +
		"2021-04-09,1INCH,441572550.111,1INCH\n" +
		"2021-04-10,1INCH,413789345.046,1INCH\n" +
		"2025-10-24,ZRX,168466953.89108846,ZRX\n"
	mktOIHeader = "rank,coin_name,coin_symbol,symbol,date,timestamp,oi_open,oi_high,oi_low,oi_close\n"
	mktOI10     = mktOIHeader +
		"1,Bitcoin,BTC,BTCUSD_PERP.A,2021-09-15,1631664000,713650900.0,751628700.0,707980200.0,718741000.0\n" +
		"1,Bitcoin,BTC,BTCUSD_PERP.A,2021-09-16,1631750400,718322500.0,742657500.0,708426100.0,725902800.0\n" +
		"4,Tether USDt,USDT,SOMIUSDT_PERP.A,2025-10-26,1761436800,1.0,2.0,0.5,1500000.0\n" +
		"8,USDC,USDC,USDCUSDT_PERP.A,2025-10-26,1761436800,1.0,2.0,0.5,2500000.0\n"
	mktOI100 = mktOIHeader +
		"39,Virtuals Protocol,VIRTUAL,VIRTUALUSDT_PERP.A,2024-12-10,1733788800,4636.9220399999995,2335881.26842,4636.9220399999995,2319482.6988\n" +
		"53,Bonk,BONK,BONKUSDT_PERP.3,2024-12-10,1733788800,1,1,1,1000.0\n" +
		"48,OKB,OKB,OKBUSDT.6,2024-12-10,1733788800,1,1,1,2000.0\n" +
		"59,Fantom,FTM,FTM.H,2024-12-10,1733788800,1,1,1,3000.0\n"
	mktTagsHeader = "symbol,tag,tag_name,tag_group\n"
	mktTags       = mktTagsHeader +
		"1INCH,decentralized-exchange-dex-token,Decentralized Exchange (DEX) Token,CATEGORY\n" +
		"1INCH,defi,DeFi,CATEGORY\n" +
		"MORPHO,binance-ecosystem,Binance Ecosystem,CATEGORY\n"
	mktFlagsHeader = "symbol,is_layer1,is_layer2,is_defi,is_meme,is_ai,is_gaming,is_infrastructure,is_rwa,is_stablecoin,is_exchange\n"
	mktFlagsCSV    = mktFlagsHeader +
		"1INCH,1,0,1,0,0,0,0,0,0,0\n" +
		"MOG,1,1,0,1,0,0,0,0,0,0\n" +
		"USDT,0,0,0,0,0,0,0,0,1,0\n"
	mktCuratedHeader = "symbol,category,priority,notes\n"
	mktCurated       = mktCuratedHeader +
		"BTC,BTC Ecosystem,primary,Bitcoin\n" +
		"STX,BTC Ecosystem,primary,Bitcoin Layer 2\n" +
		"STX,L2 Scaling,secondary,Bitcoin Layer 2\n" +
		"OCEAN,Data Economy,secondary,\n" +
		"OCEAN,Data Economy,secondary,dup\n"
	mktCatsHeader = "category_id,category_name,title,description,num_tokens,avg_price_change,market_cap,market_cap_change,volume,volume_change,last_updated,timestamp\n"
	mktCats       = mktCatsHeader +
		"68eb3da2a42aeb4cfa493a91,Trading Bots,Trading Bots,Trading Bots,3,3.7066343572201177,46208545.39073061,3.433605938121,20426834.97703819,4.828421376815,2025-10-12T05:33:40.657Z,2025-10-26T15:15:05.317143\n" +
		"68eb36dea42aeb4cfa493a32,Capital Launchpad,Capital Launchpad,Capital Launchpad,3,-5.115770715735774,106803657.84275362,-3.421078729317,107542139.04538406,-42.418614778643,2025-10-12T05:04:58.529Z,2025-10-26T15:15:05.317153\n" +
		"675d07748139da285433416e,Tokenized Treasury Bonds (T-Bonds),x,x,14,0,0.0,0,0,0,2024-12-14T04:20:55.982Z,2025-10-26T15:15:05.317219\n"
)

func mktGoodFS() fstest.MapFS {
	return fstest.MapFS{
		mktMonthlyFile:      {Data: []byte(mktMonthly)},
		mktCoinbaseFile:     {Data: []byte(mktCoinbase)},
		mktDerivedFile:      {Data: []byte(mktDerived)},
		mktOI10File:         {Data: []byte(mktOI10)},
		mktOI100File:        {Data: []byte(mktOI100)},
		mktTagsFile:         {Data: []byte(mktTags)},
		mktFlagsFile:        {Data: []byte(mktFlagsCSV)},
		mktCuratedFile:      {Data: []byte(mktCurated)},
		mktCatsFile:         {Data: []byte(mktCats)},
		Dir + "/README.txt": {Data: []byte("not a data file")},
	}
}

func mktBatch(t *testing.T, bs []cw.Batch, file string) cw.Batch {
	t.Helper()
	for _, b := range bs {
		if b.Source.Location == file {
			return b
		}
	}
	t.Fatalf("no batch for %s", file)
	return cw.Batch{}
}

func TestMarketGood(t *testing.T) {
	bs, err := familytest.Parse(t, mktGoodFS(), Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 9 {
		t.Fatalf("%d batches, want 9 (one per data file)", len(bs))
	}
	want := []struct {
		id, metric, day string
		v, tol          float64
	}{
		{"asset:btc", "market_cap", "2020-01-01", 130580829149.587, 1e-3},
		{"asset:btc", "price", "2020-01-01", 7200.17439274, 1e-9},
		{"asset:btc", "circulating_supply", "2020-01-01", 18135787, 0},
		{"asset:btc", "volume_24h", "2020-01-01", 18565664996.7884, 1e-4},
		{"asset:btc", "pct_change_24h", "2020-01-01", 0.161927, 1e-12},
		{"asset:btc", "pct_change_7d", "2020-01-01", -0.929434, 1e-12},
		{"asset:btc", "rank", "2020-01-01", 1, 0},
		{"asset:babydoge", "price", "2024-01-01", 0, 0},
		{"asset:btc", "open", "2020-01-02", 7174.33, 1e-9},
		{"asset:btc", "high", "2020-01-02", 7179.78, 1e-9},
		{"asset:btc", "low", "2020-01-02", 6924.0, 1e-9},
		{"asset:btc", "close", "2020-01-02", 6955.49, 1e-9},
		{"asset:btc", "volume_base", "2020-01-02", 7959.54687383, 1e-9},
		{"asset:eurc", "close", "2024-08-23", 1.119, 1e-12},
		{"asset:pepe", "close", "2025-10-25", 7.13e-06, 1e-15},
		{"asset:1inch", "market_cap_derived", "2021-04-10", 413789345.046, 1e-6},
		{"contract:binance-btcusd_perp.a", "open_interest_usd", "2021-09-16", 725902800, 0},
		{"contract:binance-somiusdt_perp.a", "open_interest_usd", "2025-10-26", 1500000, 0},
		{"contract:okx-bonkusdt_perp.3", "open_interest_usd", "2024-12-10", 1000, 0},
		{"contract:bybit-okbusdt.6", "open_interest_usd", "2024-12-10", 2000, 0},
		{"contract:hyperliquid-ftm.h", "open_interest_usd", "2024-12-10", 3000, 0},
		{"category:trading-bots", "market_cap", "2025-10-26", 46208545.39073061, 1e-6},
		{"category:trading-bots", "volume_24h", "2025-10-26", 20426834.97703819, 1e-6},
		{"category:trading-bots", "num_tokens", "2025-10-26", 3, 0},
		{"category:capital-launchpad", "avg_price_change_pct", "2025-10-26", -5.115770715735774, 1e-12},
		{"category:capital-launchpad", "market_cap_change_pct", "2025-10-26", -3.421078729317, 1e-12},
		{"category:tokenized-treasury-bonds-(t-bonds)", "market_cap", "2025-10-26", 0, 0},
	}
	for _, w := range want {
		familytest.Want(t, bs, w.id, w.metric, w.day, w.v, w.tol)
	}

	// Provenance per file.
	for file, p := range map[string]struct{ id, provider, fetched, commit string }{
		mktMonthlyFile:  {"cmc-monthly-top200", "CoinMarketCap", "2025-11-08", "6b3fa1e4"},
		mktCoinbaseFile: {"coinbase-daily", "Coinbase", "2025-10-25", "eb25b285"},
		mktDerivedFile:  {"coinbase-derived-market-cap", "", "2025-11-08", "0ac70247"},
		mktOI10File:     {"coinalyze-oi-top10", "Coinalyze via smoothbrainquant", "2025-10-26", "485f0e72"},
		mktOI100File:    {"coinalyze-oi-top100", "Coinalyze via smoothbrainquant", "2025-10-26", "36fa3719"},
		mktTagsFile:     {"cmc-tags", "CoinMarketCap", "2025-11-02", "c2cbe300"},
		mktFlagsFile:    {"cmc-sector-flags", "", "2025-11-02", "c2cbe300"},
		mktCuratedFile:  {"curated-sectors", "", "2025-11-08", "30a93231"},
		mktCatsFile:     {"cmc-categories", "CoinMarketCap", "2025-10-26", "30a93231"},
	} {
		got := mktBatch(t, bs, file).Source
		if string(got.ID) != p.id || (p.provider != "" && got.Provider != p.provider) || got.Provider == "" ||
			!got.FetchedAt.Equal(familytest.Day(p.fetched)) || !strings.Contains(got.Note, p.commit) || got.Licence == "" {
			t.Errorf("%s: provenance %+v, want id %s provider %q fetched %s commit %s", file, got, p.id, p.provider, p.fetched, p.commit)
		}
	}
	if n := mktBatch(t, bs, mktDerivedFile).Source.Note; !strings.Contains(n, "DERIVED") {
		t.Errorf("derived note %q", n)
	}

	// Entities.
	e, _ := familytest.Entity(bs, "contract:binance-btcusd_perp.a")
	if e.Kind != cw.KindContract || e.Symbol != "BTCUSD_PERP.A" || e.Name != "Bitcoin perpetual (Binance, coin-margined)" || e.Parent != "asset:btc" ||
		e.Attrs["venue"] != "binance" || e.Attrs["margin"] != "coin" || e.Attrs["via"] != "coinalyze" {
		t.Errorf("BTC contract %+v", e)
	}
	e, _ = familytest.Entity(bs, "contract:binance-usdcusdt_perp.a")
	if e.Name != "USDC perpetual (Binance, USDT-margined)" || e.Parent != "asset:usdc" || e.Attrs["margin"] != "usdt" {
		t.Errorf("USDC contract %+v", e)
	}
	e, _ = familytest.Entity(bs, "contract:binance-somiusdt_perp.a")
	if e.Parent != "asset:somi" || e.Attrs["upstream_coin"] != "USDT" || e.Name != "SOMI perpetual (Binance, USDT-margined)" {
		t.Errorf("SOMI contract %+v", e)
	}
	e, _ = familytest.Entity(bs, "contract:hyperliquid-ftm.h")
	if e.Parent != "asset:ftm" || e.Attrs["venue"] != "hyperliquid" || e.Attrs["margin"] != "usdc" {
		t.Errorf("FTM contract %+v", e)
	}
	tags := func(file, id string) string {
		for _, e := range mktBatch(t, bs, file).Entities {
			if e.ID == id {
				if e.Kind != cw.KindAsset {
					t.Errorf("%s kind %s", id, e.Kind)
				}
				return strings.Join(e.Tags, " ")
			}
		}
		return "<none>"
	}
	for _, c := range []struct{ file, id, want string }{
		{mktTagsFile, "asset:1inch", "cmc:decentralized-exchange-dex-token cmc:defi"},
		{mktTagsFile, "asset:morpho", "cmc:binance-ecosystem"},
		{mktFlagsFile, "asset:1inch", "sector:layer-1 sector:defi"},
		{mktFlagsFile, "asset:mog", "sector:layer-1 sector:layer-2 sector:meme"},
		{mktFlagsFile, "asset:usdt", "sector:stablecoin"},
		{mktCuratedFile, "asset:btc", "curated:btc-ecosystem"},
		{mktCuratedFile, "asset:stx", "curated:btc-ecosystem curated-secondary:l2-scaling"},
		{mktCuratedFile, "asset:ocean", "curated-secondary:data-economy"},
	} {
		if got := tags(c.file, c.id); got != c.want {
			t.Errorf("%s %s tags %q, want %q", c.file, c.id, got, c.want)
		}
	}
	if len(mktBatch(t, bs, mktTagsFile).Observations) != 0 {
		t.Errorf("tags batch has observations")
	}
	e, _ = familytest.Entity(bs, "category:trading-bots")
	if e.Kind != cw.KindCategory || e.Name != "Trading Bots" || e.Attrs["cmc_id"] != "68eb3da2a42aeb4cfa493a91" {
		t.Errorf("category %+v", e)
	}
}

// TestMarketSharedAssetIDs: the monthly snapshots resolve tickers with the same rule and the same
// evidence as the weekly top-100, so a coin lands on one ID whichever file it came from.
func TestMarketSharedAssetIDs(t *testing.T) {
	row := func(rank int, name, supply string) string {
		return strings.NewReplacer("R", string(rune('0'+rank)), "N", name, "S", supply).Replace(`R,XYZN,XYZ,"$2,000,000.00",$2.00,"S XYZ *","$1,000.00"`)
	}
	weekly := familytest.CMCWeeklyHeader +
		familytest.CMCWeeklySnap("2024-11-25", 100, row(1, "Alpha", "1,000,000")) +
		familytest.CMCWeeklySnap("2024-12-02", 100, row(1, "Alpha Net", "1,050,000")) +
		familytest.CMCWeeklySnap("2024-12-09", 100, row(1, "Alpha Net", "1,100,000"), row(2, "Beta", "1,100,000")) +
		familytest.CMCWeeklySnap("2024-12-16", 100, row(1, "Gamma", "1,000,000,000"))
	monthly := mktMonthlyHeader +
		"5,Alpha Net,XYZ,2000000,2,1100000,1000,0,1,2,20241201\n" +
		"7,Gamma,XYZ,2000000000,2,1000000000,1000,0,1,2,20250101\n" +
		"8,Gamma,XYZ,2000000000,2,1000000000,1000,0,1,2,20250201\n"
	fsys := fstest.MapFS{
		coinmarketcap.WeeklyDir + "/top100_weekly_data.csv": {Data: []byte(weekly)},
		mktMonthlyFile: {Data: []byte(monthly)},
	}
	wb, err := familytest.Parse(t, fsys, coinmarketcap.WeeklyDir)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := familytest.Parse(t, fsys, Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		bs      []cw.Batch
		id, day string
	}{
		{wb, "asset:xyz", "2024-11-25"},
		{wb, "asset:xyz", "2024-12-09"},
		{wb, "asset:xyz-beta", "2024-12-09"},
		{wb, "asset:xyz-gamma", "2024-12-16"},
		{mb, "asset:xyz", "2024-12-01"},
		{mb, "asset:xyz-gamma", "2025-01-01"},
	} {
		if _, ok := familytest.Obs(t, c.bs, c.id, "rank", c.day); !ok {
			t.Errorf("no %s on %s", c.id, c.day)
		}
	}
}

func TestMarketBad(t *testing.T) {
	with := func(file, content string) fstest.MapFS {
		m := mktGoodFS()
		m[file] = &fstest.MapFile{Data: []byte(content)}
		return m
	}
	for _, c := range []struct {
		name  string
		fsys  fstest.MapFS
		wants []string
	}{
		// monthly
		{"monthly malformed", with(mktMonthlyFile, mktMonthlyHeader+"1,\"Bitcoin,BTC,1,1,1,1,0,0,0,20200101\n"), []string{mktMonthlyFile + ":2"}},
		{"monthly field count", with(mktMonthlyFile, mktMonthlyHeader+"1,Bitcoin,BTC,1,1,1,1,0,0,20200101\n"), []string{mktMonthlyFile + ":2", "10 fields"}},
		{"monthly NaN", with(mktMonthlyFile, mktMonthlyHeader+"1,Bitcoin,BTC,NaN,1,1,1,0,0,0,20200101\n"), []string{mktMonthlyFile + ":2", "field Market Cap"}},
		{"monthly Inf pct", with(mktMonthlyFile, mktMonthlyHeader+"1,Bitcoin,BTC,1,1,1,1,0,+Inf,0,20200101\n"), []string{mktMonthlyFile + ":2", "field % 24h"}},
		{"monthly negative", with(mktMonthlyFile, mktMonthlyHeader+"1,Bitcoin,BTC,1,-1,1,1,0,0,0,20200101\n"), []string{mktMonthlyFile + ":2", "field Price", "negative"}},
		{"monthly bad date", with(mktMonthlyFile, mktMonthlyHeader+"1,Bitcoin,BTC,1,1,1,1,0,0,0,2020-01-01\n"), []string{mktMonthlyFile + ":2", "field snapshot_date"}},
		{"monthly duplicate", with(mktMonthlyFile, mktMonthly+"1,Bitcoin,BTC,1,1,1,1,0,0,0,20200101\n"), []string{mktMonthlyFile + ":5", "duplicate day 2020-01-01", mktMonthlyFile + ":2"}},
		{"monthly missing column", with(mktMonthlyFile, strings.Replace(mktMonthlyHeader, "% 7d", "%7d", 1)), []string{mktMonthlyFile + ":1", `missing column "% 7d"`}},
		// coinbase
		{"coinbase duplicate", with(mktCoinbaseFile, mktCoinbase+"2020-01-02,BTC/USD,BTC,1,1,1,1,1\n"), []string{mktCoinbaseFile + ":7", "duplicate day 2020-01-02", mktCoinbaseFile + ":4"}},
		{"coinbase gap", with(mktCoinbaseFile, mktCoinbase+"2020-01-04,BTC/USD,BTC,1,1,1,1,1\n"), []string{mktCoinbaseFile + ":7", "no row for 2020-01-03", "asset:btc"}},
		{"coinbase NaN", with(mktCoinbaseFile, mktCoinbaseHeader+"2020-01-01,BTC/USD,BTC,1,1,1,NaN,1\n"), []string{mktCoinbaseFile + ":2", "field close"}},
		{"coinbase negative", with(mktCoinbaseFile, mktCoinbaseHeader+"2020-01-01,BTC/USD,BTC,1,1,1,1,-1\n"), []string{mktCoinbaseFile + ":2", "field volume", "negative"}},
		{"coinbase pair", with(mktCoinbaseFile, mktCoinbaseHeader+"2020-01-01,ETH/USD,BTC,1,1,1,1,1\n"), []string{mktCoinbaseFile + ":2", "field symbol"}},
		{"coinbase bad date", with(mktCoinbaseFile, mktCoinbaseHeader+"01/01/2020,BTC/USD,BTC,1,1,1,1,1\n"), []string{mktCoinbaseFile + ":2", "field date"}},
		{"coinbase missing column", with(mktCoinbaseFile, "date,symbol,base,open,high,low,close\n"), []string{mktCoinbaseFile + ":1", `missing column "volume"`}},
		// derived
		{"derived duplicate", with(mktDerivedFile, mktDerived+"2021-04-10,1INCH,1,1INCH\n"), []string{mktDerivedFile + ":5", "duplicate day 2021-04-10", mktDerivedFile + ":3"}},
		{"derived gap", with(mktDerivedFile, mktDerived+"2021-04-12,1INCH,1,1INCH\n"), []string{mktDerivedFile + ":5", "no row for 2021-04-11"}},
		{"derived negative", with(mktDerivedFile, mktDerivedHeader+"2021-04-09,1INCH,-441572550.111,1INCH\n"), []string{mktDerivedFile + ":2", "field market_cap", "negative"}},
		{"derived non-number", with(mktDerivedFile, mktDerivedHeader+"2021-04-09,1INCH,,1INCH\n"), []string{mktDerivedFile + ":2", "field market_cap"}},
		// open interest
		{"oi timestamp", with(mktOI10File, mktOIHeader+"1,Bitcoin,BTC,BTCUSD_PERP.A,2021-09-16,1631664000,1,1,1,1\n"), []string{mktOI10File + ":2", "field timestamp", "2021-09-15"}},
		{"oi exchange", with(mktOI10File, mktOIHeader+"1,Bitcoin,BTC,BTCUSD_PERP.Z,2021-09-15,1631664000,1,1,1,1\n"), []string{mktOI10File + ":2", "field symbol", "exchange code"}},
		{"oi negative", with(mktOI100File, mktOIHeader+"1,Bitcoin,BTC,BTCUSD_PERP.A,2021-09-15,1631664000,1,1,1,-1\n"), []string{mktOI100File + ":2", "field oi_close", "negative"}},
		{"oi NaN", with(mktOI100File, mktOIHeader+"1,Bitcoin,BTC,BTCUSD_PERP.A,2021-09-15,1631664000,1,1,1,NaN\n"), []string{mktOI100File + ":2", "field oi_close"}},
		{"oi gap", with(mktOI10File, mktOI10+"1,Bitcoin,BTC,BTCUSD_PERP.A,2021-09-18,1631923200,1,1,1,1\n"), []string{mktOI10File + ":6", "no row for 2021-09-17"}},
		{"oi duplicate", with(mktOI10File, mktOI10+"1,Bitcoin,BTC,BTCUSD_PERP.A,2021-09-16,1631750400,1,1,1,1\n"), []string{mktOI10File + ":6", "duplicate day", mktOI10File + ":3"}},
		{"oi missing column", with(mktOI10File, strings.Replace(mktOI10, "oi_close", "close", 1)), []string{mktOI10File + ":1", `missing column "oi_close"`}},
		// tags, flags, curated, categories
		{"tags empty tag", with(mktTagsFile, mktTagsHeader+"BTC,,x,CATEGORY\n"), []string{mktTagsFile + ":2", "field tag"}},
		{"tags field count", with(mktTagsFile, mktTagsHeader+"BTC,defi\n"), []string{mktTagsFile + ":2", "2 fields"}},
		{"flags not 0/1", with(mktFlagsFile, mktFlagsHeader+"BTC,1,0,0,0,0,0,2,0,0,0\n"), []string{mktFlagsFile + ":2", "field is_infrastructure"}},
		{"flags missing column", with(mktFlagsFile, strings.Replace(mktFlagsHeader, ",is_rwa", "", 1)), []string{mktFlagsFile + ":1", `missing column "is_rwa"`}},
		{"curated priority", with(mktCuratedFile, mktCuratedHeader+"BTC,BTC Ecosystem,tertiary,x\n"), []string{mktCuratedFile + ":2", "field priority"}},
		{"categories negative", with(mktCatsFile, mktCatsHeader+"id,Trading Bots,t,d,3,1,-5,1,1,1,x,2025-10-26T15:15:05.3\n"), []string{mktCatsFile + ":2", "field market_cap", "negative"}},
		{"categories tokens", with(mktCatsFile, mktCatsHeader+"id,Trading Bots,t,d,2.5,1,5,1,1,1,x,2025-10-26T15:15:05.3\n"), []string{mktCatsFile + ":2", "field num_tokens"}},
		{"categories bad date", with(mktCatsFile, mktCatsHeader+"id,Trading Bots,t,d,3,1,5,1,1,1,x,yesterday\n"), []string{mktCatsFile + ":2", "field timestamp"}},
		{"categories duplicate", with(mktCatsFile, mktCats+"id,Trading Bots,t,d,3,1,5,1,1,1,x,2025-10-26T15:15:05.3\n"), []string{mktCatsFile + ":5", "duplicate day", mktCatsFile + ":2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := familytest.Parse(t, c.fsys, Dir)
			familytest.Err(t, err, c.wants...)
		})
	}
}

func TestMarketRealFiles(t *testing.T) {
	raw := familytest.Raw(t)
	bs, err := familytest.Parse(t, raw, Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 9 {
		t.Errorf("%d batches, want 9", len(bs))
	}
	familytest.Want(t, bs, "asset:usdt", "market_cap", "2024-12-01", 134.22e9, 0.005e9)
	familytest.Want(t, bs, "asset:usdc", "market_cap", "2024-12-01", 40.01e9, 0.005e9)
	familytest.Want(t, bs, "contract:binance-btcusd_perp.a", "open_interest_usd", "2024-12-13", 2.18e9, 0.005e9)
	familytest.Want(t, bs, "contract:binance-btcusd_perp.a", "open_interest_usd", "2024-12-06", 2.28e9, 0.005e9)
	for file, n := range map[string]int{
		mktMonthlyFile:  14000 * 7,
		mktCoinbaseFile: 60726 * 5,
		mktDerivedFile:  70540,
		mktOI10File:     13047,
		mktOI100File:    21577,
		mktCatsFile:     50 * 5,
		mktTagsFile:     0,
	} {
		if got := len(mktBatch(t, bs, file).Observations); got != n {
			t.Errorf("%s: %d observations, want %d", file, got, n)
		}
	}
	// Same asset IDs as the weekly file for the same coins; ticker collisions split.
	for _, c := range []struct{ id, day string }{
		{"asset:btc", "2024-12-01"},
		{"asset:usdt", "2020-01-01"}, // "Tether", before the rename
		{"asset:bnx", "2023-03-01"},  // BinaryX and BinaryX (old) share this snapshot
		{"asset:bnx-binaryx-(old)", "2023-03-01"},
		{"asset:one-bigone-token", "2020-06-01"},
		{"asset:one", "2020-07-01"},
		{"asset:strk-strike", "2021-08-01"},
		{"asset:aca-acash-coin", "2020-07-01"},
		{"asset:sun-sun", "2021-06-01"},
	} {
		if _, ok := familytest.Obs(t, bs, c.id, "rank", c.day); !ok {
			t.Errorf("no %s on %s", c.id, c.day)
		}
	}
	e, _ := familytest.Entity(bs, "contract:binance-somiusdt_perp.a")
	if e.Parent != "asset:somi" || e.Attrs["upstream_coin"] != "USDT" {
		t.Errorf("SOMI contract %+v", e)
	}
	if e, _ := familytest.Entity([]cw.Batch{mktBatch(t, bs, mktMonthlyFile)}, "asset:eth"); e.Name != "Ethereum" || e.Symbol != "ETH" {
		t.Errorf("asset:eth %+v", e)
	}
	// Tags land on the symbol-only (canonical) IDs.
	for _, b := range bs {
		for _, e := range b.Entities {
			if (b.Source.ID == "cmc-tags" || b.Source.ID == "cmc-sector-flags" || b.Source.ID == "curated-sectors") && e.ID != cw.EntityID(cw.KindAsset, e.Symbol) {
				t.Errorf("%s: entity %s for symbol %s", b.Source.ID, e.ID, e.Symbol)
			}
		}
	}
}
