package coinmarketcap

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	cw "cryptoweekly"
	"cryptoweekly/internal/familytest"
)

func cmcWeeklyFS(content string) fstest.MapFS {
	return fstest.MapFS{WeeklyDir + "/top100_weekly_data.csv": {Data: []byte(content)}}
}

func TestCMCWeeklyGood(t *testing.T) {
	content := familytest.CMCWeeklyHeader + familytest.CMCWeeklySnap("2024-12-09", 100, familytest.CMCBTCRow, familytest.CMCUSDTRow, familytest.CMCRUNERow, familytest.CMC1INCHRow)
	bs, err := familytest.Parse(t, cmcWeeklyFS(content), WeeklyDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 {
		t.Fatalf("%d batches, want 1", len(bs))
	}
	p := bs[0].Source
	if p.ID != "cmc-weekly-top100" || p.Provider != "CoinMarketCap" || p.Location != WeeklyDir+"/top100_weekly_data.csv" ||
		!p.FetchedAt.Equal(familytest.Day("2025-07-30")) || !strings.Contains(p.Licence, "CoinMarketCap") || !strings.Contains(p.Note, "3338ace6") {
		t.Errorf("provenance %+v", p)
	}
	if n := len(bs[0].Observations); n != 500 {
		t.Errorf("%d observations, want 500 (100 rows × 5 metrics)", n)
	}
	for _, c := range []struct {
		id, metric string
		want, tol  float64
	}{
		{"asset:btc", "market_cap", 1928353928001.88, 0.005},
		{"asset:btc", "price", 97432.72, 1e-9},
		{"asset:btc", "volume_24h", 93612418129.38, 0.005},
		{"asset:btc", "circulating_supply", 19791646, 0},
		{"asset:btc", "rank", 1, 0},
		{"asset:usdt", "market_cap", 138373429153.58, 0.005},
		{"asset:usdt", "circulating_supply", 138367233137, 0},
		{"asset:rune", "circulating_supply", 158432088, 0},
		{"asset:rune", "price", 1.5902, 1e-12},
		{"asset:1inch", "circulating_supply", 1250000000, 0},
		{"asset:fil7", "circulating_supply", 1000, 0},
	} {
		familytest.Want(t, bs, c.id, c.metric, "2024-12-09", c.want, c.tol)
	}
	for id, want := range map[string][2]string{
		"asset:btc":  {"Bitcoin", "BTC"},
		"asset:usdt": {"Tether USDt", "USDT"},
		"asset:rune": {"THORChain", "RUNE"},
		// The file says "1inch Network"; the asset-ID table (assetids.tsv) names the ID as its
		// latest sighting in both bundled snapshot files does, so every family agrees.
		"asset:1inch": {"1inch", "1INCH"},
	} {
		e, ok := familytest.Entity(bs, id)
		if !ok || e.Kind != cw.KindAsset || e.Name != want[0] || e.Symbol != want[1] {
			t.Errorf("entity %s = %+v, want name %q symbol %q", id, e, want[0], want[1])
		}
	}
}

func TestCMCGlueName(t *testing.T) {
	for _, c := range []struct{ glued, sym, want string }{
		{"BTCBitcoin", "BTC", "Bitcoin"},
		{"THETATHETA", "THETA", "THETA"},
		{"XAUtTether Gold", "XAUt", "Tether Gold"},
		{"xautTether Gold", "XAUt", "Tether Gold"}, // other case
		{"Tether Gold", "XAUT", "Tether Gold"},     // glue without the symbol: kept whole
		{"BNB", "BNB", "BNB"},                      // name equal to the symbol
	} {
		if got := cmcGlueName(c.glued, c.sym); got != c.want {
			t.Errorf("cmcGlueName(%q, %q) = %q, want %q", c.glued, c.sym, got, c.want)
		}
	}
}

// TestCMCSymbolCollisions documents the asset-ID rule: renames stay on one ID, a coin sharing
// a snapshot with another of the same ticker, or taking the ticker over with a different supply,
// gets "asset:<symbol>-<name>"; the ticker's most frequent coin keeps "asset:<symbol>".
func TestCMCSymbolCollisions(t *testing.T) {
	row := func(rank int, name, supply string) string {
		return fmt.Sprintf(`%d,XYZ%s,XYZ,"$2,000,000.00",$2.00,"%s XYZ *","$1,000.00"`, rank, name, supply)
	}
	content := familytest.CMCWeeklyHeader +
		familytest.CMCWeeklySnap("2024-11-25", 100, row(1, "Alpha", "1,000,000")) +
		familytest.CMCWeeklySnap("2024-12-02", 100, row(1, "Alpha Net", "1,050,000")) + // rename, same supply
		familytest.CMCWeeklySnap("2024-12-09", 100, row(1, "Alpha Net", "1,100,000"), row(2, "Beta", "1,100,000")) + // same snapshot
		familytest.CMCWeeklySnap("2024-12-16", 100, row(1, "Gamma", "1,000,000,000")) // ×1000 supply: another coin
	bs, err := familytest.Parse(t, cmcWeeklyFS(content), WeeklyDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ id, day string }{
		{"asset:xyz", "2024-11-25"},
		{"asset:xyz", "2024-12-02"},
		{"asset:xyz", "2024-12-09"},
		{"asset:xyz-beta", "2024-12-09"},
		{"asset:xyz-gamma", "2024-12-16"},
	} {
		if _, ok := familytest.Obs(t, bs, c.id, "rank", c.day); !ok {
			t.Errorf("no %s on %s", c.id, c.day)
		}
	}
	if _, ok := familytest.Obs(t, bs, "asset:xyz", "rank", "2024-12-16"); ok {
		t.Errorf("Gamma landed on asset:xyz")
	}
	if e, _ := familytest.Entity(bs, "asset:xyz"); e.Name != "Alpha Net" {
		t.Errorf("asset:xyz name %q, want the latest name Alpha Net", e.Name)
	}

	// The resolver on its own: the override for ONE, and the tie-break.
	obs := []cmcNameObs{
		{sym: "one", name: "BigONE Token", day: familytest.Day("2020-06-01"), src: 1, seq: 0, supply: 9.4e9},
		{sym: "one", name: "Harmony", day: familytest.Day("2020-07-01"), src: 1, seq: 1, supply: 6.3e9},
		{sym: "one", name: "Harmony", day: familytest.Day("2020-08-01"), src: 1, seq: 2, supply: 6.3e9},
		{sym: "tie", name: "B coin", day: familytest.Day("2020-06-01"), src: 1, seq: 3},
		{sym: "tie", name: "A coin", day: familytest.Day("2020-06-01"), src: 1, seq: 4},
	}
	ids := buildAssetIDs(obs)
	for _, c := range []struct{ sym, name, want string }{
		{"ONE", "BigONE Token", "asset:one-bigone-token"},
		{"ONE", "Harmony", "asset:one"},
		{"TIE", "A coin", "asset:tie"},
		{"TIE", "B coin", "asset:tie-b-coin"},
		{"NEW", "Unseen", "asset:new"},
	} {
		if got := ids.id(c.sym, c.name); got != c.want {
			t.Errorf("id(%s, %s) = %s, want %s", c.sym, c.name, got, c.want)
		}
	}
}

func TestCMCWeeklyBad(t *testing.T) {
	file := WeeklyDir + "/top100_weekly_data.csv"
	snap := func(first string) string { return familytest.CMCWeeklySnap("2024-12-09", 100, first) }
	for _, c := range []struct {
		name, content string
		wants         []string
	}{
		{"malformed row", familytest.CMCWeeklyHeader + snap(`1,BTCBitcoin,BTC,"$1,928,353,928,001.88,"$97,432.72"`), []string{file + ":2"}},
		{"wrong field count", familytest.CMCWeeklyHeader + snap(`1,BTCBitcoin,BTC,"$1.00",$1.00,"1BTC"`), []string{file + ":2", "7 fields"}},
		{"non-number", familytest.CMCWeeklyHeader + snap(`1,BTCBitcoin,BTC,"$1.00",abc,"1BTC","$1.00"`), []string{file + ":2", "field price"}},
		{"NaN", familytest.CMCWeeklyHeader + snap(`1,BTCBitcoin,BTC,NaN,$1.00,"1BTC","$1.00"`), []string{file + ":2", "field market_cap"}},
		{"Inf supply", familytest.CMCWeeklyHeader + snap(`1,BTCBitcoin,BTC,"$1.00",$1.00,"Inf BTC","$1.00"`), []string{file + ":2", "field circulating"}},
		{"negative", familytest.CMCWeeklyHeader + snap(`1,BTCBitcoin,BTC,"-$5.00",$1.00,"1BTC","$1.00"`), []string{file + ":2", "field market_cap", "negative"}},
		{"negative supply", familytest.CMCWeeklyHeader + snap(`1,BTCBitcoin,BTC,"$5.00",$1.00,"-1BTC","$1.00"`), []string{file + ":2", "field circulating", "negative"}},
		{"bad rank", familytest.CMCWeeklyHeader + snap(`0,BTCBitcoin,BTC,"$5.00",$1.00,"1BTC","$1.00"`), []string{file + ":2", "field rank"}},
		{"bad date", familytest.CMCWeeklyHeader + strings.Replace(snap(familytest.CMCBTCRow), "2024-12-09", "2024-13-09", 1), []string{file + ":2", "field snapshot_date"}},
		{"not a Monday", familytest.CMCWeeklyHeader + familytest.CMCWeeklySnap("2024-12-10", 100, familytest.CMCBTCRow), []string{file + ":2", "not a Monday"}},
		{"99 rows", familytest.CMCWeeklyHeader + familytest.CMCWeeklySnap("2024-12-02", 100) + familytest.CMCWeeklySnap("2024-12-09", 99, familytest.CMCBTCRow), []string{file + ":102", "99 rows, want 100"}},
		{"101 rows", familytest.CMCWeeklyHeader + familytest.CMCWeeklySnap("2024-12-09", 101, familytest.CMCBTCRow), []string{file + ":2", "101 rows"}},
		{"duplicate day", familytest.CMCWeeklyHeader + familytest.CMCWeeklySnap("2024-12-09", 100, familytest.CMCBTCRow, familytest.CMCBTCRow), []string{file + ":3", "duplicate day 2024-12-09", "first at " + file + ":2"}},
		{"missing column", strings.Replace(familytest.CMCWeeklyHeader, ",volume_24h", "", 1) + strings.ReplaceAll(familytest.CMCWeeklySnap("2024-12-09", 100), `,"$10.00"`, ""), []string{file + ":1", `missing column "volume_24h"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := familytest.Parse(t, cmcWeeklyFS(c.content), WeeklyDir)
			familytest.Err(t, err, c.wants...)
		})
	}
}

// --- B: stablecoin history downloads -------------------------------------------------------------

const cmcStableHeader = "\xef\xbb\xbftimeOpen;timeClose;timeHigh;timeLow;name;open;high;low;close;volume;marketCap;circulatingSupply;timestamp\n"

// cmcStableRowFor renders one row in the download's format.
func cmcStableRowFor(day string, close, volume, mcap, supply string) string {
	return fmt.Sprintf(`"%[1]sT00:00:00.000Z";"%[1]sT23:59:59.999Z";"%[1]sT06:10:00.000Z";"%[1]sT17:25:00.000Z";"2781";1.0001;1.0006;0.9994;%[2]s;%[3]s;%[4]s;%[5]s;"%[1]sT23:59:59.999Z"`+"\n",
		day, close, volume, mcap, supply)
}

const (
	cmcUSDT2024 = cmcStableDir + "/Tether USDt_1_1_2024-12_31_2024_historical_data_coinmarketcap.csv"
	cmcUSDT2025 = cmcStableDir + "/Tether USDt_1_1_2025-12_31_2025_historical_data_coinmarketcap.csv"
	cmcUSDC2024 = cmcStableDir + "/USDC_1_1_2024-12_31_2024_historical_data_coinmarketcap.csv"
)

func cmcStableGoodFS() fstest.MapFS {
	// newest first, like the real files; the two USDT files overlap on 12-30 and 12-31
	usdt24 := cmcStableHeader +
		cmcStableRowFor("2024-12-31", "0.998078435", "91819301596.1", "137533977345.12", "137805153955.28") +
		cmcStableRowFor("2024-12-30", "0.9980731822", "115072081498.87", "138685395800.52", "138953076766.05") +
		cmcStableRowFor("2024-12-29", "0.9990", "50000000000", "138000000000", "138100000000")
	usdt25 := cmcStableHeader +
		cmcStableRowFor("2025-01-01", "0.9995", "60000000000", "137600000000", "137700000000") +
		cmcStableRowFor("2024-12-31", "0.998078435", "91819301596.1", "137533977345.12", "137805153955.28") +
		cmcStableRowFor("2024-12-30", "0.9980731822", "115072081498.87", "138685395800.52", "138953076766.05")
	usdc := cmcStableHeader + cmcStableRowFor("2024-12-31", "0.9999822075", "6536628101.3", "43893856713.47", "43895206523.29")
	return fstest.MapFS{
		cmcUSDT2024: {Data: []byte(usdt24)},
		cmcUSDT2025: {Data: []byte(usdt25)},
		cmcUSDC2024: {Data: []byte(usdc)},
	}
}

func TestCMCStablecoinsGood(t *testing.T) {
	bs, err := familytest.Parse(t, cmcStableGoodFS(), cmcStableDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 3 {
		t.Fatalf("%d batches, want one per file (3)", len(bs))
	}
	familytest.Want(t, bs, "stablecoin:usdt", "market_cap", "2024-12-31", 137533977345.12, 0.005)
	familytest.Want(t, bs, "stablecoin:usdt", "price", "2024-12-30", 0.9980731822, 1e-12)
	familytest.Want(t, bs, "stablecoin:usdt", "volume_24h", "2024-12-29", 50e9, 0)
	familytest.Want(t, bs, "stablecoin:usdt", "circulating_supply", "2025-01-01", 137.7e9, 0)
	familytest.Want(t, bs, "stablecoin:usdc", "market_cap", "2024-12-31", 43893856713.47, 0.005)
	// Overlap kept once, in the earlier file's batch.
	for _, b := range bs {
		if b.Source.Location == cmcUSDT2025 && len(b.Observations) != 4 {
			t.Errorf("2025 batch has %d observations, want 4 (only 2025-01-01)", len(b.Observations))
		}
		if b.Source.ID != "cmc-stablecoin-history" || b.Source.Provider != "CoinMarketCap" || !strings.Contains(b.Source.Note, "08254900") {
			t.Errorf("provenance %+v", b.Source)
		}
	}
	if e, _ := familytest.Entity(bs, "stablecoin:usdt"); e.Kind != cw.KindStablecoin || e.Symbol != "USDT" || e.Name != "Tether USDt" {
		t.Errorf("entity %+v", e)
	}
}

func TestCMCStablecoinsBad(t *testing.T) {
	good := cmcStableGoodFS()
	with := func(file, content string) fstest.MapFS {
		m := fstest.MapFS{}
		for k, v := range good {
			m[k] = v
		}
		m[file] = &fstest.MapFile{Data: []byte(content)}
		return m
	}
	row := cmcStableRowFor
	for _, c := range []struct {
		name  string
		fsys  fstest.MapFS
		wants []string
	}{
		{"conflicting overlap", with(cmcUSDT2025, cmcStableHeader+
			row("2025-01-01", "0.9995", "6e10", "1.376e11", "1.377e11")+
			row("2024-12-31", "0.998078435", "91819301596.1", "137533977345.99", "137805153955.28")+
			row("2024-12-30", "0.9980731822", "115072081498.87", "138685395800.52", "138953076766.05")),
			[]string{cmcUSDT2025 + ":3", cmcUSDT2024 + ":2", "marketCap", "conflicting overlap"}},
		{"gap in merged series", with(cmcUSDT2025, cmcStableHeader+
			row("2025-01-02", "0.9995", "6e10", "1.376e11", "1.377e11")),
			[]string{cmcUSDT2025 + ":2", "no row for 2025-01-01"}},
		{"duplicate day", with(cmcUSDC2024, cmcStableHeader+
			row("2024-12-31", "1", "1", "1", "1")+row("2024-12-31", "1", "1", "1", "1")),
			[]string{cmcUSDC2024 + ":3", "duplicate day 2024-12-31", cmcUSDC2024 + ":2"}},
		{"NaN", with(cmcUSDC2024, cmcStableHeader+row("2024-12-31", "NaN", "1", "1", "1")),
			[]string{cmcUSDC2024 + ":2", "field close"}},
		{"negative", with(cmcUSDC2024, cmcStableHeader+row("2024-12-31", "1", "-1", "1", "1")),
			[]string{cmcUSDC2024 + ":2", "field volume", "negative"}},
		{"non-number", with(cmcUSDC2024, cmcStableHeader+row("2024-12-31", "1", "1", "1", "n/a")),
			[]string{cmcUSDC2024 + ":2", "field circulatingSupply"}},
		{"bad date", with(cmcUSDC2024, cmcStableHeader+strings.Replace(row("2024-12-31", "1", "1", "1", "1"), `"2024-12-31T00`, `"31/12/2024T00`, 1)),
			[]string{cmcUSDC2024 + ":2", "field timeOpen"}},
		{"malformed row", with(cmcUSDC2024, cmcStableHeader+`"2024-12-31T00:00:00.000Z;"x";1`+"\n"),
			[]string{cmcUSDC2024 + ":2"}},
		{"wrong field count", with(cmcUSDC2024, cmcStableHeader+`"2024-12-31T00:00:00.000Z";1;2`+"\n"),
			[]string{cmcUSDC2024 + ":2", "3 fields"}},
		{"missing column", with(cmcUSDC2024, strings.Replace(cmcStableHeader, ";marketCap", ";mcap", 1)+row("2024-12-31", "1", "1", "1", "1")),
			[]string{cmcUSDC2024 + ":1", `missing column "marketCap"`}},
		{"unknown coin", with(cmcStableDir+"/Frax_1_1_2024.csv", cmcStableHeader),
			[]string{"Frax_1_1_2024.csv", "cannot tell the coin"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := familytest.Parse(t, c.fsys, cmcStableDir)
			familytest.Err(t, err, c.wants...)
		})
	}
}

// --- real files ---------------------------------------------------------------------------------

func TestCMCRealFiles(t *testing.T) {
	raw := familytest.Raw(t)
	t.Run("weekly", func(t *testing.T) {
		bs, err := familytest.Parse(t, raw, WeeklyDir)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(bs[0].Observations); n != 23900*5 {
			t.Errorf("%d observations, want %d", n, 23900*5)
		}
		familytest.Want(t, bs, "asset:btc", "market_cap", "2024-12-09", 1928.35e9, 0.005e9)
		familytest.Want(t, bs, "asset:btc", "price", "2024-12-09", 97432.72, 0.005)
		familytest.Want(t, bs, "asset:usdt", "market_cap", "2024-12-09", 138.37e9, 0.005e9)
		familytest.Want(t, bs, "asset:usdc", "market_cap", "2024-12-09", 40.68e9, 0.005e9)
		familytest.Want(t, bs, "asset:sui", "market_cap", "2024-12-09", 11.25e9, 0.005e9)
		familytest.Want(t, bs, "asset:sui", "rank", "2024-12-09", 17, 0)
		familytest.Want(t, bs, "asset:usdt", "market_cap", "2024-12-16", 140.47e9, 0.005e9)
		familytest.Want(t, bs, "asset:sui", "market_cap", "2024-12-16", 13.54e9, 0.005e9)
		// Renames stay on one ID; USDT before and after "Tether" → "Tether USDt".
		familytest.Want(t, bs, "asset:usdt", "rank", "2021-01-04", 3, 0)
		// Collisions found in the real files (weekly + monthly evidence).
		for _, c := range []struct{ id, day string }{
			{"asset:btt-bittorrent", "2021-01-04"}, // BitTorrent before the 1:1000 redenomination
			{"asset:btt", "2024-12-09"},
			{"asset:fet", "2024-06-24"}, // Fetch.ai, then ASI: one coin
			{"asset:fet", "2024-12-09"},
			{"asset:bnx-binaryx-(old)", "2023-03-13"},
			{"asset:strk", "2024-12-09"},
		} {
			if _, ok := familytest.Obs(t, bs, c.id, "rank", c.day); !ok {
				t.Errorf("no %s on %s", c.id, c.day)
			}
		}
		if e, _ := familytest.Entity(bs, "asset:usdt"); e.Name != "Tether USDt" {
			t.Errorf("asset:usdt name %q", e.Name)
		}
	})
	t.Run("stablecoins", func(t *testing.T) {
		bs, err := familytest.Parse(t, raw, cmcStableDir)
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != 6 {
			t.Errorf("%d batches, want 6", len(bs))
		}
		familytest.Want(t, bs, "stablecoin:usdt", "market_cap", "2024-12-06", 136.84e9, 0.005e9)
		familytest.Want(t, bs, "stablecoin:usdt", "market_cap", "2024-12-09", 138.13e9, 0.005e9)
		familytest.Want(t, bs, "stablecoin:usdt", "market_cap", "2024-12-13", 140.10e9, 0.005e9)
		familytest.Want(t, bs, "stablecoin:usdt", "volume_24h", "2024-12-13", 138.1e9, 0.05e9)
		// 2023-11-28 .. 2025-12-31 without gaps, overlap counted once.
		days := 0
		for _, b := range bs {
			for _, o := range b.Observations {
				if o.Entity == "stablecoin:dai" && o.Metric == "price" {
					days++
				}
			}
		}
		if want := int(familytest.Day("2025-12-31").Sub(familytest.Day("2023-11-28")).Hours()/24) + 1; days != want {
			t.Errorf("DAI has %d days, want %d", days, want)
		}
	})
}
