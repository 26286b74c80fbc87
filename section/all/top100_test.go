package all_test

import (
	"strings"
	"testing"

	cw "cryptoweekly"
)

// top100Batch is CoinGecko's daily top-100 pages as the bundled family stores them: a price and a
// market-cap rank per token and day, nothing else. rows: key → day → {price, rank}.
func top100Batch(ents []cw.Entity, rows map[string]map[string][2]float64) cw.Batch {
	var obs []cw.Observation
	for id, days := range rows {
		for d, v := range days {
			obs = append(obs, ob(id, "price", d, v[0]))
			if v[1] > 0 {
				obs = append(obs, ob(id, "rank", d, v[1]))
			}
		}
	}
	return bt("coingecko-top100-daily", ents, obs...)
}

// top100Fixture: pages on Fridays 2025-03-07 and 2025-03-14 (the week's own ends) only.
//
//	BTC  80000 → 84000 (+5%),  rank 1
//	NEAR 2.50 → 3.00 (+20%),   rank 30
//	ARB  0.50 → 0.45 (-10%),   rank 60, tagged Layer 2
//	USDT 1 → 1,                rank 3, a stablecoin by tag
//	STETH 2000 → 2050,         rank 8, "Lido Staked Ether": a staked derivative by name
//	NEW  1 → 3 (+200%),        no rank stored: neither a volume nor a rank to pass the floor on
//
// and Coinbase closes of ARB on the two Sundays only, 0.40 on 2025-03-09 and 0.44 on 2025-03-16
// (+10%), with a volume of 1M coins ($0.44M: one venue's, below the $10M floor).
func top100Fixture() []cw.Batch {
	ents := []cw.Entity{
		{ID: "asset:btc", Kind: cw.KindAsset, Name: "Bitcoin", Symbol: "BTC"},
		{ID: "asset:near", Kind: cw.KindAsset, Name: "NEAR Protocol", Symbol: "NEAR"},
		{ID: "asset:arb", Kind: cw.KindAsset, Name: "Arbitrum", Symbol: "ARB", Tags: []string{"cmc:layer-2"}},
		{ID: "asset:usdt", Kind: cw.KindAsset, Name: "Tether", Symbol: "USDT", Tags: []string{"cmc:stablecoin"}},
		{ID: "asset:steth", Kind: cw.KindAsset, Name: "Lido Staked Ether", Symbol: "STETH"},
		{ID: "asset:new", Kind: cw.KindAsset, Name: "Newcoin", Symbol: "NEW"},
	}
	pages := top100Batch(ents, map[string]map[string][2]float64{
		"asset:btc":   {weekStart: {80000, 1}, weekEnd: {84000, 1}},
		"asset:near":  {weekStart: {2.5, 30}, weekEnd: {3, 30}},
		"asset:arb":   {weekStart: {0.5, 60}, weekEnd: {0.45, 61}},
		"asset:usdt":  {weekStart: {1, 3}, weekEnd: {1, 3}},
		"asset:steth": {weekStart: {2000, 8}, weekEnd: {2050, 8}},
		"asset:new":   {weekStart: {1, 0}, weekEnd: {3, 0}},
	})
	candles := bt("coinbase-daily", nil,
		ob("asset:arb", "close", "2025-03-09", 0.40), ob("asset:arb", "close", "2025-03-16", 0.44),
		ob("asset:arb", "volume_base", "2025-03-16", 1e6))
	return []cw.Batch{pages, candles}
}

func TestTop100PriceOnlyWeek(t *testing.T) {
	db := newStore(t, top100Fixture()...)
	w := runWeek(t, db, testConfig(), weekEnd)
	tk := w.Tokens
	if tk.Unavailable != "" || tk.Source != "coingecko-top100-daily" || tk.From != weekStart || tk.To != weekEnd || tk.Universe != 6 {
		t.Fatalf("tokens from %q %s→%s, %d tokens (%q)", tk.Source, tk.From, tk.To, tk.Universe, tk.Unavailable)
	}
	// The week's own ends are on the pages: every return is exact. NEAR +20% leads; BTC is
	// ranked like any token; NEW has neither a volume nor a rank, so it stays out however far it
	// rose; USDT and STETH are excluded by tag and by name.
	eqList(t, "gainers", labels(tk.TopGainers, tokenSymbol), []string{"NEAR", "BTC"})
	eqf(t, "NEAR", tk.TopGainers[0].Pct, 20)
	eqv(t, "NEAR volume", tk.TopGainers[0].Volume24h, 0)
	eqv(t, "NEAR market cap", tk.TopGainers[0].MarketCap, 0)
	for _, want := range []string{"1 stablecoins", "1 wrapped or staked derivatives", "1 without a 24h volume"} {
		if !strings.Contains(strings.Join(tk.Excluded, ", "), want) {
			t.Errorf("excluded %v lacks %q", tk.Excluded, want)
		}
	}
	if !hasNote(tk.Notes, "6 of 6 tokens' returns compare the week's own ends") ||
		!hasNote(tk.Notes, "coingecko-top100-daily holds prices and ranks only: for its 3 tokens ranked in CoinGecko's top 100 by market cap on 2025-03-14, that rank stands in for the $10M 24h-volume floor") {
		t.Errorf("notes %v", tk.Notes)
	}
	// No market cap anywhere: no BTC share is made up, and the sector indices say why they are
	// missing (ARB is tagged, but has no cap to weigh).
	if tk.BTCDominance.Available() || !strings.Contains(tk.BTCDominance.Unavailable, "no BTC market cap") {
		t.Errorf("dominance %+v", tk.BTCDominance)
	}
	if !strings.Contains(w.Sectors.Unavailable, "1 priced tokens carry a sector tag but none has a market cap stored at 2025-03-07") {
		t.Errorf("sectors %q", w.Sectors.Unavailable)
	}
	md := string(renderMD(t, w.Report))
	if !strings.Contains(md, "| NEAR | NEAR Protocol | $2.50 | $3.00 | +20.00% | n/a | n/a |") {
		t.Errorf("the gainers table does not print the missing cap and volume as n/a:\n%s", md[strings.Index(md, "## 9."):strings.Index(md, "## 10.")])
	}
}

// A week ending on Sunday 2025-03-16: the pages have no weekend, so tokens fall back, one by one,
// to the latest page on or before each end (2025-03-07 → 2025-03-14), and the report says so;
// ARB has Coinbase closes on both Sundays and compares the week's own ends.
func TestTop100WeekendFallsBackPerToken(t *testing.T) {
	db := newStore(t, top100Fixture()...)
	tk := runWeek(t, db, testConfig(), "2025-03-16").Tokens
	if tk.Source != "coingecko-top100-daily" || tk.From != weekStart || tk.To != weekEnd {
		t.Fatalf("snapshots %q %s→%s", tk.Source, tk.From, tk.To)
	}
	if !hasNote(tk.Notes, "1 of 6 tokens' returns compare the week's own ends 2025-03-09 → 2025-03-16, from daily prices (coinbase-daily)") ||
		!hasNote(tk.Notes, "5 tokens without a daily series at both ends use the coingecko-top100-daily snapshots, so their returns compare 2025-03-07 → 2025-03-14") {
		t.Errorf("notes %v", tk.Notes)
	}
	var arb, near *string
	for _, x := range append(tk.TopGainers, tk.TopLosers...) {
		s := x.From + "→" + x.To + " " + x.Source
		switch x.Symbol {
		case "ARB":
			arb = &s
			eqf(t, "ARB exact", x.Pct, 10)
			// Coinbase's own volume (1M coins at $0.44) is one venue's: the rank decides.
			eqv(t, "ARB volume", x.Volume24h, 0.44e6)
		case "NEAR":
			near = &s
		}
	}
	if arb == nil || *arb != "2025-03-09→2025-03-16 coinbase-daily" {
		t.Errorf("ARB compared %v", arb)
	}
	if near == nil || *near != "2025-03-07→2025-03-14 coingecko-top100-daily" {
		t.Errorf("NEAR compared %v", near)
	}
}
