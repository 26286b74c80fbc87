package all_test

import (
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/coingecko"
	"cryptoweekly/report"
	"cryptoweekly/section/market"
)

// The week to 2024-12-13 from CoinGecko's daily history, figures checked by hand:
//
//	total   3.80e12 → 3.70e12: −1.00e11, −2.6316% (3.70/3.80 − 1)
//	bitcoin 1.938e12 → 1.961e12: dominance 1.938/3.80 = 51.0% → 1.961/3.70 = 53.0%, +2.0 pp
//	ether   4.674e11 → 4.699e11: dominance 0.4674/3.80 = 12.3% → 0.4699/3.70 = 12.7%, +0.4 pp
//	altcoin (total − BTC) 1.862e12 → 1.739e12: −1.23e11, −6.6058% (1.739/1.862 − 1)
const (
	histStart, histEnd = "2024-12-06", "2024-12-13"
	gm                 = coingecko.GlobalEntityID
)

func coinEnts() []cw.Entity {
	return []cw.Entity{
		{ID: "asset:btc", Kind: cw.KindAsset, Symbol: "BTC", Name: "Bitcoin", Attrs: map[string]string{"coingecko_id": "bitcoin"}},
		{ID: "asset:eth", Kind: cw.KindAsset, Symbol: "ETH", Name: "Ethereum", Attrs: map[string]string{"coingecko_id": "ethereum"}},
	}
}

func historyBatches(withETH bool) []cw.Batch {
	// The history holds every day of the week; the section reads only its two ends.
	total := series(gm, "total_market_cap_usd", histStart, histEnd, func(time.Time) float64 { return 3.75e12 })
	total[0].Value, total[len(total)-1].Value = 3.80e12, 3.70e12
	caps := []cw.Observation{ob("asset:btc", "market_cap", histStart, 1.938e12), ob("asset:btc", "market_cap", histEnd, 1.961e12),
		ob("asset:btc", "market_cap", "2024-12-10", 1.5e12)}
	if withETH {
		caps = append(caps, ob("asset:eth", "market_cap", histStart, 4.674e11), ob("asset:eth", "market_cap", histEnd, 4.699e11))
	}
	return []cw.Batch{
		bt(coingecko.SourceGlobalChart, []cw.Entity{{ID: gm, Kind: cw.KindIndex, Name: "Crypto market (CoinGecko global)"}}, total...),
		bt(coingecko.SourceMarketChart, coinEnts(), caps...),
	}
}

// snapshotBatch is a /global pair: total t0→t1 and BTC/ETH dominance b0→b1, e0→e1.
func snapshotBatch(d0, d1 string, t0, t1, b0, b1, e0, e1 float64) cw.Batch {
	return bt(coingecko.SourceGlobal, nil,
		ob(gm, "total_market_cap_usd", d0, t0), ob(gm, "total_market_cap_usd", d1, t1),
		ob(gm, "btc_dominance_pct", d0, b0), ob(gm, "btc_dominance_pct", d1, b1),
		ob(gm, "eth_dominance_pct", d0, e0), ob(gm, "eth_dominance_pct", d1, e1))
}

func marketWeek(t *testing.T, bs ...cw.Batch) (*market.Block, *report.Report) {
	t.Helper()
	r := runWeek(t, newStore(t, bs...), testConfig(), histEnd).Report
	return r.Block("market").(*market.Block), r
}

func figures(b *market.Block) map[string]report.Change {
	m := map[string]report.Change{}
	for _, c := range b.Figures {
		m[c.Label] = c
	}
	return m
}

const (
	lTotal = "Total crypto market cap"
	lBTC   = "BTC dominance"
	lETH   = "ETH dominance"
	lAlt   = "Altcoin market cap (total less BTC)"
)

func TestWholeMarketFromHistory(t *testing.T) {
	blk, r := marketWeek(t, historyBatches(true)...)
	if blk.Unavailable != "" {
		t.Fatal(blk.Unavailable)
	}
	got := figures(blk)
	eqChange(t, "total", got[lTotal], 3.80e12, 3.70e12)
	eqf(t, "total pct by hand", got[lTotal].Pct, -2.631578947368421)
	eqs(t, "total definition", got[lTotal].Definition, "market.total-cap.coingecko-global-chart")
	eqs(t, "total source", got[lTotal].Source, "coingecko-global-chart")
	for _, x := range []struct {
		label, def  string
		v0, v1, abs float64
		coin        string
	}{{lBTC, "dominance.btc.coingecko-charts", 51, 53, 2, "bitcoin"}, {lETH, "dominance.eth.coingecko-charts", 12.3, 12.7, 0.4, "ethereum"}} {
		c := got[x.label]
		eqf(t, x.label+" start", c.Start, x.v0)
		eqf(t, x.label+" end", c.End, x.v1)
		eqf(t, x.label+" pp", c.Abs, x.abs)
		if c.Pct != nil {
			t.Errorf("%s: a percentage change of a share", x.label)
		}
		eqs(t, x.label+" definition", c.Definition, x.def)
		eqs(t, x.label+" dates", c.From+"→"+c.To, "2024-12-06→2024-12-13")
		if !strings.Contains(c.Note, "our computation from CoinGecko's two daily series: "+x.coin+"'s market cap (coingecko-market-chart) ÷ the total market cap (coingecko-global-chart), both at 00:00 UTC of 2024-12-06 and of 2024-12-13") {
			t.Errorf("%s note %q", x.label, c.Note)
		}
	}
	eqChange(t, "altcoin", got[lAlt], 1.862e12, 1.739e12)
	eqf(t, "altcoin pct by hand", got[lAlt].Pct, -6.605800214822771)
	eqs(t, "altcoin definition", got[lAlt].Definition, "market.altcoin-cap.coingecko-charts")
	if !strings.Contains(got[lAlt].Note, "excl. BTC only: ETH, stablecoins and every other coin are included") {
		t.Errorf("altcoin note %q", got[lAlt].Note)
	}
	if !hasNote(blk.Notes, "CoinGecko's daily history of the whole market (/global/market_cap_chart, a paid-plan route) at 00:00 UTC of 2024-12-06 and 2024-12-13") {
		t.Errorf("notes %v", blk.Notes)
	}
	if cites := strings.Join(blk.Cites(), ","); !strings.Contains(cites, "coingecko-global-chart") || !strings.Contains(cites, "coingecko-market-chart") {
		t.Errorf("cites %s", cites)
	}
	defs := map[string]bool{}
	for _, d := range r.Methodology.Definitions {
		defs[d.ID] = true
	}
	for _, id := range []string{"market.total-cap.coingecko-global-chart", "dominance.btc.coingecko-charts", "dominance.eth.coingecko-charts", "market.altcoin-cap.coingecko-charts"} {
		if !defs[id] {
			t.Errorf("definition %s not explained in the methodology", id)
		}
	}
	md := string(renderMD(t, r))
	for _, want := range []string{"| BTC dominance", "51.00%", "53.00%", "coingecko-global-chart"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

// Snapshots on both exact ends win; snapshots days away from the ends lose to the daily history
// at the ends, and fill the week (dates stated) where there is no history.
func TestWholeMarketPathChoice(t *testing.T) {
	exact := snapshotBatch(histStart, histEnd, 3.9e12, 3.6e12, 50, 54, 12, 13)
	got := figures(first(marketWeek(t, append(historyBatches(true), exact)...)))
	eqChange(t, "exact snapshots win", got[lTotal], 3.9e12, 3.6e12)
	eqs(t, "exact snapshot source", got[lBTC].Source, "coingecko-global")
	eqf(t, "BTC dominance from /global", got[lBTC].Abs, 4)
	eqChange(t, "altcoin from the snapshot", got[lAlt], 3.9e12*0.5, 3.6e12*0.46)

	near := snapshotBatch("2024-12-04", "2024-12-12", 3.9e12, 3.6e12, 50, 54, 12, 13)
	blk, _ := marketWeek(t, append(historyBatches(true), near)...)
	got = figures(blk)
	eqChange(t, "history at the ends beats snapshots near them", got[lTotal], 3.80e12, 3.70e12)
	eqs(t, "source", got[lETH].Source, "coingecko-global-chart")
	if hasNote(blk.Notes, "latest on or before each end") {
		t.Errorf("snapshot note without a snapshot figure: %v", blk.Notes)
	}

	blk, _ = marketWeek(t, near)
	got = figures(blk)
	eqChange(t, "snapshots near the ends without history", got[lTotal], 3.9e12, 3.6e12)
	eqs(t, "dates", got[lTotal].From+"→"+got[lTotal].To, "2024-12-04→2024-12-12")
	if !hasNote(blk.Notes, "CoinGecko /global snapshots of 2024-12-04 and 2024-12-12") {
		t.Errorf("notes %v", blk.Notes)
	}
}

// Without ethereum's chart, ETH dominance alone is unavailable, saying why; without anything,
// the section says a paid-plan key fills past weeks.
func TestWholeMarketUnavailable(t *testing.T) {
	got := figures(first(marketWeek(t, historyBatches(false)...)))
	eqf(t, "BTC still computed", got[lBTC].End, 53)
	if c := got[lETH]; c.Available() || !strings.Contains(c.Unavailable, "ethereum's market cap (coingecko-market-chart) is missing on 2024-12-06 or 2024-12-13") {
		t.Errorf("ETH %+v", c)
	}

	// asset:btc is another coin: no dominance from it.
	hb := historyBatches(true)
	hb[1].Entities[0].Attrs = map[string]string{"coingecko_id": "bitcoin-wormhole"}
	got = figures(first(marketWeek(t, hb...)))
	if c := got[lBTC]; c.Available() || !strings.Contains(c.Unavailable, `asset:btc is CoinGecko's "bitcoin-wormhole", not bitcoin`) {
		t.Errorf("BTC %+v", c)
	}
	if got[lAlt].Available() {
		t.Error("altcoin cap without bitcoin's market cap")
	}

	blk, _ := marketWeek(t)
	if len(blk.Figures) != 0 || !strings.Contains(blk.Unavailable, "a CoinGecko paid-plan key (COINGECKO_PRO_API_KEY) lets `cryptoweekly ingest` fill past weeks from /global/market_cap_chart") ||
		!strings.Contains(blk.Unavailable, "no daily history of the whole market on 2024-12-06 and 2024-12-13") {
		t.Errorf("unavailable %q, figures %+v", blk.Unavailable, blk.Figures)
	}
}

func first[A, B any](a A, _ B) A { return a }
