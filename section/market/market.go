// Package market is the report's whole-market section: total crypto market cap, the altcoin
// market cap, and BTC's and ETH's dominance of the whole market, from CoinGecko's /global.
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

// Block is the whole market at the two snapshots nearest the week's ends.
type Block struct {
	report.Base
	Figures []report.Change `json:"figures"`
}

const (
	entity = coingecko.GlobalEntityID
	source = coingecko.SourceGlobal
	// defAltcoinCap is derived here: the total less BTC's share.
	defAltcoinCap cw.DefinitionID = "market.altcoin-cap.coingecko-global"
)

func init() {
	for _, d := range []cw.Definition{
		{ID: "market.total-cap.coingecko-global", Source: source, Metric: coingecko.MetricTotalMarketCapUSD,
			Text: "Total crypto market capitalisation in USD, CoinGecko /global (one snapshot per ingest)."},
		{ID: "dominance.eth.coingecko-global", Source: source, Metric: coingecko.MetricETHDominancePct,
			Text: "ETH share of total crypto market cap, CoinGecko /global."},
		{ID: defAltcoinCap, Text: "Total crypto market cap less BTC's share of it (CoinGecko /global total × (1 − BTC dominance)), computed by cryptoweekly."},
	} {
		cw.RegisterDefinition(d)
	}
}

func (Section) Name() string                      { return "market" }
func (Section) NewBlock() report.Block            { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID { return []cw.SourceID{source} }

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	// /global is a snapshot per ingest: the latest on or before each end of the week, 7–10 days
	// apart, as the token snapshots.
	d1, err := env.Reader.LatestDay(env.Ctx, source, coingecko.MetricTotalMarketCapUSD, env.End.AddDate(0, 0, -7), env.End)
	if err != nil {
		return nil, err
	}
	var d0 time.Time
	if !d1.IsZero() {
		if d0, err = env.Reader.LatestDay(env.Ctx, source, coingecko.MetricTotalMarketCapUSD, d1.AddDate(0, 0, -11), d1.AddDate(0, 0, -7)); err != nil {
			return nil, err
		}
	}
	if d0.IsZero() {
		s.Unavailable = "no two CoinGecko /global snapshots a week apart near this week (none is bundled; `cryptoweekly ingest` stores one per run); the token section's dominance is BTC's share of the price snapshot, not of the whole market"
		return s, nil
	}
	ps, err := env.Reader.Pairs(env.Ctx, cw.PairQuery{Entity: entity, Sources: []cw.SourceID{source}, D0: d0, D1: d1,
		Metrics: []cw.Metric{coingecko.MetricTotalMarketCapUSD, cw.MetricBTCDominancePct, coingecko.MetricETHDominancePct}})
	if err != nil {
		return nil, err
	}
	by := map[cw.Metric]cw.Pair{}
	for _, p := range ps {
		by[p.Metric] = p
	}
	if p, ok := by[coingecko.MetricTotalMarketCapUSD]; ok {
		s.Figures = append(s.Figures, env.Change("Total crypto market cap", "USD", p, d0, d1))
	}
	for _, x := range []struct {
		m     cw.Metric
		label string
	}{{cw.MetricBTCDominancePct, "BTC dominance"}, {coingecko.MetricETHDominancePct, "ETH dominance"}} {
		if p, ok := by[x.m]; ok {
			c := env.Change(x.label, "%", p, d0, d1)
			c.Pct, c.Note = nil, "the change is in percentage points"
			s.Figures = append(s.Figures, c)
		}
	}
	t, okT := by[coingecko.MetricTotalMarketCapUSD]
	b, okB := by[cw.MetricBTCDominancePct]
	if okT && okB && t.V0 != nil && t.V1 != nil && b.V0 != nil && b.V1 != nil {
		a0, a1 := *t.V0*(1-*b.V0/100), *t.V1*(1-*b.V1/100)
		env.Define(string(defAltcoinCap))
		s.Figures = append(s.Figures, report.Change{Label: "Altcoin market cap (total less BTC)", Entity: entity, Unit: "USD",
			Definition: string(defAltcoinCap), Source: string(source), From: cw.DayString(d0), To: cw.DayString(d1),
			Start: report.F64(a0), End: report.F64(a1), Abs: report.F64(a1 - a0), Pct: report.F64((a1/a0 - 1) * 100)})
	}
	if !d0.Equal(env.Start) || !d1.Equal(env.End) {
		s.Notes = append(s.Notes, fmt.Sprintf("CoinGecko /global snapshots of %s and %s, the latest on or before each end of the week", cw.DayString(d0), cw.DayString(d1)))
	}
	return s, nil
}

func (b *Block) Title() string   { return "Whole market" }
func (b *Block) Cites() []string { return report.ChangeSources(b.Figures...) }

func (b *Block) Layout() []report.Element {
	return append(report.ChangeTable(b.Figures), report.Notes(b.Notes)...)
}

func (b *Block) Overview() []report.Bullet {
	for _, c := range b.Figures {
		if c.Label == "Total crypto market cap" && c.Available() && c.Pct != nil {
			return []report.Bullet{{Text: fmt.Sprintf("Market: total crypto market cap %s to %s.", report.Moved(*c.Pct), report.USD(*c.End))}}
		}
	}
	return nil
}
