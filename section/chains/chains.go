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

func (Section) Name() string { return "chains" }

// Wide: the spotlight reads every protocol's TVL (report.Wide).
func (Section) Wide() bool                        { return true }
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
	// The weekly v2 values of every chain: the Sundays on or before each end of the week.
	var weekly []cw.Pair
	w1, err := env.Reader.LatestDay(env.Ctx, defillama.SourceChainTVLWeekly, cw.MetricTVL, env.End.AddDate(0, 0, -7), env.End)
	if err != nil {
		return nil, err
	}
	w0 := w1.AddDate(0, 0, -7)
	if !w1.IsZero() {
		if weekly, err = env.Reader.Pairs(env.Ctx, cw.PairQuery{Prefix: "chain:", Metrics: []cw.Metric{cw.MetricTVL},
			Sources: []cw.SourceID{defillama.SourceChainTVLWeekly}, D0: w0, D1: w1}); err != nil {
			return nil, err
		}
	}
	// Per chain, in order of preference: a daily v2 series at the week's own ends, the weekly v2
	// values, then the legacy /charts series (shown, never ranked among v2 chains).
	type pick struct {
		p      cw.Pair
		d0, d1 time.Time
		legacy bool
	}
	picks := map[string]pick{}
	var daily []cw.Pair
	for _, p := range ps {
		if p.Source != defillama.SourceChainTVLWeekly {
			daily = append(daily, p)
		}
	}
	bs := section.Best(daily, metrics, sources)
	for id, p := range bs {
		if p.V0 != nil && p.V1 != nil && p.Metric == cw.MetricTVL {
			picks[id] = pick{p: p, d0: env.Start, d1: env.End}
		}
	}
	for _, p := range weekly {
		if _, ok := picks[p.Entity]; !ok && p.V0 != nil && p.V1 != nil && *p.V1 > 0 {
			picks[p.Entity] = pick{p: p, d0: w0, d1: w1}
		}
	}
	for id, p := range bs {
		if _, ok := picks[id]; !ok && (p.V0 != nil && p.V1 != nil || p.Metric != cw.MetricTVLLegacy) {
			picks[id] = pick{p: p, d0: env.Start, d1: env.End, legacy: p.Metric == cw.MetricTVLLegacy}
		}
	}
	ids := section.SortedKeys(picks)
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return nil, err
	}
	var noData []string
	legacy := map[string]bool{}
	weeklyN := 0
	for _, id := range ids {
		k := picks[id]
		name := info[id].Name
		if name == "" {
			name = strings.TrimPrefix(id, "chain:")
		}
		c := env.Change(name, "USD", k.p, k.d0, k.d1)
		switch {
		case k.legacy:
			c.Note = "legacy /charts definition (not comparable in level with the v2 chains, so not ranked)"
			legacy[id] = true
		case k.p.Source == defillama.SourceChainTVLWeekly:
			weeklyN++
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
		if *c.End >= env.Config.ChainMinTVL && c.Pct != nil && !legacy[c.Entity] {
			above = append(above, c)
		}
	}
	sort.SliceStable(above, func(i, j int) bool { return *above[i].Pct > *above[j].Pct })
	s.TopGrowth = above[:min(env.Config.TopN, len(above))]
	s.Notes = append(s.Notes, fmt.Sprintf("%d chains in the store have TVL at both ends of the week; %d are above the %s floor", len(s.All), len(above), report.ShortUSD(env.Config.ChainMinTVL)))
	if weeklyN > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d chains without daily values at the week's ends compare DefiLlama's weekly values of Sundays %s → %s (same v2 definition)",
			weeklyN, cw.DayString(w0), cw.DayString(w1)))
	}
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

// allShown is how many chains the article's table lists.
const allShown = 25

func (b *Block) Title() string   { return "Chains" }
func (b *Block) Cites() []string { return report.ChangeSources(b.All...) }

func (b *Block) Layout() []report.Element {
	out := []report.Element{report.H3(report.Lf("Top %d chains by TVL growth (TVL ≥ %s)", len(b.TopGrowth), report.USD(b.MinTVL)))}
	out = append(out, report.ChangeTable(b.TopGrowth)...)
	out = append(out, report.GrowthChart("TVL growth of the top chains", b.TopGrowth)...)
	if sp := b.Spotlight; sp != nil {
		c := sp.Chain
		out = append(out, report.H3(report.L("Chain spotlight: "), report.T(c.Label)),
			report.P(report.T(c.Label), report.Lf(" TVL %s %s, from %s on %s to %s on %s (", report.Movement(*c.Pct), report.Pct(*c.Pct), report.USD(*c.Start), c.From, report.USD(*c.End), c.To),
				report.C(c.Source), report.L(").")))
		if len(sp.Protocols) > 0 {
			out = append(out, report.ProtocolTable(sp.Protocols)...)
		}
		if sp.Note != "" {
			out = append(out, report.P(report.I(sp.Note+".")))
		}
	}
	// Every chain is in report.json; the article lists the largest.
	shown := b.All[:min(allShown, len(b.All))]
	if len(shown) < len(b.All) {
		out = append(out, report.H3(report.Lf("The %d largest of %d chains in the store", len(shown), len(b.All))))
	} else {
		out = append(out, report.H3(report.L("All chains in the store")))
	}
	out = append(out, report.ChangeTable(shown)...)
	return append(out, report.Notes(b.Notes)...)
}

func (b *Block) Overview() []report.Bullet {
	if len(b.TopGrowth) == 0 {
		return nil
	}
	c := b.TopGrowth[0]
	if *c.Pct > 0 {
		return []report.Bullet{{Text: fmt.Sprintf("Chains: %s led TVL growth among chains above %s, up %s to %s (%s → %s).", c.Label, report.USD(b.MinTVL), report.Pct(*c.Pct), report.USD(*c.End), c.From, c.To)}}
	}
	return []report.Bullet{{Text: fmt.Sprintf("Chains: no chain above %s grew its TVL; %s fell least (%s, to %s, %s → %s).", report.USD(b.MinTVL), c.Label, report.Pct(*c.Pct), report.USD(*c.End), c.From, c.To)}}
}

func (b *Block) Moves() []report.Move {
	var out []report.Move
	for _, c := range b.TopGrowth {
		out = append(out, report.Move{What: "chain", Change: c})
	}
	return out
}
