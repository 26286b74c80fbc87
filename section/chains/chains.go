// Package chains is the report's chain section: every chain's TVL change, the top chains by TVL
// growth above a floor, and a spotlight on the fastest-growing one with its protocols.
package chains

import (
	"fmt"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/defillama"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the chain block.
type Section struct{}

// Block is chain TVL.
type Block struct {
	report.Base
	MinTVL    float64         `json:"min_tvl"`
	All       []report.Change `json:"all"`        // every chain with data at both ends, by end TVL
	TopGrowth []report.Change `json:"top_growth"` // top N by % growth above MinTVL
	Spotlight *Spotlight      `json:"spotlight,omitempty"`
}

// Spotlight is the fastest-growing chain above the floor, with its protocols where known.
type Spotlight struct {
	Chain     report.Change     `json:"chain"`
	Protocols []report.Protocol `json:"protocols"`
	Note      string            `json:"note,omitempty"`
}

// DefiLlama's v2 chain TVL first; a chain the store has only on the legacy /charts definition
// is shown with that said.
var (
	metrics = []cw.Metric{cw.MetricTVL, cw.MetricTVLLegacy}
	sources = []cw.SourceID{defillama.SourceChainTVL}
)

func (Section) Name() string                      { return "chains" }
func (Section) NewBlock() report.Block            { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID { return sources }
func (Section) CoverageColumn() string            { return "chains" }
func (Section) Core() bool                        { return true }
func (Section) Selectors(report.Config) []cw.Selector {
	return []cw.Selector{{Prefix: "chain:", Metrics: metrics}}
}
func (Section) CoverageStatus(c []map[time.Time]int, end time.Time, _ report.Config) report.Status {
	return report.EndsStatus(c[0], end, "%d")
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{MinTVL: env.Config.ChainMinTVL}
	ps, err := section.WeekPrefix(env, "chain:", metrics...)
	if err != nil {
		return nil, err
	}
	bs := section.Best(ps, metrics, sources)
	ids := section.SortedKeys(bs)
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return nil, err
	}
	var noData []string
	for _, id := range ids {
		p := bs[id]
		name := info[id].Name
		if name == "" {
			name = strings.TrimPrefix(id, "chain:")
		}
		c := env.Change(name, "USD", p, env.Start, env.End)
		if p.Metric == cw.MetricTVLLegacy {
			c.Note = "legacy /charts definition (not comparable in level with the v2 chains)"
		}
		if !c.Available() {
			noData = append(noData, name+" ("+c.Unavailable+")")
			continue
		}
		s.All = append(s.All, c)
	}
	if len(s.All) == 0 {
		s.Unavailable = "no chain TVL at both ends of this week; DefiLlama /v2/historicalChainTvl/{chain} (ingest) fills it"
		return s, nil
	}
	sort.Slice(s.All, func(i, j int) bool { return *s.All[i].End > *s.All[j].End })
	var above []report.Change
	for _, c := range s.All {
		if *c.End >= env.Config.ChainMinTVL && c.Pct != nil {
			above = append(above, c)
		}
	}
	sort.SliceStable(above, func(i, j int) bool { return *above[i].Pct > *above[j].Pct })
	s.TopGrowth = above[:min(env.Config.TopN, len(above))]
	s.Notes = append(s.Notes, fmt.Sprintf("%d chains in the store have TVL at both ends of the week; %d are above the %s floor", len(s.All), len(above), report.ShortUSD(env.Config.ChainMinTVL)))
	if len(noData) > 0 {
		s.Notes = append(s.Notes, "left out for missing days: "+strings.Join(noData, "; "))
	}
	if len(s.All) < 10 {
		s.Notes = append(s.Notes, "the store holds only the chains listed; DefiLlama /v2/chains and /v2/historicalChainTvl/{chain} (ingest) cover every chain")
	}
	if len(above) > 0 {
		sp, err := spotlight(env, above[0], info[above[0].Entity])
		if err != nil {
			return nil, fmt.Errorf("spotlight: %w", err)
		}
		s.Spotlight = sp
	}
	return s, nil
}

// spotlight lists the protocols on the chain, matched by every name the chain goes by.
func spotlight(env *report.Env, chain report.Change, e cw.Entity) (*Spotlight, error) {
	sp := &Spotlight{Chain: chain}
	names := []string{strings.ToLower(strings.TrimPrefix(chain.Entity, "chain:")), strings.ToLower(e.Name)}
	if n := e.Attrs["defillama_name"]; n != "" {
		names = append(names, strings.ToLower(n))
	}
	ids, err := env.Reader.EntitiesOnChains(env.Ctx, cw.KindProtocol, names)
	if err != nil {
		return nil, err
	}
	onChain := map[string]bool{}
	for _, id := range ids {
		onChain[id] = true
	}
	prots, err := section.Protocols(env)
	if err != nil {
		return nil, err
	}
	for _, p := range prots.List {
		if onChain[p.Entity] {
			sp.Protocols = append(sp.Protocols, p)
		}
	}
	sort.Slice(sp.Protocols, func(i, j int) bool { return *sp.Protocols[i].End > *sp.Protocols[j].End })
	if len(sp.Protocols) > env.Config.TopN*2 {
		sp.Protocols = sp.Protocols[:env.Config.TopN*2]
	}
	switch {
	case len(sp.Protocols) == 0 && len(onChain) == 0:
		sp.Note = fmt.Sprintf("no protocol in the store lists %s among its chains", chain.Label)
	case len(sp.Protocols) == 0:
		sp.Note = fmt.Sprintf("%d protocols in the store list %s among their chains, but none has TVL history for this week; DefiLlama /protocol/{slug} (ingest) fills it", len(onChain), chain.Label)
	default:
		sp.Note = fmt.Sprintf("%d protocols in the store list %s among their chains; those with TVL history this week are shown (total TVL across all their chains)", len(onChain), chain.Label)
	}
	return sp, nil
}

func (b *Block) Title() string   { return "Chains" }
func (b *Block) Cites() []string { return report.ChangeSources(b.All...) }

func (b *Block) Layout() []report.Element {
	out := []report.Element{report.H3(report.Lf("Top %d chains by TVL growth (TVL ≥ %s)", len(b.TopGrowth), report.USD(b.MinTVL)))}
	out = append(out, report.ChangeTable(b.TopGrowth)...)
	out = append(out, report.GrowthChart("TVL growth of the top chains", b.TopGrowth)...)
	if sp := b.Spotlight; sp != nil {
		c := sp.Chain
		out = append(out, report.H3(report.L("Chain spotlight: "), report.T(c.Label)),
			report.P(report.T(c.Label), report.Lf(" TVL %s %s, from %s to %s.", report.Movement(*c.Pct), report.Pct(*c.Pct), report.USD(*c.Start), report.USD(*c.End))))
		if len(sp.Protocols) > 0 {
			out = append(out, report.ProtocolTable(sp.Protocols)...)
		}
		if sp.Note != "" {
			out = append(out, report.P(report.I(sp.Note+".")))
		}
	}
	out = append(out, report.H3(report.L("All chains in the store")))
	out = append(out, report.ChangeTable(b.All)...)
	return append(out, report.Notes(b.Notes)...)
}

func (b *Block) Overview() []report.Bullet {
	if len(b.TopGrowth) == 0 {
		return nil
	}
	c := b.TopGrowth[0]
	if *c.Pct > 0 {
		return []report.Bullet{{Text: fmt.Sprintf("Chains: %s led TVL growth among chains above %s, up %s to %s.", c.Label, report.USD(b.MinTVL), report.Pct(*c.Pct), report.USD(*c.End))}}
	}
	return []report.Bullet{{Text: fmt.Sprintf("Chains: no chain above %s grew its TVL; %s fell least (%s, to %s).", report.USD(b.MinTVL), c.Label, report.Pct(*c.Pct), report.USD(*c.End))}}
}

func (b *Block) Moves() []report.Move {
	var out []report.Move
	for _, c := range b.TopGrowth {
		out = append(out, report.Move{What: "chain", Change: c})
	}
	return out
}
