// Package sentiment is the report's market-sentiment section: the Fear & Greed index at both
// ends of the week, its zones, the week's low and high, and the daily values.
package sentiment

import (
	"fmt"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/alternativeme"
	"cryptoweekly/provider/coinmarketcap"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the sentiment block.
type Section struct{}

// Block is the Fear & Greed index over the week.
type Block struct {
	report.Base
	Index     report.Change  `json:"index"`
	StartZone string         `json:"start_zone,omitempty"`
	EndZone   string         `json:"end_zone,omitempty"`
	Min       *report.Point  `json:"min,omitempty"`
	Max       *report.Point  `json:"max,omitempty"`
	Daily     []report.Point `json:"daily,omitempty"`
	// History is the index over the 90 days to the week's end, for the chart.
	History *report.Series `json:"history,omitempty"`
	// CMC is CoinMarketCap's Fear & Greed index, a second, differently built index, named as such
	// (live ingest with a key stores it).
	CMC *report.Change `json:"cmc_index,omitempty"`
}

// zones are alternative.me's classification bands, shaded on the chart.
var zones = []report.Zone{{From: 0, To: 25, Label: "Extreme Fear"}, {From: 25, To: 46, Label: "Fear"}, {From: 46, To: 54, Label: "Neutral"}, {From: 54, To: 75, Label: "Greed"}, {From: 75, To: 100, Label: "Extreme Greed"}}

const entity = alternativeme.EntityID

// sources in order of preference: alternative.me's index is the one desks quote.
var sources = []cw.SourceID{alternativeme.SourceFearGreed, coinmarketcap.SourceFearGreed}

func (Section) Name() string                      { return "sentiment" }
func (Section) NewBlock() report.Block            { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID { return sources }
func (Section) CoverageColumn() string            { return "sentiment" }
func (Section) Core() bool                        { return true }
func (Section) Selectors(report.Config) []cw.Selector {
	return []cw.Selector{{Entities: []string{entity}, Metrics: []cw.Metric{cw.MetricValue}}}
}
func (Section) CoverageStatus(c []map[time.Time]int, end time.Time, _ report.Config) report.Status {
	return report.EndsStatus(c[0], end, "")
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	ps, err := section.Week(env, entity, cw.MetricValue)
	if err != nil {
		return nil, err
	}
	p, ok := section.Best(ps, []cw.Metric{cw.MetricValue}, sources[:1])[entity]
	if !ok {
		s.Unavailable = "no Fear & Greed data in the store for this week; `cryptoweekly ingest` fills it from alternative.me /fng/"
		s.Index = report.Missing("Fear & Greed", "index", s.Unavailable)
		return s, nil
	}
	s.Index = env.Change("Crypto Fear & Greed Index", "index", p, env.Start, env.End)
	if p.V0 != nil {
		s.StartZone = cw.FearGreedZone(*p.V0)
	}
	if p.V1 != nil {
		s.EndZone = cw.FearGreedZone(*p.V1)
	}
	pts, err := env.Reader.Daily(env.Ctx, p.Entity, p.Metric, p.Source, env.Start.AddDate(0, 0, -1), env.End)
	if err != nil {
		return nil, err
	}
	for _, x := range pts {
		pt := report.Point{Day: cw.DayString(x.Day), Value: x.Value, Zone: cw.FearGreedZone(x.Value)}
		s.Daily = append(s.Daily, pt)
		if x.Day.After(env.Start) { // min/max over the week's own days (start, end]
			if s.Min == nil || x.Value < s.Min.Value {
				c := pt
				s.Min = &c
			}
			if s.Max == nil || x.Value > s.Max.Value {
				c := pt
				s.Max = &c
			}
		}
	}
	if cp, err := section.Week(env, coinmarketcap.FearGreedEntity, cw.MetricValue); err != nil {
		return nil, err
	} else if p2, ok := section.Best(cp, nil, []cw.SourceID{coinmarketcap.SourceFearGreed})[coinmarketcap.FearGreedEntity]; ok && p2.V0 != nil && p2.V1 != nil {
		c := env.Change("CoinMarketCap Fear & Greed Index", "index", p2, env.Start, env.End)
		c.Note = "a second index, built by CoinMarketCap from its own inputs: not comparable point for point with alternative.me's"
		s.CMC = &c
	}
	h, err := section.History(env, p, "Fear & Greed", "index", 90, env.End)
	if err != nil {
		return nil, err
	}
	s.History = &h
	if n := len(pts); n > 0 && n < 8 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d of 8 daily values present (the upstream skips some days)", n))
	}
	return s, nil
}

func (b *Block) Title() string { return "Market sentiment" }
func (b *Block) Cites() []string {
	if b.CMC != nil {
		return report.ChangeSources(b.Index, *b.CMC)
	}
	return report.ChangeSources(b.Index)
}

func (b *Block) Layout() []report.Element {
	rows := []report.Change{b.Index}
	if b.CMC != nil {
		rows = append(rows, *b.CMC)
	}
	out := report.ChangeTable(rows)
	line := report.Inline{report.Lf("Zone: %s → %s.", orNA(b.StartZone), orNA(b.EndZone))}
	if b.Min != nil && b.Max != nil {
		line = append(line, report.Lf(" Week low %.0f (%s), high %.0f (%s).", b.Min.Value, b.Min.Day, b.Max.Value, b.Max.Day))
	}
	out = append(out, report.P(line...))
	if h := b.History; h != nil && len(h.Points) > 1 {
		out = append(out, report.Figure(report.Chart{Kind: report.LineChart, Title: "Crypto Fear & Greed Index, last 90 days",
			Unit: "index", Series: []report.Series{*h}, Zones: zones, Mark: [2]string{b.Index.From, b.Index.To},
			Source: h.Source, Alt: "Line chart of the Fear & Greed index: " + section.Span(*h) + "; the week is shaded."}))
	}
	if len(b.Daily) > 0 {
		t := report.Tab("day", "index:", "zone")
		for _, d := range b.Daily {
			t.Row(report.L(d.Day), report.Lf("%.0f", d.Value), report.L(d.Zone))
		}
		out = append(out, t)
	}
	return append(out, report.Notes(b.Notes)...)
}

func (b *Block) Overview() []report.Bullet {
	c := b.Index
	if !c.Available() {
		return nil
	}
	verb := "moved"
	if c.Pct != nil {
		verb = report.Movement(*c.Pct)
	}
	s := fmt.Sprintf("Sentiment: the Fear & Greed index %s from %.0f (%s) to %.0f (%s)", verb, *c.Start, b.StartZone, *c.End, b.EndZone)
	if b.Min != nil && b.Max != nil {
		s += fmt.Sprintf(", ranging %.0f–%.0f during the week", b.Min.Value, b.Max.Value)
	}
	return []report.Bullet{{Text: s + "."}}
}

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}
