// Package derivatives is the report's derivatives section: the open interest of the majors' USDT-
// margined perpetuals on Binance (live, per contract, in USD and coins), open interest per coin
// from the bundled Coinalyze series, the majors' mean funding rate over the week against the week
// before, and the week's liquidations per contract (CoinGlass, keyed) — or why there are none.
package derivatives

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/binance"
	"cryptoweekly/provider/coinglass"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the derivatives block.
type Section struct{}

// Block is open interest, funding and liquidations.
type Block struct {
	report.Base
	// Majors is the open interest of each Binance USDⓈ-M USDT-margined perpetual the live
	// connector fetches, at the week's end against its start: a USD row and a coins row per
	// contract, each label naming the contract.
	Majors []report.Change `json:"majors_open_interest,omitempty"`
	// MajorsUnavailable says why Majors is empty.
	MajorsUnavailable string `json:"majors_open_interest_unavailable,omitempty"`
	// OpenInterest is per coin, summed over its contracts in the bundled Coinalyze series (the
	// contracts Majors shows with both ends are left out of it).
	OpenInterest []report.Change `json:"open_interest"`
	// Funding is each perpetual's mean funding rate over the week against the week before, in
	// basis points per 8 hours.
	Funding []report.Change `json:"funding,omitempty"`
	// Liquidations is, per contract with CoinGlass data, the USD of longs and of shorts
	// liquidated over the week against the week before.
	Liquidations []report.Change `json:"liquidations,omitempty"`
	// LiquidationsUnavailable says why the week's liquidations are not reported.
	LiquidationsUnavailable string `json:"liquidations_unavailable,omitempty"`
}

const fundingUnit = "bp/8h"

// noLiquidations is why no keyless source gives a week of liquidations (checked 2026-11).
const noLiquidations = "no keyless source publishes liquidation history. Binance stopped answering the public " +
	"/fapi/v1/allForceOrders on 2021-04-27 (/fapi/v1/forceOrders lists only the caller's own orders, with a key) and no " +
	"longer publishes its liquidationSnapshot files; its forceOrder websocket stream is live only and pushes at most one " +
	"liquidation per symbol per second, so a week cannot be rebuilt from it afterwards; CoinGlass and Coinalyze need an API key " +
	"(with a CoinGlass key in " + coinglass.EnvKey + ", cryptoweekly ingest stores the majors' daily liquidations on Binance)"

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
func (Section) Feeds(report.Config) []cw.SourceID {
	return []cw.SourceID{binance.SourceOpenInterest, binance.SourceFunding, coinglass.SourceLiquidations}
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	shown, err := s.majors(env)
	if err != nil {
		return nil, err
	}
	all, err := section.WeekPrefix(env, "contract:", cw.MetricOpenInterestUSD)
	if err != nil {
		return nil, fmt.Errorf("open interest: %w", err)
	}
	// The per-coin sums are the bundled series' own; a contract the live table already shows in
	// full is not counted twice.
	var ps []cw.Pair
	for _, p := range all {
		if p.Source != binance.SourceOpenInterest && !shown[p.Entity] {
			ps = append(ps, p)
		}
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
	if err := s.liquidations(env); err != nil {
		return nil, err
	}
	switch {
	case len(s.Majors) == 0 && len(s.OpenInterest) == 0 && len(s.Funding) == 0 && len(s.Liquidations) == 0:
		s.Unavailable = "no open-interest or funding data for this week (the bundled Coinalyze open interest ends 2025-10-26, the Binance funding 2026-06-06); " +
			"`cryptoweekly ingest` fills funding from Binance's public futures API, and open interest for weeks that ended within the last 30 days (all Binance keeps)"
	case len(s.OpenInterest) == 0 && len(s.Majors) == 0:
		s.Notes = append(s.Notes, "no open-interest data at both ends of this week (the bundled Coinalyze series ends 2025-10-26)")
	case len(s.OpenInterest) > 0:
		s.Notes = append(s.Notes, "open interest by coin: the perpetual contracts named under each figure, via Coinalyze: one venue's contracts, not a coin's market-wide open interest")
	}
	if len(partial) > 0 {
		s.Notes = append(s.Notes, "left out for a missing end of the week: "+strings.Join(partial, ", "))
	}
	return s, nil
}

func (b *Block) Title() string { return "Derivatives" }
func (b *Block) Cites() []string {
	var all []report.Change
	for _, l := range [][]report.Change{b.Majors, b.OpenInterest, b.Funding, b.Liquidations} {
		all = append(all, l...)
	}
	return report.ChangeSources(all...)
}

func (b *Block) Layout() []report.Element {
	var out []report.Element
	if len(b.Majors) > 0 {
		out = append(out, report.P(report.L("Open interest of the majors' USDT-margined perpetuals on Binance USDⓈ-M, per contract, at the week's end — each figure is that one contract, not all of Binance, not all exchanges:")))
		out = append(out, report.ChangeTable(b.Majors)...)
	} else if b.MajorsUnavailable != "" {
		out = append(out, report.P(report.L("Open interest of the majors' USDT-margined perpetuals on Binance USDⓈ-M: "), report.I("unavailable"), report.L(" — "), report.T(b.MajorsUnavailable), report.L(".")))
	}
	if len(b.OpenInterest) > 0 {
		out = append(out, report.P(report.L("Open interest by coin (Binance perpetuals via Coinalyze, bundled):")))
		out = append(out, report.ChangeTable(b.OpenInterest)...)
	}
	if len(b.Funding) > 0 {
		out = append(out, report.P(report.L("Funding rates, mean of the week's daily means, in basis points per 8 hours:")))
		out = append(out, report.ChangeTable(b.Funding)...)
	}
	if len(b.Liquidations) > 0 {
		out = append(out, report.P(report.L("Liquidations over the week against the week before (CoinGlass), per contract — that contract on Binance only:")))
		out = append(out, report.ChangeTable(b.Liquidations)...)
	} else if b.LiquidationsUnavailable != "" {
		out = append(out, report.P(report.L("Liquidations: "), report.I("unavailable"), report.L(" — "), report.T(b.LiquidationsUnavailable), report.L(".")))
	}
	return append(out, report.Notes(b.Notes)...)
}

func (b *Block) Moves() []report.Move {
	var out []report.Move
	for _, c := range b.Majors {
		if c.Unit == "USD" {
			out = append(out, report.Move{What: "open interest", Change: c})
		}
	}
	for _, c := range b.OpenInterest {
		out = append(out, report.Move{What: "open interest", Change: c})
	}
	return out
}

// majors fills Majors from the live Binance series and returns the contracts shown with both
// ends.
func (s *Block) majors(env *report.Env) (map[string]bool, error) {
	ps, err := env.Reader.Pairs(env.Ctx, cw.PairQuery{Prefix: "contract:", Metrics: []cw.Metric{cw.MetricOpenInterestUSD, binance.MetricOpenInterestCoins},
		Sources: []cw.SourceID{binance.SourceOpenInterest}, D0: env.Start, D1: env.End})
	if err != nil {
		return nil, fmt.Errorf("open interest: %w", err)
	}
	if len(ps) == 0 {
		s.MajorsUnavailable = "the store has no live Binance open interest for this week. Binance serves only the last 30 days of daily open interest " +
			"(futures/data/openInterestHist), so `cryptoweekly ingest` fills a week only while its end is within those 30 days"
		return nil, nil
	}
	byEnt := map[string]map[cw.Metric]cw.Pair{}
	var ids []string
	for _, p := range ps {
		if byEnt[p.Entity] == nil {
			byEnt[p.Entity] = map[cw.Metric]cw.Pair{}
			ids = append(ids, p.Entity)
		}
		byEnt[p.Entity][p.Metric] = p
	}
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("open interest: %w", err)
	}
	// Largest open interest at the week's end first; a contract without an end value last.
	end := func(id string) float64 {
		if v := byEnt[id][cw.MetricOpenInterestUSD].V1; v != nil {
			return *v
		}
		return -1
	}
	sort.SliceStable(ids, func(i, j int) bool {
		if a, b := end(ids[i]), end(ids[j]); a != b {
			return a > b
		}
		return ids[i] < ids[j]
	})
	shown := map[string]bool{}
	for _, id := range ids {
		e := info[id]
		coin := strings.ToUpper(strings.TrimPrefix(e.Parent, "asset:"))
		name := strings.TrimSuffix(e.Symbol, "_PERP.A") + " perp (Binance USDⓈ-M)"
		what := fmt.Sprintf("the %s perpetual on Binance USDⓈ-M, USDT-margined, only: not Binance's coin-margined or dated %s contracts, not other exchanges",
			strings.TrimSuffix(e.Symbol, "_PERP.A"), coin)
		full := true
		for _, m := range []struct {
			metric cw.Metric
			unit   string
		}{{cw.MetricOpenInterestUSD, "USD"}, {binance.MetricOpenInterestCoins, coin}} {
			p, ok := byEnt[id][m.metric]
			if !ok {
				p = cw.Pair{Entity: id, Metric: m.metric, Source: binance.SourceOpenInterest}
			}
			c := env.Change(name+", "+m.unit, m.unit, p, env.Start, env.End)
			full = full && c.Available()
			if m.unit == "USD" {
				c.Note = what
			} else {
				c.Note = "the same contract in " + coin + latestReading(e, coin, env.End)
			}
			s.Majors = append(s.Majors, c)
		}
		shown[id] = full
	}
	return shown, nil
}

// liquidations sums each contract's daily long and short liquidations over the week and the week
// before; a contract needs all 14 days of a side, or that side is shown unavailable with the count.
func (s *Block) liquidations(env *report.Env) error {
	prev := env.Start.AddDate(0, 0, -7)
	type sums struct {
		v0, v1 float64
		n0, n1 int
	}
	by := map[string]map[cw.Metric]*sums{}
	var ids []string
	sides := []struct {
		m    cw.Metric
		what string
	}{{coinglass.MetricLiquidationsLongUSD, "longs"}, {coinglass.MetricLiquidationsShortUSD, "shorts"}}
	for _, side := range sides {
		obs, err := env.Reader.Observations(env.Ctx, "contract:", side.m, prev, env.End)
		if err != nil {
			return fmt.Errorf("liquidations: %w", err)
		}
		for _, o := range obs {
			if o.Source != coinglass.SourceLiquidations {
				continue
			}
			if by[o.Entity] == nil {
				by[o.Entity] = map[cw.Metric]*sums{}
				ids = append(ids, o.Entity)
			}
			x := by[o.Entity][side.m]
			if x == nil {
				x = &sums{}
				by[o.Entity][side.m] = x
			}
			if o.Day.After(env.Start) {
				x.v1 += o.Value
				x.n1++
			} else {
				x.v0 += o.Value
				x.n0++
			}
		}
	}
	if len(ids) == 0 {
		s.LiquidationsUnavailable = noLiquidations
		return nil
	}
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return fmt.Errorf("liquidations: %w", err)
	}
	sort.Strings(ids)
	def := string(cw.DefinitionOf(coinglass.MetricLiquidationsLongUSD, coinglass.SourceLiquidations))
	from := cw.DayString(prev.AddDate(0, 0, 1)) + ".." + cw.DayString(env.Start)
	to := cw.DayString(env.Start.AddDate(0, 0, 1)) + ".." + cw.DayString(env.End)
	for _, id := range ids {
		perp := strings.TrimSuffix(info[id].Symbol, "_PERP.A") + " perp (Binance USDⓈ-M)"
		for _, side := range sides {
			label := perp + ", " + side.what + " liquidated (7 days)"
			x := by[id][side.m]
			if x == nil || x.n0 != 7 || x.n1 != 7 {
				n := 0
				if x != nil {
					n = x.n0 + x.n1
				}
				s.Liquidations = append(s.Liquidations, report.Missing(label, "USD", fmt.Sprintf("%d of 14 daily values stored", n)))
				continue
			}
			env.Cite(string(coinglass.SourceLiquidations))
			env.Define(def)
			c := report.Change{Label: label, Entity: id, Unit: "USD", Source: string(coinglass.SourceLiquidations), Definition: def,
				From: from, To: to, Start: report.F64(x.v0), End: report.F64(x.v1), Abs: report.F64(x.v1 - x.v0)}
			if side.m == coinglass.MetricLiquidationsLongUSD {
				c.Note = "sums of the 7 daily totals CoinGlass reports for this one contract on Binance (shorts likewise)"
			}
			if x.v0 != 0 {
				c.Pct = report.F64((x.v1/x.v0 - 1) * 100)
			}
			s.Liquidations = append(s.Liquidations, c)
		}
	}
	return nil
}

// latestReading quotes the current open interest the last ingest kept on the contract when it
// was read in the week after the report's end: the news since the close, clearly dated.
func latestReading(e cw.Entity, coin string, end time.Time) string {
	t, err := time.Parse(time.RFC3339, e.Attrs[binance.AttrOINowTime])
	if err != nil || !t.After(end.AddDate(0, 0, 1)) || t.After(end.AddDate(0, 0, 8)) {
		return ""
	}
	v, err := strconv.ParseFloat(e.Attrs[binance.AttrOINow], 64)
	if err != nil || cw.CheckValue(binance.MetricOpenInterestCoins, v) != nil {
		return ""
	}
	return fmt.Sprintf("; latest reading at ingest, %s UTC: %s %s", t.UTC().Format("2006-01-02 15:04"), report.Value(&v, coin), coin)
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
