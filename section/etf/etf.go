// Package etf is the report's spot ETF section: each asset's US spot ETF net flow over the
// week's trading days against the week before, its streak of inflow or outflow days, the
// cumulative flow since launch, and the funds that took in or gave back most.
package etf

import (
	"fmt"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/farside"
	"cryptoweekly/report"
)

// Section computes the ETF block.
type Section struct{}

// Asset is one asset's spot ETF flows.
type Asset struct {
	Asset string        `json:"asset"`
	Week  report.Change `json:"week"` // the week's net flow against the week before's
	// Days is the number of trading days with a published total in the week.
	Days int `json:"days"`
	// Streak counts the trading days in a row, to the week's last, of inflow (> 0) or outflow (< 0).
	Streak     int            `json:"streak"`
	Cumulative float64        `json:"cumulative"` // since the first published day, to the week's end
	Funds      []report.Bar   `json:"funds"`      // each fund's net flow over the week, largest in first
	Daily      []report.Point `json:"daily"`      // the week's daily totals
}

// Block is the week's spot ETF flows.
type Block struct {
	report.Base
	Assets []Asset `json:"assets"`
}

var assets = []string{"btc", "eth", "sol"}

func (Section) Name() string           { return "etf" }
func (Section) NewBlock() report.Block { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID {
	return []cw.SourceID{farside.SourceFlows}
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	for _, a := range assets {
		x, err := asset(env, a)
		if err != nil {
			return nil, err
		}
		if x != nil {
			s.Assets = append(s.Assets, *x)
		}
	}
	if len(s.Assets) == 0 {
		s.Unavailable = "no spot ETF flow published for this week (the bundled Farside tables run from 2024-01-11 to 2026-04-10); SoSoValue's API (with a key) carries the latest month"
	}
	return s, nil
}

func asset(env *report.Env, a string) (*Asset, error) {
	total := farside.TotalEntity(a)
	// All history to the week's end: the cumulative flow needs it, and it is a few hundred rows.
	all, err := env.Reader.Daily(env.Ctx, total, farside.MetricFlow, farside.SourceFlows, time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC), env.End)
	if err != nil {
		return nil, fmt.Errorf("%s flows: %w", a, err)
	}
	x := &Asset{Asset: strings.ToUpper(a)}
	var cur, prev float64
	var nPrev int
	for _, p := range all {
		x.Cumulative += p.Value
		switch {
		case p.Day.After(env.Start):
			cur += p.Value
			x.Days++
			x.Daily = append(x.Daily, report.Point{Day: cw.DayString(p.Day), Value: p.Value})
		case p.Day.After(env.Start.AddDate(0, 0, -7)):
			prev += p.Value
			nPrev++
		}
	}
	if x.Days == 0 {
		return nil, nil
	}
	for i := len(all) - 1; i >= 0; i-- {
		v := all[i].Value
		if v == 0 || (x.Streak > 0 && v < 0) || (x.Streak < 0 && v > 0) {
			break
		}
		if v > 0 {
			x.Streak++
		} else {
			x.Streak--
		}
	}
	def := string(farside.DefFlow)
	env.Cite(string(farside.SourceFlows))
	env.Define(def)
	x.Week = report.Change{Label: x.Asset + " spot ETF net flow", Entity: total, Unit: "USD", Definition: def, Source: string(farside.SourceFlows),
		From: cw.DayString(env.Start.AddDate(0, 0, -6)) + ".." + cw.DayString(env.Start), To: cw.DayString(env.Start.AddDate(0, 0, 1)) + ".." + cw.DayString(env.End),
		End: report.F64(cur), Note: fmt.Sprintf("%d trading days this week", x.Days)}
	if nPrev > 0 {
		x.Week.Start = report.F64(prev)
		x.Week.Abs = report.F64(cur - prev)
		x.Week.Note += fmt.Sprintf(", %d the week before", nPrev)
	} else {
		x.Week.Note += "; none published the week before"
	}
	// Each fund's flow over the week.
	obs, err := env.Reader.Observations(env.Ctx, "fund:", farside.MetricFlow, env.Start, env.End)
	if err != nil {
		return nil, fmt.Errorf("%s fund flows: %w", a, err)
	}
	sum := map[string]float64{}
	for _, o := range obs {
		sum[o.Entity] += o.Value
	}
	ids := make([]string, 0, len(sum))
	for id := range sum {
		ids = append(ids, id)
	}
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if info[id].Parent != cw.EntityID(cw.KindAsset, a) {
			continue
		}
		x.Funds = append(x.Funds, report.Bar{Label: info[id].Symbol, Value: sum[id], Link: id})
	}
	sort.Slice(x.Funds, func(i, j int) bool {
		if x.Funds[i].Value != x.Funds[j].Value {
			return x.Funds[i].Value > x.Funds[j].Value
		}
		return x.Funds[i].Label < x.Funds[j].Label
	})
	return x, nil
}

func (b *Block) Title() string { return "Spot ETF flows" }

func (b *Block) Cites() []string {
	var out []string
	for _, a := range b.Assets {
		out = append(out, a.Week.Source)
	}
	return out
}

func (b *Block) Layout() []report.Element {
	var weeks []report.Change
	for _, a := range b.Assets {
		weeks = append(weeks, a.Week)
	}
	out := report.ChangeTable(weeks)
	t := report.Tab("asset", "streak", "cumulative since launch:", "largest inflow", "largest outflow")
	for _, a := range b.Assets {
		streak := "no flow on the last day"
		switch {
		case a.Streak > 0:
			streak = fmt.Sprintf("%d day(s) of inflow", a.Streak)
		case a.Streak < 0:
			streak = fmt.Sprintf("%d day(s) of outflow", -a.Streak)
		}
		in, outf := report.Inline{report.L("–")}, report.Inline{report.L("–")}
		if n := len(a.Funds); n > 0 {
			if f := a.Funds[0]; f.Value > 0 {
				in = report.Inline{report.TL(f.Label, f.Link), report.L(" " + report.SignedUSD(f.Value))}
			}
			if f := a.Funds[n-1]; f.Value < 0 {
				outf = report.Inline{report.TL(f.Label, f.Link), report.L(" " + report.SignedUSD(f.Value))}
			}
		}
		t.Row(report.L(a.Asset), report.L(streak), report.L(report.USD(a.Cumulative)), in, outf)
	}
	out = append(out, t)
	for _, a := range b.Assets {
		if len(a.Funds) == 0 {
			continue
		}
		var alt []string
		for _, f := range a.Funds {
			alt = append(alt, f.Label+" "+report.SignedUSD(f.Value))
		}
		out = append(out, report.Figure(report.Chart{Kind: report.BarChart, Title: a.Asset + " spot ETF net flow per fund this week", Unit: "USD",
			Bars: a.Funds, Source: string(farside.SourceFlows), Alt: "Bar chart of the week's net flow per fund: " + strings.Join(alt, "; ") + "."}))
	}
	return append(out, report.Notes(b.Notes)...)
}

func (b *Block) Overview() []report.Bullet {
	var parts []string
	for _, a := range b.Assets {
		if a.Week.End != nil {
			parts = append(parts, fmt.Sprintf("%s %s", a.Asset, report.SignedUSD(*a.Week.End)))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return []report.Bullet{{Text: "ETFs: US spot ETF net flows this week " + strings.Join(parts, ", ") + "."}}
}
