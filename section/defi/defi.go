// Package defi is the report's total DeFi TVL section, with the name of the TVL definition used.
package defi

import (
	"fmt"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/defillama"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the DeFi block.
type Section struct{}

// Block is total DeFi TVL.
type Block struct {
	report.Base
	TotalTVL report.Change `json:"total_tvl"`
	// Legacy is DefiLlama's legacy all-chains total (with liquid staking and double counting),
	// shown beside the default headline when both exist: desks quote the default.
	Legacy *report.Change `json:"legacy_total_tvl,omitempty"`
	// History is total TVL over the year to the week's end, for the chart.
	History *report.Series `json:"history,omitempty"`
}

const entity = defillama.EntityDefiTVL

// DefiLlama's default (v2) TVL first; the legacy all-chains total where it is all there is.
var metrics = []cw.Metric{cw.MetricTVL, cw.MetricTVLLegacy}

func (Section) Name() string                      { return "defi" }
func (Section) NewBlock() report.Block            { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID { return []cw.SourceID{defillama.SourceDefiTVL} }
func (Section) CoverageColumn() string            { return "defi" }
func (Section) Core() bool                        { return true }
func (Section) Selectors(report.Config) []cw.Selector {
	return []cw.Selector{{Entities: []string{entity}}}
}
func (Section) CoverageStatus(c []map[time.Time]int, end time.Time, _ report.Config) report.Status {
	return report.EndsStatus(c[0], end, "")
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	ps, err := section.Week(env, entity, metrics...)
	if err != nil {
		return nil, err
	}
	p, ok := section.Best(ps, metrics, nil)[entity]
	if !ok {
		s.Unavailable = "no total DeFi TVL for this week; DefiLlama /v2/historicalChainTvl (ingest) fills it"
		s.TotalTVL = report.Missing("Total DeFi TVL", "USD", s.Unavailable)
		return s, nil
	}
	s.TotalTVL = env.Change("Total DeFi TVL", "USD", p, env.Start, env.End)
	if p.Metric == cw.MetricTVL {
		if l, ok := section.Best(ps, []cw.Metric{cw.MetricTVLLegacy}, nil)[entity]; ok && l.Metric == cw.MetricTVLLegacy && l.V0 != nil && l.V1 != nil {
			c := env.Change("Total DeFi TVL, legacy all-chains definition", "USD", l, env.Start, env.End)
			c.Note = "DefiLlama's legacy /charts total counts liquid staking and double-counted TVL: shown for comparison, not the headline"
			s.Legacy = &c
		}
	}
	h, err := section.History(env, p, "Total DeFi TVL", "USD", 365, env.End)
	if err != nil {
		return nil, err
	}
	s.History = &h
	if p.Metric == cw.MetricTVLLegacy {
		s.TotalTVL.Note = "DefiLlama legacy all-chains total (/charts): includes liquid staking and double-counted TVL, so it sits well above DefiLlama's default headline"
	}
	return s, nil
}

func (b *Block) Title() string { return "DeFi TVL" }
func (b *Block) Cites() []string {
	if b.Legacy != nil {
		return report.ChangeSources(b.TotalTVL, *b.Legacy)
	}
	return report.ChangeSources(b.TotalTVL)
}

func (b *Block) Layout() []report.Element {
	rows := []report.Change{b.TotalTVL}
	if b.Legacy != nil {
		rows = append(rows, *b.Legacy)
	}
	out := report.ChangeTable(rows)
	if h := b.History; h != nil && len(h.Points) > 1 {
		out = append(out, report.Figure(report.Chart{Kind: report.LineChart, Title: "Total DeFi TVL, last 365 days", Unit: "USD",
			Series: []report.Series{*h}, Mark: [2]string{b.TotalTVL.From, b.TotalTVL.To}, Source: h.Source,
			Alt: "Line chart of total DeFi TVL: " + section.Span(*h) + "; the week is shaded."}))
	}
	return append(out, report.Notes(b.Notes)...)
}

func (b *Block) Overview() []report.Bullet {
	c := b.TotalTVL
	if !c.Available() || c.Pct == nil {
		return nil
	}
	s := fmt.Sprintf("DeFi: total TVL %s to %s", report.Moved(*c.Pct), report.USD(*c.End))
	if strings.HasPrefix(c.Definition, "tvl.legacy") {
		s += " (DefiLlama legacy all-chains definition)"
	}
	return []report.Bullet{{Text: s + "."}}
}
