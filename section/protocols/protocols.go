// Package protocols is the report's protocol section: the top protocols by TVL growth above a
// floor, and TVL by category over the protocols with history.
package protocols

import (
	"fmt"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the protocol block.
type Section struct{}

// Block is protocols by TVL growth and TVL by category.
type Block struct {
	report.Base
	MinTVL     float64           `json:"min_tvl"`
	Considered int               `json:"considered"` // protocols with history at both ends
	TopGrowth  []report.Protocol `json:"top_growth"`
	ByCategory []Category        `json:"by_category"`
}

// Category is a category's summed TVL over the protocols with history in it.
type Category struct {
	report.Change
	Protocols int `json:"protocols"`
}

func (Section) Name() string                      { return "protocols" }
func (Section) NewBlock() report.Block            { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID { return section.ProtocolSources }
func (Section) CoverageColumn() string            { return "protocols" }
func (Section) Core() bool                        { return false }
func (Section) Selectors(report.Config) []cw.Selector {
	return []cw.Selector{{Prefix: "protocol:", Metrics: []cw.Metric{cw.MetricTVL}}}
}
func (Section) CoverageStatus(c []map[time.Time]int, end time.Time, _ report.Config) report.Status {
	return report.EndsStatus(c[0], end, "%d")
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	cfg := env.Config
	s := &Block{MinTVL: cfg.ProtocolMinTVL}
	set, err := section.Protocols(env)
	if err != nil {
		return nil, err
	}
	prots := set.List
	s.Considered = len(prots)
	if len(prots) == 0 {
		s.Unavailable = "no protocol TVL history at both ends of this week; DefiLlama /protocol/{slug} (ingest) fills it"
		return s, nil
	}
	var above []report.Protocol
	excluded := 0
	for _, p := range prots {
		if section.Contains(cfg.ProtocolExcludeCategories, p.Category) {
			excluded++
			continue
		}
		if *p.End >= cfg.ProtocolMinTVL && p.Pct != nil {
			above = append(above, p)
		}
	}
	sort.SliceStable(above, func(i, j int) bool { return *above[i].Pct > *above[j].Pct })
	s.TopGrowth = above[:min(cfg.TopN, len(above))]
	s.Notes = append(s.Notes, fmt.Sprintf("%d protocols have TVL history at both ends of the week (%d above the %s floor)", len(prots), len(above), report.ShortUSD(cfg.ProtocolMinTVL)))
	if excluded > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d protocols of categories %s are not ranked (not DeFi protocols in DefiLlama's own rankings)", excluded, strings.Join(cfg.ProtocolExcludeCategories, ", ")))
	}
	if len(set.ParentsSkipped) > 0 {
		s.Notes = append(s.Notes, "parent protocols counted through their children, not on their own: "+strings.Join(set.ParentsSkipped, ", "))
	}
	if set.Partial > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d protocols have history but miss one end of the week", set.Partial))
	}
	// TVL by category over the protocols with history: a partial view when coverage is partial.
	cats := map[string]*Category{}
	for _, p := range prots {
		cat := p.Category
		if cat == "" {
			cat = "(uncategorised)"
		}
		c, ok := cats[cat]
		if !ok {
			c = &Category{Change: report.Change{Label: cat, Unit: "USD", Definition: p.Definition, Source: p.Source, From: p.From, To: p.To, Start: report.F64(0), End: report.F64(0)}}
			cats[cat] = c
		}
		*c.Start += *p.Start
		*c.End += *p.End
		c.Protocols++
	}
	for _, c := range cats {
		c.Abs = report.F64(*c.End - *c.Start)
		if *c.Start != 0 {
			c.Pct = report.F64((*c.End / *c.Start - 1) * 100)
		}
		s.ByCategory = append(s.ByCategory, *c)
	}
	sort.Slice(s.ByCategory, func(i, j int) bool { return *s.ByCategory[i].End > *s.ByCategory[j].End })
	n, err := env.Reader.CountEntities(env.Ctx, cw.KindProtocol)
	if err != nil {
		return nil, err
	}
	if n > len(prots)*2 {
		s.Notes = append(s.Notes, fmt.Sprintf("TVL by category sums only the %d protocols with history, out of %d protocols known to the store: a partial view, not the market's category totals", len(prots), n))
	}
	return s, nil
}

func (b *Block) Title() string { return "Protocols" }

func (b *Block) Cites() []string {
	out := make([]string, 0, len(b.TopGrowth))
	for _, p := range b.TopGrowth {
		out = append(out, p.Source)
	}
	return out
}

func (b *Block) Layout() []report.Element {
	out := []report.Element{report.H3(report.Lf("Top %d protocols by TVL growth (TVL ≥ %s at week end)", len(b.TopGrowth), report.USD(b.MinTVL)))}
	out = append(out, report.ProtocolTable(b.TopGrowth)...)
	var growth []report.Change
	for _, p := range b.TopGrowth {
		growth = append(growth, p.Change)
	}
	out = append(out, report.GrowthChart("TVL growth of the top protocols", growth)...)
	if len(b.ByCategory) > 0 {
		out = append(out, report.H3(report.L("TVL by category")))
		var from, to string
		if len(b.ByCategory) > 0 {
			from, to = b.ByCategory[0].From, b.ByCategory[0].To
		}
		t := report.Tab("category", "protocols:", "TVL "+from+":", "TVL "+to+":", "change:")
		for _, c := range b.ByCategory {
			t.Row(report.T(c.Label), report.Lf("%d", c.Protocols), report.L(report.Value(c.Start, c.Unit)), report.L(report.Value(c.End, c.Unit)), report.L(report.PctPtr(c.Pct)))
		}
		out = append(out, t, b.categoryChart())
	}
	return append(out, report.Notes(b.Notes)...)
}

func (b *Block) Overview() []report.Bullet {
	if len(b.TopGrowth) == 0 {
		return nil
	}
	p := b.TopGrowth[0]
	return []report.Bullet{{Fallback: true, Text: fmt.Sprintf("Protocols: %s led TVL growth among protocols above %s, %s to %s.", p.Label, report.USD(b.MinTVL), report.Moved(*p.Pct), report.USD(*p.End))}}
}

func (b *Block) Moves() []report.Move {
	var out []report.Move
	for _, p := range b.TopGrowth {
		out = append(out, report.Move{What: "protocol", Change: p.Change})
	}
	return out
}

// categoryChart draws the largest categories' TVL at the week's end.
func (b *Block) categoryChart() report.Element {
	c := report.Chart{Kind: report.BarChart, Title: "TVL by category at the week's end (largest 12)", Unit: "USD"}
	var alt []string
	for _, x := range b.ByCategory[:min(12, len(b.ByCategory))] {
		c.Bars = append(c.Bars, report.Bar{Label: x.Label, Value: *x.End})
		alt = append(alt, x.Label+" "+report.USD(*x.End))
	}
	c.Source = b.ByCategory[0].Source
	c.Alt = "Bar chart of TVL by category: " + strings.Join(alt, "; ") + "."
	return report.Figure(c)
}
