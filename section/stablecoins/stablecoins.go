// Package stablecoins is the report's stablecoin section: USDT and USDC supply at both ends of
// the week with the net flow (mint or burn), the total of all USD-pegged stablecoins, each
// coin's share of that total and its streak of growth weeks.
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
	// Shares are each coin's share of all USD-pegged stablecoins at the week's two ends.
	Shares []report.Change `json:"shares,omitempty"`
	// Streaks count the weeks in a row, up to this one, a supply grew (or shrank).
	Streaks []Streak `json:"streaks,omitempty"`
}

// Streak is a run of weeks of supply growth (Weeks > 0) or decline (Weeks < 0), ending this week.
type Streak struct {
	Label string `json:"label"`
	Weeks int    `json:"weeks"`
	// Source is the daily series the weeks are read from, each week compared at its end day,
	// going back from To.
	Source string `json:"source"`
	To     string `json:"to"`
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
	if s.Total.Available() {
		for _, c := range s.Coins {
			if !c.Available() || *s.Total.Start == 0 || *s.Total.End == 0 {
				continue
			}
			v0, v1 := *c.Start / *s.Total.Start * 100, *c.End / *s.Total.End * 100
			s.Shares = append(s.Shares, report.Change{Label: strings.TrimSuffix(c.Label, " supply") + " share of USD stablecoins", Entity: c.Entity,
				Unit: "%", Definition: string(defShare), Source: c.Source, From: c.From, To: c.To,
				Start: report.F64(v0), End: report.F64(v1), Abs: report.F64(v1 - v0),
				Note: "its supply over the total of all USD-pegged stablecoins (" + s.Total.Source + "); the change is in percentage points"})
			env.Define(string(defShare))
		}
	}
	for _, h := range s.History {
		if n := streak(h.Points, env.End); n != 0 {
			s.Streaks = append(s.Streaks, Streak{Label: h.Label, Weeks: n, Source: h.Source, To: cw.DayString(env.End)})
		}
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

const defShare cw.DefinitionID = "stablecoin.share.usd"

func init() {
	cw.RegisterDefinition(cw.Definition{ID: defShare,
		Text: "A stablecoin's supply as a share of all USD-pegged stablecoins' supply on the same day, in percent; changes in percentage points."})
}

// streak counts the weeks in a row, ending at end, over which the supply at each week's end
// rose (positive) or fell (negative), from daily points (YYYY-MM-DD ascending).
func streak(pts []report.Point, end time.Time) int {
	at := map[string]float64{}
	for _, p := range pts {
		at[p.Day] = p.Value
	}
	dir, n := 0, 0
	for d := end; ; d = d.AddDate(0, 0, -7) {
		v1, ok1 := at[cw.DayString(d)]
		v0, ok0 := at[cw.DayString(d.AddDate(0, 0, -7))]
		if !ok0 || !ok1 || v1 == v0 {
			break
		}
		step := 1
		if v1 < v0 {
			step = -1
		}
		if dir != 0 && step != dir {
			break
		}
		dir = step
		n++
	}
	return dir * n
}

func (b *Block) Title() string { return "Stablecoins" }

func (b *Block) figures() []report.Change {
	return append(append([]report.Change{}, b.Coins...), b.Total)
}

func (b *Block) Cites() []string {
	return report.ChangeSources(append(b.figures(), b.Shares...)...)
}

func (b *Block) Layout() []report.Element {
	out := report.ChangeTable(b.figures())
	out = append(out, report.P(report.L("Net flow is the change in circulating supply over the week.")))
	if len(b.Shares) > 0 {
		out = append(out, report.ChangeTable(b.Shares)...)
	}
	if len(b.Streaks) > 0 {
		var parts []string
		for _, s := range b.Streaks {
			if s.Weeks > 0 {
				parts = append(parts, fmt.Sprintf("%s supply has grown %d week(s) in a row to %s (%s)", s.Label, s.Weeks, s.To, s.Source))
			} else {
				parts = append(parts, fmt.Sprintf("%s supply has shrunk %d week(s) in a row to %s (%s)", s.Label, -s.Weeks, s.To, s.Source))
			}
		}
		out = append(out, report.P(report.L(strings.Join(parts, "; ")+".")))
	}
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
