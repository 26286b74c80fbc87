// Package stablecoins is the report's stablecoin section: USDT and USDC supply at both ends of
// the week with the net flow, and the total of all USD-pegged stablecoins.
package stablecoins

import (
	"fmt"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/coinmarketcap"
	"cryptoweekly/provider/defillama"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the stablecoin block.
type Section struct{}

// Block is the supply of the large USD stablecoins.
type Block struct {
	report.Base
	Coins []report.Change `json:"coins"` // USDT, USDC, …: Abs is the net USD flow
	Total report.Change   `json:"total"`
	// History is each coin's supply over the year to the week's end, for the chart.
	History []report.Series `json:"history,omitempty"`
}

const totalEntity = defillama.EntityStablecoinsTotal

var (
	coins = []struct{ id, label string }{{defillama.StablecoinEntityID("USDT"), "USDT"}, {defillama.StablecoinEntityID("USDC"), "USDC"}}
	// Per coin: DefiLlama's circulating supply first, CoinMarketCap's market cap where it is all
	// the store has.
	metrics = []cw.Metric{cw.MetricCirculatingUSD, cw.MetricMarketCap}
	sources = []cw.SourceID{defillama.SourceStablecoins, coinmarketcap.SourceStablecoinHistory}
	// The total: the bundled all-USD series first, then the live one.
	totalSources = []cw.SourceID{defillama.SourceStablecoinsTotal, defillama.SourceStablecoins}
)

func (Section) Name() string           { return "stablecoins" }
func (Section) NewBlock() report.Block { return new(Block) }

// Feeds names the live series: the bundled histories have no ingest that could fail.
func (Section) Feeds(report.Config) []cw.SourceID { return []cw.SourceID{defillama.SourceStablecoins} }
func (Section) CoverageColumn() string            { return "stablecoins" }
func (Section) Core() bool                        { return true }
func (Section) Selectors(report.Config) []cw.Selector {
	return []cw.Selector{{Entities: []string{coins[0].id, coins[1].id}, Metrics: metrics}}
}
func (Section) CoverageStatus(c []map[time.Time]int, end time.Time, _ report.Config) report.Status {
	n0, n1 := c[0][end.AddDate(0, 0, -7)], c[0][end]
	return report.Level(n0 == 2 && n1 == 2, n0 > 0 || n1 > 0, fmt.Sprintf("%d/2 coins", min(n0, n1)))
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	for _, c := range coins {
		ps, err := section.Week(env, c.id, metrics...)
		if err != nil {
			return nil, err
		}
		p, ok := section.Best(ps, metrics, sources)[c.id]
		if !ok {
			s.Coins = append(s.Coins, report.Missing(c.label, "USD", "no supply data for "+c.label+" in this week; DefiLlama stablecoins (ingest) fills it"))
			continue
		}
		h, err := section.History(env, p, c.label, "USD", 365, env.End)
		if err != nil {
			return nil, err
		}
		s.History = append(s.History, h)
		ch := env.Change(c.label+" supply", "USD", p, env.Start, env.End)
		if ch.Abs != nil {
			ch.Note = "net flow = change in circulating supply"
		}
		s.Coins = append(s.Coins, ch)
	}
	ps, err := section.Week(env, totalEntity, cw.MetricCirculatingUSD)
	if err != nil {
		return nil, err
	}
	if p, ok := section.Best(ps, nil, totalSources)[totalEntity]; ok {
		s.Total = env.Change("All USD-pegged stablecoins", "USD", p, env.Start, env.End)
	} else {
		s.Total = report.Missing("All USD-pegged stablecoins", "USD", "no total stablecoin supply for this week; DefiLlama /stablecoincharts/all (ingest) fills it")
	}
	all := true
	for _, c := range s.Coins {
		all = all && c.Available()
	}
	if !all && !s.Total.Available() {
		s.Unavailable = "stablecoin supply is not in the store for this week"
	}
	return s, nil
}

func (b *Block) Title() string { return "Stablecoins" }

func (b *Block) figures() []report.Change {
	return append(append([]report.Change{}, b.Coins...), b.Total)
}

func (b *Block) Cites() []string { return report.ChangeSources(b.figures()...) }

func (b *Block) Layout() []report.Element {
	out := report.ChangeTable(b.figures())
	out = append(out, report.P(report.L("Net flow is the change in circulating supply over the week.")))
	if len(b.History) > 0 && len(b.Coins) > 0 {
		var alt, src []string
		for _, h := range b.History {
			alt = append(alt, section.Span(h))
			src = append(src, h.Source)
		}
		out = append(out, report.Figure(report.Chart{Kind: report.LineChart, Title: "USDT and USDC supply, last 365 days", Unit: "USD",
			Series: b.History, Mark: [2]string{b.Coins[0].From, b.Coins[0].To}, Source: strings.Join(dedupe(src), ", "),
			Alt: "Line chart of stablecoin supply: " + strings.Join(alt, "; ") + "; the week is shaded."}))
	}
	return append(out, report.Notes(b.Notes)...)
}

func (b *Block) Overview() []report.Bullet {
	var parts []string
	for _, c := range b.Coins {
		if c.Available() && c.Pct != nil {
			parts = append(parts, fmt.Sprintf("%s %s (%s net) to %s", strings.TrimSuffix(c.Label, " supply"), report.Pct(*c.Pct), report.SignedUSD(*c.Abs), report.USD(*c.End)))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return []report.Bullet{{Text: "Stablecoins: " + strings.Join(parts, "; ") + "."}}
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if !section.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
