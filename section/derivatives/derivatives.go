// Package derivatives is the report's derivatives section: open interest per perpetual contract
// at both ends of the week, and the majors' mean funding rate over the week against the week
// before.
package derivatives

import (
	"fmt"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/binance"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the derivatives block.
type Section struct{}

// Block is open interest.
type Block struct {
	report.Base
	OpenInterest []report.Change `json:"open_interest"` // per coin, summed over its contracts
	// Funding is each perpetual's mean funding rate over the week against the week before, in
	// basis points per 8 hours.
	Funding []report.Change `json:"funding,omitempty"`
}

const fundingUnit = "bp/8h"

func (Section) Name() string           { return "derivatives" }
func (Section) NewBlock() report.Block { return new(Block) }
func (Section) CoverageColumn() string { return "derivatives" }
func (Section) Core() bool             { return false }
func (Section) Selectors(report.Config) []cw.Selector {
	return []cw.Selector{{Metrics: []cw.Metric{cw.MetricOpenInterestUSD}}}
}
func (Section) CoverageStatus(c []map[time.Time]int, end time.Time, _ report.Config) report.Status {
	return report.EndsStatus(c[0], end, "%d")
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	ps, err := section.WeekPrefix(env, "contract:", cw.MetricOpenInterestUSD)
	if err != nil {
		return nil, fmt.Errorf("open interest: %w", err)
	}
	ids := make([]string, 0, len(ps))
	for _, p := range ps {
		ids = append(ids, p.Entity)
	}
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("open interest: %w", err)
	}
	// One figure per coin: its contracts' series summed, and only when every series has both
	// ends of the week.
	type coin struct {
		parent    string
		src       cw.SourceID
		v0, v1    float64
		n, n0, n1 int
		contracts []string
	}
	coins := map[string]*coin{}
	var parents []string
	for _, p := range ps {
		par := info[p.Entity].Parent
		c := coins[par]
		if c == nil {
			c = &coin{parent: par, src: p.Source}
			coins[par] = c
			parents = append(parents, par)
		}
		c.src = min(c.src, p.Source)
		c.n++
		c.contracts = append(c.contracts, contractText(info[p.Entity]))
		if p.V0 != nil {
			c.v0 += *p.V0
			c.n0++
		}
		if p.V1 != nil {
			c.v1 += *p.V1
			c.n1++
		}
	}
	// Largest open interest first; coins without an end value last.
	sort.SliceStable(parents, func(i, j int) bool {
		a, b := coins[parents[i]], coins[parents[j]]
		if (a.n1 > 0) != (b.n1 > 0) {
			return a.n1 > 0
		}
		if a.v1 != b.v1 {
			return a.v1 > b.v1
		}
		return a.parent < b.parent
	})
	var partial []string
	for _, par := range parents {
		c := coins[par]
		sym := strings.ToUpper(strings.TrimPrefix(par, "asset:"))
		if c.n0 != c.n || c.n1 != c.n {
			partial = append(partial, sym)
			continue
		}
		p := cw.Pair{Entity: par, Metric: cw.MetricOpenInterestUSD, Source: c.src, V0: report.F64(c.v0), V1: report.F64(c.v1)}
		ch := env.Change(sym, "USD", p, env.Start, env.End)
		// Say what is measured: the contracts behind the figure, one venue each.
		ch.Note = strings.Join(c.contracts, " + ")
		s.OpenInterest = append(s.OpenInterest, ch)
	}
	if err := s.funding(env); err != nil {
		return nil, err
	}
	if len(s.OpenInterest) == 0 && len(s.Funding) == 0 {
		s.Unavailable = "no open-interest or funding data for this week (the bundled Binance open interest ends 2025-10-26, the funding 2026-06-06); Binance's public futures API (ingest) fills funding"
	} else if len(s.OpenInterest) == 0 {
		s.Notes = append(s.Notes, "no open-interest data at both ends of this week (the bundled Binance perpetuals series ends 2025-10-26)")
	} else {
		s.Notes = append(s.Notes, "open interest of the perpetual contracts named under each figure, via Coinalyze: one venue's contracts, not a coin's market-wide open interest")
	}
	if len(partial) > 0 {
		s.Notes = append(s.Notes, "left out for a missing end of the week: "+strings.Join(partial, ", "))
	}
	return s, nil
}

func (b *Block) Title() string { return "Derivatives" }
func (b *Block) Cites() []string {
	return report.ChangeSources(append(append([]report.Change{}, b.OpenInterest...), b.Funding...)...)
}

func (b *Block) Layout() []report.Element {
	var out []report.Element
	if len(b.OpenInterest) > 0 {
		out = append(out, report.P(report.L("Open interest:")))
		out = append(out, report.ChangeTable(b.OpenInterest)...)
	}
	if len(b.Funding) > 0 {
		out = append(out, report.P(report.L("Funding rates, mean of the week's daily means, in basis points per 8 hours:")))
		out = append(out, report.ChangeTable(b.Funding)...)
	}
	return append(out, report.Notes(b.Notes)...)
}

func (b *Block) Moves() []report.Move {
	var out []report.Move
	for _, c := range b.OpenInterest {
		out = append(out, report.Move{What: "open interest", Change: c})
	}
	return out
}

// contractText names a contract with its venue and margin ("BTCUSD_PERP.A, Binance, coin-margined").
func contractText(e cw.Entity) string {
	sym := e.Symbol
	if sym == "" {
		sym = strings.TrimPrefix(e.ID, "contract:")
	}
	var parts []string
	if v := e.Attrs["venue"]; v != "" {
		parts = append(parts, strings.ToUpper(v[:1])+v[1:])
	}
	switch e.Attrs["margin"] {
	case "coin":
		parts = append(parts, "coin-margined")
	case "usdt":
		parts = append(parts, "USDT-margined")
	case "usdc":
		parts = append(parts, "USDC-margined")
	}
	if len(parts) == 0 {
		return sym
	}
	return sym + " (" + strings.Join(parts, ", ") + ")"
}

// funding compares each perpetual's mean daily funding over the week with the week before.
func (s *Block) funding(env *report.Env) error {
	prev := env.Start.AddDate(0, 0, -7)
	obs, err := env.Reader.Observations(env.Ctx, "contract:", binance.MetricFundingRate, prev, env.End)
	if err != nil {
		return fmt.Errorf("funding: %w", err)
	}
	type acc struct {
		src        cw.SourceID
		sum0, sum1 float64
		n0, n1     int
	}
	// One series per contract: the live one where it covers the days, else the bundled history.
	series := map[[2]string]*acc{}
	for _, o := range obs {
		k := [2]string{o.Entity, string(o.Source)}
		a := series[k]
		if a == nil {
			a = &acc{src: o.Source}
			series[k] = a
		}
		if o.Day.After(env.Start) {
			a.sum1 += o.Value
			a.n1++
		} else {
			a.sum0 += o.Value
			a.n0++
		}
	}
	by := map[string]*acc{}
	var ids []string
	for k, a := range series {
		cur, ok := by[k[0]]
		if !ok {
			ids = append(ids, k[0])
		}
		if !ok || a.n0+a.n1 > cur.n0+cur.n1 || (a.n0+a.n1 == cur.n0+cur.n1 && a.src == binance.SourceFunding) {
			by[k[0]] = a
		}
	}
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return fmt.Errorf("funding: %w", err)
	}
	sort.Strings(ids)
	for _, id := range ids {
		a := by[id]
		if a.n0 == 0 || a.n1 == 0 {
			continue
		}
		m0, m1 := a.sum0/float64(a.n0)*1e4, a.sum1/float64(a.n1)*1e4
		def := string(cw.DefinitionOf(binance.MetricFundingRate, a.src))
		env.Cite(string(a.src))
		env.Define(def)
		label := strings.ToUpper(strings.TrimPrefix(info[id].Parent, "asset:"))
		c := report.Change{Label: label + " funding", Entity: id, Unit: fundingUnit, Source: string(a.src), Definition: def,
			From: cw.DayString(prev.AddDate(0, 0, 1)) + ".." + cw.DayString(env.Start), To: cw.DayString(env.Start.AddDate(0, 0, 1)) + ".." + cw.DayString(env.End),
			Start: report.F64(m0), End: report.F64(m1), Abs: report.F64(m1 - m0),
			Note: fmt.Sprintf("%s: mean of %d daily means (week before: %d); 1 bp = 0.01%% per 8 hours", contractText(info[id]), a.n1, a.n0)}
		s.Funding = append(s.Funding, c)
	}
	return nil
}
