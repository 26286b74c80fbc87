// Package etf is the report's spot ETF section: each asset's US spot ETF net flow over the
// week's trading days against the week before, its streak of inflow or outflow days, the
// cumulative flow, and the funds that took in or gave back most.
//
// Several sources store the same series (cw.MetricETFFlow on index:spot-etf-<asset> and
// fund:<ticker>, each under its own SourceID): Farside's bundled tables, SoSoValue's API,
// DefiLlama's Pro API and DefiLlama's bundled export. They are ranked in that order and spliced
// day by day: each day takes the value of the best-ranked source that has it. The splice is
// safe because they agree where they overlap (DefiLlama's export equals Farside's totals on every
// shared day) and the block says so, with the measured agreement, and names the source of every
// day of the week. Per-fund figures come from one source per week (never a sum across sources).
// A trading day no source has is missing, named, and left out of the sums, never taken as zero.
package etf

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/defillama"
	"cryptoweekly/provider/farside"
	"cryptoweekly/provider/sosovalue"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the ETF block.
type Section struct{}

// Asset is one asset's spot ETF flows.
type Asset struct {
	Asset string        `json:"asset"`
	Week  report.Change `json:"week"` // the week's net flow against the week before's
	// Days is the number of trading days with a published total in the week; TradingDays the
	// US trading days of the week (from the first stored day, for a week the funds launched in).
	Days        int      `json:"days"`
	TradingDays int      `json:"trading_days"`
	Missing     []string `json:"missing,omitempty"` // trading days of the week no source has
	// DaySources says which source gave which of the week's days.
	DaySources []DaySpan `json:"day_sources"`
	// Streak counts the trading days in a row, to StreakTo (the week's last day with a value), of
	// inflow (> 0) or outflow (< 0); a trading day without a value ends it.
	Streak   int    `json:"streak"`
	StreakTo string `json:"streak_to,omitempty"`
	// Cumulative is the net flow from CumulativeFrom ("launch" when a source reports it) to
	// CumulativeTo, from CumulativeSource; CumulativeNote says what it lacks, if anything.
	Cumulative       float64 `json:"cumulative"`
	CumulativeFrom   string  `json:"cumulative_from"`
	CumulativeTo     string  `json:"cumulative_to"`
	CumulativeSource string  `json:"cumulative_source"` // one source, or the spliced ones, ", "-joined
	// CumulativeDefinition is how the figure is made: a source's own cumulative, or our sum.
	CumulativeDefinition string `json:"cumulative_definition"`
	CumulativeNote       string `json:"cumulative_note,omitempty"`
	// Funds is each fund's net flow over the week, largest in first, from FundSource, which
	// published fund flows on FundDays of the week's days.
	Funds      []report.Bar   `json:"funds"`
	FundSource string         `json:"fund_source,omitempty"`
	FundDays   int            `json:"fund_days,omitempty"`
	AUM        []FundAUM      `json:"aum,omitempty"` // funds' net assets on the week's latest day a source dated them
	Daily      []report.Point `json:"daily"`         // the week's daily totals
}

// DaySpan is the days of the week one source gave.
type DaySpan struct {
	Source string   `json:"source"`
	Name   string   `json:"name"`
	Days   []string `json:"days"`
}

// FundAUM is a fund's net assets on a day.
type FundAUM struct {
	Fund   string  `json:"fund"`
	Link   string  `json:"link"`
	Value  float64 `json:"value"`
	Day    string  `json:"day"`
	Source string  `json:"source"`
}

// Gap is an asset the week has no flow for, and why.
type Gap struct {
	Asset  string `json:"asset"`
	Reason string `json:"reason"`
}

// Block is the week's spot ETF flows.
type Block struct {
	report.Base
	Assets []Asset `json:"assets"`
	Gaps   []Gap   `json:"unavailable_assets,omitempty"`
}

var assets = []string{"btc", "eth", "sol"}

// series is one source's stored flows, with the name the notes give it.
type series struct {
	id   cw.SourceID
	name string
	def  cw.DefinitionID
}

// totalSeries are the sources of an asset's daily total, best first.
// defSplicedSum is the since-launch flow this section adds up itself.
const defSplicedSum cw.DefinitionID = "etf.cumulative.spliced-sum"

func init() {
	cw.RegisterDefinition(cw.Definition{ID: defSplicedSum,
		Text: "Cumulative net flow of an asset's US spot ETFs: our sum of the daily totals since the first published day, each day from the first source in order of preference that has it (the sources are named beside the figure); trading days no source has are left out and counted in a note."})
}

var totalSeries = []series{
	{farside.SourceFlows, "Farside's table", farside.DefFlow},
	{sosovalue.SourceSummary, "SoSoValue", sosovalue.DefFlow},
	{defillama.SourceETFFlows, "DefiLlama Pro", defillama.DefETFFlow},
	{defillama.SourceETFHistory, "DefiLlama's bundled export", defillama.DefETFFlow},
}

// fundSeries are the sources of per-fund flows, best first.
var fundSeries = []series{
	{farside.SourceFlows, "Farside's table", farside.DefFlow},
	{sosovalue.SourceFunds, "SoSoValue", sosovalue.DefFlow},
	{defillama.SourceETFSnapshot, "DefiLlama Pro's snapshot", defillama.DefETFFundFlow},
}

// agreeUSD is the largest difference two sources' totals of one day may have and still count as
// equal: Farside prints US$0.1M, so half of that is rounding.
const agreeUSD = 5e4

func (Section) Name() string           { return "etf" }
func (Section) NewBlock() report.Block { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID {
	var out []cw.SourceID
	for _, s := range append(append([]series{}, totalSeries...), fundSeries...) {
		if !section.Contains(out, s.id) {
			out = append(out, s.id)
		}
	}
	return out
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	fundObs, err := env.Reader.Observations(env.Ctx, string(cw.KindFund)+":", cw.MetricETFFlow, env.Start, env.End)
	if err != nil {
		return nil, fmt.Errorf("fund flows: %w", err)
	}
	aumObs, err := env.Reader.Observations(env.Ctx, string(cw.KindFund)+":", cw.MetricETFAUM, env.Start, env.End)
	if err != nil {
		return nil, fmt.Errorf("fund net assets: %w", err)
	}
	ids := map[string]bool{}
	for _, o := range append(append([]cw.Observation{}, fundObs...), aumObs...) {
		ids[o.Entity] = true
	}
	info, err := env.Reader.Entities(env.Ctx, section.SortedKeys(ids))
	if err != nil {
		return nil, err
	}
	for _, a := range assets {
		x, gap, note, err := asset(env, a)
		if err != nil {
			return nil, err
		}
		if note != "" {
			s.Notes = append(s.Notes, note)
		}
		if gap != "" {
			s.Gaps = append(s.Gaps, Gap{Asset: strings.ToUpper(a), Reason: gap})
			continue
		}
		perFund(env, x, a, fundObs, aumObs, info)
		s.Assets = append(s.Assets, *x)
	}
	if len(s.Assets) == 0 {
		s.Unavailable = "no spot ETF flow published for this week in any stored source (bundled: Farside's tables 2024-01-11..2026-04-10, DefiLlama's export to 2026-04-14); SoSoValue's API (a free key, the latest month) or DefiLlama Pro (a paid key) fill later weeks"
		return s, nil
	}
	s.Notes = append([]string{"Where sources overlap, each day takes the value of the first that has it: Farside's tables, SoSoValue, DefiLlama Pro, DefiLlama's bundled export. " +
		"A US trading day no source has is named and left out of the sums, never taken as zero."}, s.Notes...)
	return s, nil
}

// day is one day's spliced value and the index (in totalSeries) of the source it came from.
type day struct {
	d   time.Time
	v   float64
	src int
}

// asset splices the stored totals of asset a and computes its figures. It returns a gap reason
// instead when the week has no value, and the note on its sources either way.
func asset(env *report.Env, a string) (*Asset, string, string, error) {
	total := cw.ETFTotalEntity(a)
	up := strings.ToUpper(a)
	// All history to the week's end: the cumulative flow and the agreement between sources
	// need it, and it is a few hundred rows per source. Nothing after the week's end is read, so
	// a past week's block does not change when later data arrives.
	per := make([][]cw.Point, len(totalSeries))
	for i, s := range totalSeries {
		pts, err := env.Reader.Daily(env.Ctx, total, cw.MetricETFFlow, s.id, cw.FirstDay, env.End)
		if err != nil {
			return nil, "", "", fmt.Errorf("%s flows (%s): %w", a, s.id, err)
		}
		per[i] = pts
	}
	byDay := map[time.Time]day{}
	for i := len(per) - 1; i >= 0; i-- { // better sources overwrite
		for _, p := range per[i] {
			byDay[p.Day] = day{p.Day, p.Value, i}
		}
	}
	if len(byDay) == 0 {
		// Say when the stored flows begin: a week before the funds listed reads differently
		// from a store without them.
		var next time.Time
		for _, s := range totalSeries {
			pts, err := env.Reader.Daily(env.Ctx, total, cw.MetricETFFlow, s.id, env.End, cw.LastDay())
			if err != nil {
				return nil, "", "", fmt.Errorf("%s flows (%s): %w", a, s.id, err)
			}
			if len(pts) > 0 && (next.IsZero() || pts[0].Day.Before(next)) {
				next = pts[0].Day
			}
		}
		if next.IsZero() {
			return nil, "no " + up + " spot ETF flows stored; SoSoValue's API (a free key, the latest month) or DefiLlama Pro (a paid key) fetch them", "", nil
		}
		return nil, fmt.Sprintf("no %s spot ETF flow stored before %s, the first day any source has; DefiLlama Pro's /etfs/flows (a paid key) answers the whole history", up, cw.DayString(next)), "", nil
	}
	spliced := make([]day, 0, len(byDay))
	for _, d := range byDay {
		spliced = append(spliced, d)
	}
	sort.Slice(spliced, func(i, j int) bool { return spliced[i].d.Before(spliced[j].d) })
	first := spliced[0].d
	note := sourcesNote(up, per, env.End)

	x := &Asset{Asset: up}
	weekDays := onOrAfter(tradingDays(env.Start, env.End), first)
	prevStart := env.Start.AddDate(0, 0, -7)
	prevDays := onOrAfter(tradingDays(prevStart, env.Start), first)
	x.TradingDays = len(weekDays)
	var cur, prev float64
	var nPrev int
	spans := map[int][]time.Time{}
	for _, d := range spliced {
		switch {
		case d.d.After(env.Start):
			cur += d.v
			x.Days++
			x.Daily = append(x.Daily, report.Point{Day: cw.DayString(d.d), Value: d.v})
			spans[d.src] = append(spans[d.src], d.d)
		case d.d.After(prevStart):
			prev += d.v
			nPrev++
		}
	}
	if x.Days == 0 {
		return nil, weekGap(up, per, env), note, nil
	}
	for _, d := range weekDays {
		if _, ok := byDay[d]; !ok {
			x.Missing = append(x.Missing, cw.DayString(d))
		}
	}
	main := -1
	for i := range totalSeries {
		if len(spans[i]) == 0 {
			continue
		}
		if main < 0 || len(spans[i]) > len(spans[main]) {
			main = i
		}
		x.DaySources = append(x.DaySources, DaySpan{Source: string(totalSeries[i].id), Name: totalSeries[i].name, Days: dayStrings(spans[i])})
		env.Cite(string(totalSeries[i].id))
		env.Define(string(totalSeries[i].def))
	}

	// The streak runs back over trading days from the week's last day with a value.
	last := spliced[len(spliced)-1]
	x.StreakTo = cw.DayString(last.d)
	for d := last.d; !d.Before(first); d = d.AddDate(0, 0, -1) {
		if !tradingDay(d) {
			continue
		}
		v, ok := byDay[d]
		if !ok || v.v == 0 || (x.Streak > 0 && v.v < 0) || (x.Streak < 0 && v.v > 0) {
			break
		}
		if v.v > 0 {
			x.Streak++
		} else {
			x.Streak--
		}
	}

	if err := cumulative(env, x, a, spliced, byDay, first, last); err != nil {
		return nil, "", "", err
	}

	ms := totalSeries[main]
	x.Week = report.Change{Label: up + " spot ETF net flow", Entity: total, Unit: "USD", Definition: string(ms.def), Source: string(ms.id),
		From: cw.DayString(prevStart.AddDate(0, 0, 1)) + ".." + cw.DayString(env.Start), To: cw.DayString(env.Start.AddDate(0, 0, 1)) + ".." + cw.DayString(env.End),
		End: report.F64(cur), Note: coverage(x.Days, len(weekDays), "this week", x.DaySources, x.Missing)}
	if nPrev > 0 {
		x.Week.Start = report.F64(prev)
		x.Week.Abs = report.F64(cur - prev)
		x.Week.Note += fmt.Sprintf("; %d of %d the week before", nPrev, len(prevDays))
	} else {
		x.Week.Note += "; none published the week before"
	}
	return x, "", note, nil
}

// cumulative fills the since-launch figure: a source's own cumulative on the last day when the
// day came from a source that reports one (SoSoValue), else the sum of the spliced days since the
// first, saying how many trading days no source has.
func cumulative(env *report.Env, x *Asset, a string, spliced []day, byDay map[time.Time]day, first time.Time, last day) error {
	x.CumulativeTo = cw.DayString(last.d)
	if totalSeries[last.src].id == sosovalue.SourceSummary {
		pts, err := env.Reader.Daily(env.Ctx, cw.ETFTotalEntity(a), cw.MetricETFCumFlow, sosovalue.SourceSummary, last.d.AddDate(0, 0, -1), last.d)
		if err != nil {
			return fmt.Errorf("%s cumulative flow: %w", a, err)
		}
		if len(pts) == 1 {
			x.Cumulative, x.CumulativeFrom, x.CumulativeSource = pts[0].Value, "launch", string(sosovalue.SourceSummary)
			x.CumulativeDefinition = string(sosovalue.DefCumFlow)
			env.Cite(x.CumulativeSource)
			env.Define(x.CumulativeDefinition)
			return nil
		}
	}
	// Our sum of the spliced days: it names every source a summed day came from, not only the
	// week's.
	used := make([]bool, len(totalSeries))
	for _, d := range spliced {
		x.Cumulative += d.v
		used[d.src] = true
	}
	var srcs []string
	for i, u := range used {
		if u {
			srcs = append(srcs, string(totalSeries[i].id))
		}
	}
	x.CumulativeFrom = cw.DayString(first)
	x.CumulativeSource = strings.Join(srcs, ", ")
	x.CumulativeDefinition = string(defSplicedSum)
	env.Define(x.CumulativeDefinition)
	var gaps []time.Time
	for _, d := range tradingDays(first.AddDate(0, 0, -1), last.d) {
		if _, ok := byDay[d]; !ok {
			gaps = append(gaps, d)
		}
	}
	if len(gaps) > 0 {
		x.CumulativeNote = fmt.Sprintf("the sum of the published days since %s: %d US trading days since have no value in any source (%s), so it lacks their flows",
			x.CumulativeFrom, len(gaps), clip(spanText(gaps), 120))
	}
	return nil
}

// perFund fills the week's flow of each fund of asset a from the best-ranked fund source that
// has the week, and the funds' latest net assets in the week.
func perFund(env *report.Env, x *Asset, a string, obs, aum []cw.Observation, info map[string]cw.Entity) {
	parent := cw.EntityID(cw.KindAsset, a)
	for _, s := range fundSeries {
		sum := map[string]float64{}
		days := map[time.Time]bool{}
		for _, o := range obs {
			if o.Source == s.id && info[o.Entity].Parent == parent {
				sum[o.Entity] += o.Value
				days[o.Day] = true
			}
		}
		if len(sum) == 0 {
			continue
		}
		for id, v := range sum {
			x.Funds = append(x.Funds, report.Bar{Label: label(info[id], id), Value: v, Link: id})
		}
		x.FundSource, x.FundDays = string(s.id), len(days)
		env.Cite(string(s.id))
		env.Define(string(s.def))
		break
	}
	sort.Slice(x.Funds, func(i, j int) bool {
		if x.Funds[i].Value != x.Funds[j].Value {
			return x.Funds[i].Value > x.Funds[j].Value
		}
		return x.Funds[i].Label < x.Funds[j].Label
	})
	latest := map[string]cw.Observation{}
	for _, o := range aum {
		if info[o.Entity].Parent != parent {
			continue
		}
		if l, ok := latest[o.Entity]; !ok || o.Day.After(l.Day) || (o.Day.Equal(l.Day) && o.Source < l.Source) {
			latest[o.Entity] = o
		}
	}
	for _, id := range section.SortedKeys(latest) {
		o := latest[id]
		x.AUM = append(x.AUM, FundAUM{Fund: label(info[id], id), Link: id, Value: o.Value, Day: cw.DayString(o.Day), Source: string(o.Source)})
		env.Cite(string(o.Source))
		env.Define(string(cw.DefinitionOf(cw.MetricETFAUM, o.Source)))
	}
	sort.Slice(x.AUM, func(i, j int) bool { return x.AUM[i].Value > x.AUM[j].Value })
}

// sourcesNote says, for one asset, which sources hold its totals up to the week's end, how much
// of their span they cover, and how each agrees with the best-ranked one.
func sourcesNote(up string, per [][]cw.Point, end time.Time) string {
	prim := -1
	var parts []string
	for i, pts := range per {
		if len(pts) == 0 {
			continue
		}
		first, last := pts[0].Day, pts[len(pts)-1].Day
		span := fmt.Sprintf("%s %s..%s (%s)", totalSeries[i].name, cw.DayString(first), cw.DayString(last), share(len(pts), len(tradingDays(first.AddDate(0, 0, -1), last))))
		if prim < 0 {
			prim = i
			parts = append(parts, span)
			continue
		}
		base := map[time.Time]float64{}
		for _, p := range per[prim] {
			base[p.Day] = p.Value
		}
		shared, differ := 0, 0
		var worst float64
		var worstDay time.Time
		for _, p := range pts {
			v, ok := base[p.Day]
			if !ok {
				continue
			}
			shared++
			if d := math.Abs(v - p.Value); d > agreeUSD {
				differ++
			}
			if d := math.Abs(v - p.Value); d > worst {
				worst, worstDay = d, p.Day
			}
		}
		switch {
		case shared == 0:
			span += ", no day shared with " + totalSeries[prim].name
		case differ == 0:
			span += fmt.Sprintf(", equal to %s on all %d shared days (largest difference %s)", totalSeries[prim].name, shared, tiny(worst))
		default:
			span += fmt.Sprintf(", differs from %s on %d of %d shared days (largest %s on %s; %s's value is used)",
				totalSeries[prim].name, differ, shared, tiny(worst), cw.DayString(worstDay), totalSeries[prim].name)
		}
		parts = append(parts, span)
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("%s sources to %s: %s.", up, cw.DayString(end), strings.Join(parts, "; "))
}

// weekGap says why an asset with stored flows has none this week.
func weekGap(up string, per [][]cw.Point, env *report.Env) string {
	var have []string
	for i, pts := range per {
		if len(pts) > 0 {
			have = append(have, fmt.Sprintf("%s to %s", totalSeries[i].name, cw.DayString(pts[len(pts)-1].Day)))
		}
	}
	return fmt.Sprintf("no source has a %s flow for %s..%s (%s); SoSoValue's API (a free key, the latest month) or DefiLlama Pro (a paid key) fill recent weeks",
		up, cw.DayString(env.Start.AddDate(0, 0, 1)), cw.DayString(env.End), strings.Join(have, ", "))
}

// coverage is a week figure's note: the days it sums, from which sources, and which are missing.
func coverage(n, of int, when string, spans []DaySpan, missing []string) string {
	s := fmt.Sprintf("%d of %d US trading days %s", n, of, when)
	if len(spans) == 1 {
		s += " (" + spans[0].Name + ")"
	} else {
		var parts []string
		for _, sp := range spans {
			parts = append(parts, sp.Name+" "+spanText(parseDays(sp.Days)))
		}
		s += ": " + strings.Join(parts, ", ")
	}
	if len(missing) > 0 {
		s += fmt.Sprintf("; no source has %s, so the sum leaves it out", spanText(parseDays(missing)))
	}
	return s
}

// tiny prints a difference between two sources, where float rounding (1e-8 dollars) is "under
// one cent" rather than a string of zeros.
func tiny(v float64) string {
	if v < 0.01 {
		return "under one cent"
	}
	return report.USD(v)
}

// share is "every US trading day" or "n of m US trading days".
func share(n, of int) string {
	if n >= of {
		return "every US trading day"
	}
	return fmt.Sprintf("%d of %d US trading days", n, of)
}

// spanText writes days as runs of consecutive trading days ("2026-03-24..2026-03-27, 2026-03-31").
func spanText(days []time.Time) string {
	var parts []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && nextTradingDay(days[j]).Equal(days[j+1]) {
			j++
		}
		if j == i {
			parts = append(parts, cw.DayString(days[i]))
		} else {
			parts = append(parts, cw.DayString(days[i])+".."+cw.DayString(days[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func nextTradingDay(d time.Time) time.Time {
	for d = d.AddDate(0, 0, 1); !tradingDay(d); d = d.AddDate(0, 0, 1) {
	}
	return d
}

func onOrAfter(ds []time.Time, first time.Time) []time.Time {
	var out []time.Time
	for _, d := range ds {
		if !d.Before(first) {
			out = append(out, d)
		}
	}
	return out
}

func dayStrings(ds []time.Time) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = cw.DayString(d)
	}
	return out
}

func parseDays(ss []string) []time.Time {
	var out []time.Time
	for _, s := range ss {
		if d, err := cw.ParseDay(s); err == nil {
			out = append(out, d)
		}
	}
	return out
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := strings.LastIndex(s[:n], ", ")
	if i < 0 {
		i = n
	}
	return s[:i] + ", …"
}

func label(e cw.Entity, id string) string {
	if e.Symbol != "" {
		return e.Symbol
	}
	return strings.ToUpper(strings.TrimPrefix(id, string(cw.KindFund)+":"))
}

func (b *Block) Title() string { return "Spot ETF flows" }

func (b *Block) Cites() []string {
	var out []string
	add := func(s string) {
		if s == "" {
			return
		}
		for _, x := range out {
			if x == s {
				return
			}
		}
		out = append(out, s)
	}
	for _, a := range b.Assets {
		add(a.Week.Source)
		for _, d := range a.DaySources {
			add(d.Source)
		}
		for _, c := range strings.Split(a.CumulativeSource, ", ") {
			add(c)
		}
		add(a.FundSource)
		for _, f := range a.AUM {
			add(f.Source)
		}
	}
	return out
}

func (b *Block) Layout() []report.Element {
	var weeks []report.Change
	for _, a := range b.Assets {
		weeks = append(weeks, a.Week)
	}
	var out []report.Element
	if len(weeks) > 0 {
		out = report.ChangeTable(weeks)
		t := report.Tab("asset", "streak", "cumulative:", "since", "largest inflow", "largest outflow")
		for _, a := range b.Assets {
			streak := "no flow on " + a.StreakTo
			switch {
			case a.Streak > 0:
				streak = fmt.Sprintf("%d day(s) of inflow to %s", a.Streak, a.StreakTo)
			case a.Streak < 0:
				streak = fmt.Sprintf("%d day(s) of outflow to %s", -a.Streak, a.StreakTo)
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
			since := a.CumulativeFrom + " to " + a.CumulativeTo + " (sum of " + a.CumulativeSource + ")"
			if a.CumulativeFrom == "launch" {
				since = "launch to " + a.CumulativeTo + " (SoSoValue)"
			}
			t.Row(report.L(a.Asset), report.L(streak), report.L(report.USD(a.Cumulative)), report.L(since), in, outf)
		}
		out = append(out, t)
		ft := report.Tab("asset", "per fund this week (source, days)")
		any := false
		for _, a := range b.Assets {
			if len(a.Funds) == 0 {
				continue
			}
			any = true
			cell := report.Inline{}
			for i, f := range a.Funds {
				if i > 0 {
					cell = append(cell, report.L(" · "))
				}
				cell = append(cell, report.TL(f.Label, f.Link), report.L(" "+report.SignedUSD(f.Value)))
			}
			cell = append(cell, report.L(" ("), report.C(a.FundSource), report.L(fmt.Sprintf(", %d of %d days)", a.FundDays, a.TradingDays)))
			ft.Row(report.L(a.Asset), cell)
		}
		if any {
			out = append(out, ft)
		}
		var aumNotes []string
		for _, a := range b.Assets {
			if len(a.AUM) == 0 {
				continue
			}
			var parts []string
			for _, f := range a.AUM {
				parts = append(parts, fmt.Sprintf("%s %s (%s)", f.Fund, report.USD(f.Value), f.Day))
			}
			aumNotes = append(aumNotes, fmt.Sprintf("%s net assets (%s): %s.", a.Asset, a.AUM[0].Source, strings.Join(parts, ", ")))
		}
		out = append(out, report.Notes(aumNotes)...)
		var cum []string
		for _, a := range b.Assets {
			if a.CumulativeNote != "" {
				cum = append(cum, a.Asset+" cumulative: "+a.CumulativeNote+".")
			}
		}
		out = append(out, report.Notes(cum)...)
	}
	for _, g := range b.Gaps {
		out = append(out, report.P(report.B(g.Asset), report.T(": unavailable — "+g.Reason+".")))
	}
	for _, a := range b.Assets {
		if len(a.Funds) == 0 {
			continue
		}
		var alt []string
		for _, f := range a.Funds {
			alt = append(alt, f.Label+" "+report.SignedUSD(f.Value))
		}
		out = append(out, report.Figure(report.Chart{Kind: report.BarChart, Title: a.Asset + " spot ETF net flow per fund this week", Unit: "USD",
			Bars: a.Funds, Source: a.FundSource, Alt: "Bar chart of the week's net flow per fund: " + strings.Join(alt, "; ") + "."}))
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
