// Package market is the report's whole-market section: total crypto market cap, the altcoin
// market cap, and BTC's and ETH's dominance of the whole market, from CoinGecko.
//
// Two stored series can fill each figure. The /global snapshot (coingecko-global) is what every
// ingest stores, one per run, on the fetch day. With a paid-plan key, ingest also stores
// /global/market_cap_chart (coingecko-global-chart): the total market cap at 00:00 UTC of every
// day; BTC's and ETH's dominance on such a day is computed here, from the same instant of each
// coin's market_chart market cap (coingecko-market-chart), and not stored.
//
// Per figure: snapshots on both exact ends of the week, else the daily history on both ends,
// else the snapshots nearest the ends (7–10 days apart, dates stated), else unavailable with
// the reason. A daily value at the week's own ends beats snapshots taken days away from them.
package market

import (
	"fmt"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/coingecko"
	"cryptoweekly/report"
)

// Section computes the market block.
type Section struct{}

// Block is the whole market at the week's ends.
type Block struct {
	report.Base
	Figures []report.Change `json:"figures"`
}

const (
	entity   = coingecko.GlobalEntityID
	snapshot = coingecko.SourceGlobal
	history  = coingecko.SourceGlobalChart
	coinCaps = coingecko.SourceMarketChart

	totalLabel = "Total crypto market cap"
	altLabel   = "Altcoin market cap (total less BTC)"

	// defAltcoinCap is derived here: the total less BTC's share.
	defAltcoinCap cw.DefinitionID = "market.altcoin-cap.coingecko-global"
	// Computed here from the daily history and the coins' daily market caps of the same day.
	defAltcoinCapChart cw.DefinitionID = "market.altcoin-cap.coingecko-charts"
	defBTCDomChart     cw.DefinitionID = "dominance.btc.coingecko-charts"
	defETHDomChart     cw.DefinitionID = "dominance.eth.coingecko-charts"
)

func init() {
	for _, d := range []cw.Definition{
		{ID: "market.total-cap.coingecko-global", Source: snapshot, Metric: coingecko.MetricTotalMarketCapUSD,
			Text: "Total crypto market capitalisation in USD, CoinGecko /global (one snapshot per ingest)."},
		{ID: "dominance.eth.coingecko-global", Source: snapshot, Metric: coingecko.MetricETHDominancePct,
			Text: "ETH share of total crypto market cap, CoinGecko /global."},
		{ID: defAltcoinCap, Text: "Total crypto market cap less BTC's share of it (CoinGecko /global total × (1 − BTC dominance)), computed by cryptoweekly; ETH and stablecoins are included."},
		{ID: defAltcoinCapChart, Text: "Total crypto market cap (CoinGecko /global/market_cap_chart) less bitcoin's market cap (CoinGecko /coins/bitcoin/market_chart), both at 00:00 UTC of the day, computed by cryptoweekly; ETH and stablecoins are included."},
		{ID: defBTCDomChart, Text: "BTC share of total crypto market cap in percent: bitcoin's market cap (CoinGecko /coins/bitcoin/market_chart) ÷ the total (CoinGecko /global/market_cap_chart), both at 00:00 UTC of the day, computed by cryptoweekly."},
		{ID: defETHDomChart, Text: "ETH share of total crypto market cap in percent: ethereum's market cap (CoinGecko /coins/ethereum/market_chart) ÷ the total (CoinGecko /global/market_cap_chart), both at 00:00 UTC of the day, computed by cryptoweekly."},
	} {
		cw.RegisterDefinition(d)
	}
}

func (Section) Name() string           { return "market" }
func (Section) NewBlock() report.Block { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID {
	return []cw.SourceID{snapshot, history, coinCaps}
}

// snapshots are the /global pair nearest the week's ends (zero days when there is none).
type snapshots struct {
	d0, d1 time.Time
	by     map[cw.Metric]cw.Pair
}

func (s snapshots) has(ms ...cw.Metric) bool {
	for _, m := range ms {
		if p, ok := s.by[m]; !ok || p.V0 == nil || p.V1 == nil {
			return false
		}
	}
	return len(ms) > 0
}

// coin is a coin whose dominance the section shows.
type coin struct {
	entity, cgID, label string
	snapMetric          cw.Metric
	def                 cw.DefinitionID
}

var coins = []coin{
	{"asset:btc", "bitcoin", "BTC dominance", cw.MetricBTCDominancePct, defBTCDomChart},
	{"asset:eth", "ethereum", "ETH dominance", coingecko.MetricETHDominancePct, defETHDomChart},
}

// daily is the history at the week's own ends: the total, and each coin's market cap.
type daily struct {
	total cw.Pair
	caps  map[string]cw.Pair // by coin entity
	why   map[string]string  // by coin entity: why its caps cannot be used
}

func both(p cw.Pair) bool { return p.V0 != nil && p.V1 != nil }

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	snap, err := readSnapshots(env)
	if err != nil {
		return nil, err
	}
	hist, err := readDaily(env)
	if err != nil {
		return nil, err
	}
	exact := !snap.d0.IsZero() && snap.d0.Equal(env.Start) && snap.d1.Equal(env.End)
	from, to := cw.DayString(env.Start), cw.DayString(env.End)
	usedSnap, usedApprox, usedHist := false, false, false
	// choose picks a figure's path; snapshot and history say whether each can fill it.
	choose := func(snapOK, histOK bool) string {
		switch {
		case snapOK && exact:
			usedSnap = true
			return "snapshot"
		case histOK:
			usedHist = true
			return "history"
		case snapOK:
			usedSnap, usedApprox = true, true
			return "snapshot"
		}
		return ""
	}
	missing := func(label, unit, histWhy string) report.Change {
		snapWhy := "no CoinGecko /global snapshots near both ends of the week"
		if !snap.d0.IsZero() {
			snapWhy = fmt.Sprintf("the /global snapshots of %s and %s lack it", cw.DayString(snap.d0), cw.DayString(snap.d1))
		}
		return report.Missing(label, unit, snapWhy+", and "+histWhy)
	}
	totalWhy := fmt.Sprintf("no daily total (%s) on %s and %s: a CoinGecko paid-plan key (%s) lets `cryptoweekly ingest` fill past weeks from /global/market_cap_chart", history, from, to, coingecko.EnvProKey)

	// Total.
	switch choose(snap.has(coingecko.MetricTotalMarketCapUSD), both(hist.total)) {
	case "snapshot":
		s.Figures = append(s.Figures, env.Change(totalLabel, "USD", snap.by[coingecko.MetricTotalMarketCapUSD], snap.d0, snap.d1))
	case "history":
		s.Figures = append(s.Figures, env.Change(totalLabel, "USD", hist.total, env.Start, env.End))
	default:
		s.Figures = append(s.Figures, missing(totalLabel, "USD", totalWhy))
	}

	// Dominance.
	for _, c := range coins {
		capPair, capOK := hist.caps[c.entity]
		histOK := both(hist.total) && capOK && both(capPair)
		switch choose(snap.has(c.snapMetric), histOK) {
		case "snapshot":
			ch := env.Change(c.label, "%", snap.by[c.snapMetric], snap.d0, snap.d1)
			ch.Pct, ch.Note = nil, "the change is in percentage points"
			s.Figures = append(s.Figures, ch)
		case "history":
			v0, v1 := *capPair.V0 / *hist.total.V0 * 100, *capPair.V1 / *hist.total.V1 * 100
			env.Cite(string(history))
			env.Cite(string(coinCaps))
			env.Define(string(c.def))
			s.Figures = append(s.Figures, report.Change{Label: c.label, Entity: entity, Unit: "%",
				Definition: string(c.def), Source: string(history), From: from, To: to,
				Start: report.F64(v0), End: report.F64(v1), Abs: report.F64(v1 - v0),
				Note: fmt.Sprintf("our computation from CoinGecko's two daily series: %s's market cap (%s) ÷ the total market cap (%s), both at 00:00 UTC of %s and of %s; the change is in percentage points",
					c.cgID, coinCaps, history, from, to)})
		default:
			why := totalWhy
			if both(hist.total) {
				why = hist.why[c.entity]
			}
			s.Figures = append(s.Figures, missing(c.label, "%", why))
		}
	}

	// Altcoin market cap: the total less BTC alone, as desks quote it (ETH is an altcoin here).
	btcCap, btcOK := hist.caps["asset:btc"]
	switch choose(snap.has(coingecko.MetricTotalMarketCapUSD, cw.MetricBTCDominancePct), both(hist.total) && btcOK && both(btcCap)) {
	case "snapshot":
		t, b := snap.by[coingecko.MetricTotalMarketCapUSD], snap.by[cw.MetricBTCDominancePct]
		a0, a1 := *t.V0*(1-*b.V0/100), *t.V1*(1-*b.V1/100)
		env.Define(string(defAltcoinCap))
		s.Figures = append(s.Figures, altcoin(string(defAltcoinCap), string(snapshot), snap.d0, snap.d1, a0, a1,
			"excl. BTC only: ETH, stablecoins and every other coin are included; the /global total × (1 − BTC dominance)"))
	case "history":
		a0, a1 := *hist.total.V0-*btcCap.V0, *hist.total.V1-*btcCap.V1
		env.Cite(string(history))
		env.Cite(string(coinCaps))
		env.Define(string(defAltcoinCapChart))
		s.Figures = append(s.Figures, altcoin(string(defAltcoinCapChart), string(history), env.Start, env.End, a0, a1,
			fmt.Sprintf("excl. BTC only: ETH, stablecoins and every other coin are included; our computation: the total (%s) less bitcoin's market cap (%s) at 00:00 UTC of each day", history, coinCaps)))
	default:
		why := totalWhy
		if both(hist.total) {
			why = hist.why["asset:btc"]
		}
		s.Figures = append(s.Figures, missing(altLabel, "USD", why))
	}

	available := false
	for _, f := range s.Figures {
		available = available || f.Available()
	}
	if !available {
		s.Figures = nil
		s.Unavailable = fmt.Sprintf("no two CoinGecko /global snapshots a week apart near this week (none is bundled; `cryptoweekly ingest` stores one per run) and no daily history of the whole market on %s and %s: a CoinGecko paid-plan key (%s) lets `cryptoweekly ingest` fill past weeks from /global/market_cap_chart; the token section's dominance is BTC's share of the price snapshot, not of the whole market",
			from, to, coingecko.EnvProKey)
		return s, nil
	}
	if usedApprox {
		s.Notes = append(s.Notes, fmt.Sprintf("CoinGecko /global snapshots of %s and %s, the latest on or before each end of the week", cw.DayString(snap.d0), cw.DayString(snap.d1)))
	}
	if usedHist {
		n := fmt.Sprintf("Figures from %s are CoinGecko's daily history of the whole market (/global/market_cap_chart, a paid-plan route) at 00:00 UTC of %s and %s", history, from, to)
		if usedSnap {
			n += "; the others are /global snapshots"
		}
		s.Notes = append(s.Notes, n)
	}
	return s, nil
}

func altcoin(def, source string, d0, d1 time.Time, a0, a1 float64, note string) report.Change {
	return report.Change{Label: altLabel, Entity: entity, Unit: "USD", Definition: def, Source: source,
		From: cw.DayString(d0), To: cw.DayString(d1), Start: report.F64(a0), End: report.F64(a1),
		Abs: report.F64(a1 - a0), Pct: report.F64((a1/a0 - 1) * 100), Note: note}
}

// readSnapshots finds the /global snapshots: the latest on or before each end of the week,
// 7–10 days apart, as the token snapshots.
func readSnapshots(env *report.Env) (snapshots, error) {
	var s snapshots
	d1, err := env.Reader.LatestDay(env.Ctx, snapshot, coingecko.MetricTotalMarketCapUSD, env.End.AddDate(0, 0, -7), env.End)
	if err != nil || d1.IsZero() {
		return s, err
	}
	d0, err := env.Reader.LatestDay(env.Ctx, snapshot, coingecko.MetricTotalMarketCapUSD, d1.AddDate(0, 0, -11), d1.AddDate(0, 0, -7))
	if err != nil || d0.IsZero() {
		return s, err
	}
	ps, err := env.Reader.Pairs(env.Ctx, cw.PairQuery{Entity: entity, Sources: []cw.SourceID{snapshot}, D0: d0, D1: d1,
		Metrics: []cw.Metric{coingecko.MetricTotalMarketCapUSD, cw.MetricBTCDominancePct, coingecko.MetricETHDominancePct}})
	if err != nil {
		return s, err
	}
	s.d0, s.d1, s.by = d0, d1, map[cw.Metric]cw.Pair{}
	for _, p := range ps {
		s.by[p.Metric] = p
	}
	return s, nil
}

// readDaily reads the daily history at the week's own ends, and each coin's market cap from its
// CoinGecko market chart, checking the entity is that coin (asset IDs go by symbol).
func readDaily(env *report.Env) (daily, error) {
	h := daily{caps: map[string]cw.Pair{}, why: map[string]string{}}
	ps, err := env.Reader.Pairs(env.Ctx, cw.PairQuery{Entity: entity, Sources: []cw.SourceID{history}, D0: env.Start, D1: env.End,
		Metrics: []cw.Metric{coingecko.MetricTotalMarketCapUSD}})
	if err != nil {
		return h, err
	}
	for _, p := range ps {
		h.total = p
	}
	if !both(h.total) {
		return h, nil
	}
	ids := make([]string, len(coins))
	for i, c := range coins {
		ids[i] = c.entity
	}
	ents, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return h, err
	}
	from, to := cw.DayString(env.Start), cw.DayString(env.End)
	for _, c := range coins {
		if id := ents[c.entity].Attrs["coingecko_id"]; id != "" && id != c.cgID {
			h.why[c.entity] = fmt.Sprintf("%s is CoinGecko's %q, not %s", c.entity, id, c.cgID)
			continue
		}
		ps, err := env.Reader.Pairs(env.Ctx, cw.PairQuery{Entity: c.entity, Sources: []cw.SourceID{coinCaps}, D0: env.Start, D1: env.End,
			Metrics: []cw.Metric{cw.MetricMarketCap}})
		if err != nil {
			return h, err
		}
		for _, p := range ps {
			h.caps[c.entity] = p
		}
		if !both(h.caps[c.entity]) {
			h.why[c.entity] = fmt.Sprintf("the daily total exists but %s's market cap (%s) is missing on %s or %s, so its share cannot be computed (`cryptoweekly ingest` charts it)", c.cgID, coinCaps, from, to)
		}
	}
	return h, nil
}

func (b *Block) Title() string { return "Whole market" }

// Cites adds the coins' market charts where a figure was computed from them.
func (b *Block) Cites() []string {
	out := report.ChangeSources(b.Figures...)
	for _, c := range b.Figures {
		switch cw.DefinitionID(c.Definition) {
		case defBTCDomChart, defETHDomChart, defAltcoinCapChart:
			return append(out, string(coinCaps))
		}
	}
	return out
}

func (b *Block) Layout() []report.Element {
	return append(report.ChangeTable(b.Figures), report.Notes(b.Notes)...)
}

func (b *Block) Overview() []report.Bullet {
	for _, c := range b.Figures {
		if c.Label == totalLabel && c.Available() && c.Pct != nil {
			return []report.Bullet{{Text: fmt.Sprintf("Market: total crypto market cap %s to %s.", report.Moved(*c.Pct), report.USD(*c.End))}}
		}
	}
	return nil
}
