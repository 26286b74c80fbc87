// Package macro is the report's US macro section: the last two prints of CPI, core CPI, PCE,
// core PCE, nonfarm payrolls and the unemployment rate released by the week's end, with their
// reference months, release dates and the figures desks quote (year-on-year and month-on-month
// inflation, the monthly payroll change), the Fed's target range with the day it last changed,
// and a table of daily and weekly rates, market and liquidity series (markets.go): each one's
// newest value public by the week's end against the newest public by its start, with both dates.
//
// Values are FRED's (provider/fred), dated on their reference month. Release dates come from the
// report's events calendar (events/calendar.csv, whose titles name the reference month, plus any
// iCalendar the user adds): a print counts as released by a day only if the calendar dates its
// release on or before it, or dates a later month's release on or before it. A print whose
// release is not in the calendar is never the last print; as the one before, it is shown with "release date not in the calendar", never a
// guessed date. The bundled values are the latest revised vintage, not the figure first printed.
package macro

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/fred"
	"cryptoweekly/report"
)

// Section computes the macro block.
type Section struct{}

// Kind is what a print measures, which fixes the figure derived from it.
type Kind string

const (
	Inflation Kind = "inflation" // a price index: year-on-year and month-on-month percent
	Payrolls  Kind = "payrolls"  // employees in thousands: the monthly change
	Rate      Kind = "rate"      // a rate in percent, quoted as is
)

// Spec is one indicator of the section.
type Spec struct {
	Label   string
	Series  fred.Series
	Kind    Kind
	Release string // the calendar kind of its release ("cpi", "pce", "payrolls")
}

// Specs are the indicators, in the order shown.
var Specs = []Spec{
	{"CPI", fred.CPI, Inflation, "cpi"},
	{"Core CPI", fred.CoreCPI, Inflation, "cpi"},
	{"PCE price index", fred.PCE, Inflation, "pce"},
	{"Core PCE price index", fred.CorePCE, Inflation, "pce"},
	{"Nonfarm payrolls", fred.Payrolls, Payrolls, "payrolls"},
	{"Unemployment rate", fred.Unemploy, Rate, "payrolls"},
}

// Definitions of the derived figures.
const (
	DefYoY      = "macro.yoy"
	DefMoM      = "macro.mom"
	DefPayrolls = "macro.payrolls-change"
	DefRange    = "macro.fed-target-range"
)

func init() {
	for _, d := range []cw.Definition{
		{ID: DefYoY, Text: "Year-on-year change of a price index: its level in the reference month over the level twelve months before, minus one, in percent, from FRED's latest revised values (which can differ slightly from the figure first printed)."},
		{ID: DefMoM, Text: "Month-on-month change of a price index: its level in the reference month over the month before's, minus one, in percent (seasonally adjusted, latest revised values)."},
		{ID: DefPayrolls, Text: "Monthly change in total nonfarm payrolls: the reference month's level less the month before's, in thousands (seasonally adjusted, latest revised values)."},
		{ID: DefRange, Text: "The Federal Reserve's federal funds target range (FRED DFEDTARL–DFEDTARU) in effect at the week's end, and the first day it was in effect."},
	} {
		cw.RegisterDefinition(d)
	}
}

// Print is one monthly print.
type Print struct {
	Month    string `json:"month"`              // reference month, YYYY-MM
	Released string `json:"released,omitempty"` // release day (US Eastern), "" when unknown
	// ReleaseNote says why the release day is unknown.
	ReleaseNote string   `json:"release_note,omitempty"`
	Value       float64  `json:"value"`              // the level as stored (index, thousands, percent)
	YoY         *float64 `json:"yoy_pct,omitempty"`  // inflation: year-on-year percent
	MoM         *float64 `json:"mom_pct,omitempty"`  // inflation: month-on-month percent
	ChangeK     *float64 `json:"change_k,omitempty"` // payrolls: monthly change, thousands
	Note        string   `json:"note,omitempty"`     // why a derived figure is missing
}

// Indicator is one series' last two prints.
type Indicator struct {
	Label       string   `json:"label"`
	Entity      string   `json:"entity"`
	Kind        Kind     `json:"kind"`
	Definitions []string `json:"definitions"`
	Source      string   `json:"source"`
	Last        *Print   `json:"last,omitempty"`
	Prior       *Print   `json:"prior,omitempty"`
	Unavailable string   `json:"unavailable,omitempty"`
}

// Fed is the target range in effect at the week's end.
type Fed struct {
	Lower      float64  `json:"lower"`
	Upper      float64  `json:"upper"`
	Since      string   `json:"since"` // first day the range was in effect
	PriorLower *float64 `json:"prior_lower,omitempty"`
	PriorUpper *float64 `json:"prior_upper,omitempty"`
	// Decision is the newest FOMC decision day in the calendar on or before the week's end.
	Decision   string `json:"decision,omitempty"`
	Definition string `json:"definition"`
	Source     string `json:"source"`
}

// Block is the week's macro prints.
type Block struct {
	report.Base
	AsOf       string      `json:"as_of"`
	Indicators []Indicator `json:"indicators"`
	Fed        *Fed        `json:"fed,omitempty"`
	Markets    []Market    `json:"markets,omitempty"`
}

func (Section) Name() string           { return "macro" }
func (Section) NewBlock() report.Block { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID {
	return []cw.SourceID{fred.SourceBundled, fred.SourcePCEPI, fred.SourceDFF, fred.SourceLive}
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	b := &Block{AsOf: cw.DayString(env.End)}
	any := false
	for _, sp := range Specs {
		ind, err := Latest(env, sp, env.End)
		if err != nil {
			return nil, err
		}
		if ind.Last != nil {
			any = true
			env.Cite(ind.Source)
			for _, d := range ind.Definitions {
				env.Define(d)
			}
		}
		b.Indicators = append(b.Indicators, *ind)
	}
	fed, err := TargetRange(env, env.End)
	if err != nil {
		return nil, err
	}
	if fed != nil {
		any = true
		b.Fed = fed
		env.Cite(fed.Source)
		env.Define(fed.Definition)
	}
	for _, sp := range Markets {
		m, err := MarketRow(env, sp, env.Start, env.End)
		if err != nil {
			return nil, err
		}
		if m.Last != nil {
			any = true
			env.Cite(m.Source)
			env.Define(m.Definition)
		}
		b.Markets = append(b.Markets, *m)
	}
	if !any {
		b.Unavailable = "no FRED macro series stored up to this week (the bundled series run from 2009 to mid-2026; `ingest` with a free FRED_API_KEY fetches the latest)"
	}
	b.Notes = append(b.Notes, "Values are FRED's latest revised figures, dated on their reference month; the number first printed on the release day can differ slightly. Release dates are from the events calendar (events/calendar.csv).",
		fmt.Sprintf("Rates, markets and liquidity: the newest value public by %s against the newest public by %s (a week before), each with the day FRED dates it: a market close on its trading day; the effective fed funds rate the next business day; the Fed's Wednesday balance sheet on Thursday; jobless claims, dated on the Saturday ending their week, the Thursday after. Publication days follow each release's usual schedule: holidays and delays (the autumn-2025 federal shutdown) are not modelled. A value older than %d days is not quoted.",
			cw.DayString(env.End), cw.DayString(env.Start), Stale))
	return b, nil
}

// sourcePref orders the sources of one series: the live API's vintage is the newest.
var sourcePref = []cw.SourceID{fred.SourceLive, fred.SourceBundled, fred.SourcePCEPI, fred.SourceDFF}

// series reads one series over (from, to], one value per day (the preferred source's), and the
// source used for the newest day.
func series(env *report.Env, x fred.Series, from, to time.Time) ([]cw.Point, map[time.Time]cw.SourceID, error) {
	key := fmt.Sprintf("macro:%s:%s:%s", x.Entity, cw.DayString(from), cw.DayString(to))
	type res struct {
		pts []cw.Point
		src map[time.Time]cw.SourceID
	}
	v, err := env.Memo(key, func() (any, error) {
		obs, err := env.Reader.Observations(env.Ctx, x.Entity, x.Metric, from, to)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", x.ID, err)
		}
		rank := func(s cw.SourceID) int {
			for i, p := range sourcePref {
				if p == s {
					return i
				}
			}
			return len(sourcePref)
		}
		best := map[time.Time]cw.Observation{}
		for _, o := range obs {
			if o.Entity != x.Entity {
				continue
			}
			if old, ok := best[o.Day]; !ok || rank(o.Source) < rank(old.Source) || (rank(o.Source) == rank(old.Source) && o.Source < old.Source) {
				best[o.Day] = o
			}
		}
		r := res{src: map[time.Time]cw.SourceID{}}
		for d, o := range best {
			r.pts = append(r.pts, cw.Point{Day: d, Value: o.Value})
			r.src[d] = o.Source
		}
		sort.Slice(r.pts, func(i, j int) bool { return r.pts[i].Day.Before(r.pts[j].Day) })
		return r, nil
	})
	if err != nil {
		return nil, nil, err
	}
	r := v.(res)
	return r.pts, r.src, nil
}

var monthNames = map[string]time.Month{"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}

var (
	parenRE = regexp.MustCompile(`\(([^()]*)\)\s*$`)
	monthRE = regexp.MustCompile(`\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b(?:\s+(\d{4}))?`)
)

// RefMonths reads the reference months a release title names in its closing parentheses: "US
// CPI (Nov 2024)" is November 2024, "(Oct and Nov 2025 combined)" October and November 2025. A
// month without a year takes the next named year.
func RefMonths(title string) []time.Time {
	m := parenRE.FindStringSubmatch(title)
	if m == nil {
		return nil
	}
	ms := monthRE.FindAllStringSubmatch(m[1], -1)
	out := make([]time.Time, len(ms))
	year := ""
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i][2] != "" {
			year = ms[i][2]
		}
		if year == "" {
			return nil
		}
		var y int
		fmt.Sscanf(year, "%d", &y)
		out[i] = time.Date(y, monthNames[ms[i][1]], 1, 0, 0, 0, 0, time.UTC)
	}
	return out
}

// Releases maps each reference month of a calendar kind to its release day.
func Releases(cal []report.Event, kind string) map[time.Time]time.Time {
	out := map[time.Time]time.Time{}
	for _, e := range cal {
		if e.Kind != kind {
			continue
		}
		d, err := cw.ParseDay(e.Date)
		if err != nil {
			continue // the events section reports a bad calendar date
		}
		for _, m := range RefMonths(e.Title) {
			if old, ok := out[m]; !ok || d.Before(old) {
				out[m] = d
			}
		}
	}
	return out
}

func month(t time.Time) string { return t.Format("2006-01") }

// MonthName is "Nov 2024".
func MonthName(ym string) string {
	t, err := time.Parse("2006-01", ym)
	if err != nil {
		return ym
	}
	return t.Format("Jan 2006")
}

// Latest finds the last print of sp released on or before asOf and the one before it.
func Latest(env *report.Env, sp Spec, asOf time.Time) (*Indicator, error) {
	x := sp.Series
	ind := &Indicator{Label: sp.Label, Entity: x.Entity, Kind: sp.Kind}
	switch sp.Kind {
	case Inflation:
		ind.Definitions = []string{string(cw.DefinitionOf(x.Metric, fred.SourceBundled)), DefYoY, DefMoM}
	case Payrolls:
		ind.Definitions = []string{string(cw.DefinitionOf(x.Metric, fred.SourceBundled)), DefPayrolls}
	default:
		ind.Definitions = []string{string(cw.DefinitionOf(x.Metric, fred.SourceBundled))}
	}
	pts, src, err := series(env, x, asOf.AddDate(-3, 0, 0), asOf)
	if err != nil {
		return nil, err
	}
	rel := Releases(env.Inputs.Calendar, sp.Release)
	// A month counts as released by asOf if its own release is dated on or before asOf, or a
	// later month's is (releases come in reference-month order).
	lastIdx := -1
	var unknownNewer []string
	for i := len(pts) - 1; i >= 0 && lastIdx < 0; i-- {
		d, ok := rel[pts[i].Day]
		switch {
		case ok && !d.After(asOf):
			lastIdx = i
		case !ok:
			unknownNewer = append(unknownNewer, MonthName(month(pts[i].Day)))
		}
	}
	if lastIdx < 0 {
		ind.Unavailable = fmt.Sprintf("no %s print stored with a release date on or before %s in the events calendar", sp.Label, cw.DayString(asOf))
		if len(unknownNewer) > 0 {
			ind.Unavailable += fmt.Sprintf(" (the calendar has no release date for %s)", strings.Join(unknownNewer, ", "))
		}
		return ind, nil
	}
	ind.Source = string(src[pts[lastIdx].Day])
	ind.Last = makePrint(sp, pts, lastIdx, rel, asOf)
	if lastIdx > 0 {
		ind.Prior = makePrint(sp, pts, lastIdx-1, rel, asOf)
	}
	if len(unknownNewer) > 0 && asOf.Sub(pts[lastIdx].Day) > 75*24*time.Hour {
		ind.Last.Note = strings.TrimPrefix(ind.Last.Note+"; ", "; ") + fmt.Sprintf("the calendar has no release date for %s, which may also have been released by %s", strings.Join(unknownNewer, ", "), cw.DayString(asOf))
	}
	return ind, nil
}

func makePrint(sp Spec, pts []cw.Point, i int, rel map[time.Time]time.Time, asOf time.Time) *Print {
	p := &Print{Month: month(pts[i].Day), Value: pts[i].Value}
	if d, ok := rel[pts[i].Day]; ok && !d.After(asOf) {
		p.Released = cw.DayString(d)
	} else {
		p.ReleaseNote = "release date not in the events calendar"
	}
	at := func(t time.Time) (float64, bool) {
		for j := i; j >= 0; j-- {
			if pts[j].Day.Equal(t) {
				return pts[j].Value, true
			}
			if pts[j].Day.Before(t) {
				break
			}
		}
		return 0, false
	}
	prevM := pts[i].Day.AddDate(0, -1, 0)
	var notes []string
	switch sp.Kind {
	case Inflation:
		if v, ok := at(pts[i].Day.AddDate(-1, 0, 0)); ok && v > 0 {
			p.YoY = report.F64((pts[i].Value/v - 1) * 100)
		} else {
			notes = append(notes, "no print twelve months before, so no year-on-year change")
		}
		if v, ok := at(prevM); ok && v > 0 {
			p.MoM = report.F64((pts[i].Value/v - 1) * 100)
		} else {
			notes = append(notes, fmt.Sprintf("no %s print for %s, so no month-on-month change", sp.Label, MonthName(month(prevM))))
		}
	case Payrolls:
		if v, ok := at(prevM); ok {
			p.ChangeK = report.F64(pts[i].Value - v)
		} else {
			notes = append(notes, fmt.Sprintf("no payrolls level for %s, so no monthly change", MonthName(month(prevM))))
		}
	}
	p.Note = strings.Join(notes, "; ")
	return p
}

// TargetRange is the Fed's target range in effect on asOf, the first day it was, and the range
// before; nil when neither bound is stored by asOf.
func TargetRange(env *report.Env, asOf time.Time) (*Fed, error) {
	from := cw.FirstDay.AddDate(0, 0, -1)
	up, srcU, err := series(env, fred.TargetUp, from, asOf)
	if err != nil {
		return nil, err
	}
	lo, _, err := series(env, fred.TargetLow, from, asOf)
	if err != nil {
		return nil, err
	}
	if len(up) == 0 || len(lo) == 0 {
		return nil, nil
	}
	low := map[time.Time]float64{}
	for _, p := range lo {
		low[p.Day] = p.Value
	}
	// Walk back over the days both bounds are stored.
	var days []time.Time
	for _, p := range up {
		if _, ok := low[p.Day]; ok {
			days = append(days, p.Day)
		}
	}
	if len(days) == 0 {
		return nil, nil
	}
	upv := map[time.Time]float64{}
	for _, p := range up {
		upv[p.Day] = p.Value
	}
	last := days[len(days)-1]
	f := &Fed{Lower: low[last], Upper: upv[last], Since: cw.DayString(days[0]), Definition: DefRange, Source: string(srcU[last])}
	for i := len(days) - 1; i > 0; i-- {
		d := days[i-1]
		if low[d] != f.Lower || upv[d] != f.Upper {
			f.Since = cw.DayString(days[i])
			f.PriorLower, f.PriorUpper = report.F64(low[d]), report.F64(upv[d])
			break
		}
	}
	for _, e := range env.Inputs.Calendar {
		if e.Kind == "fomc" && e.Date <= cw.DayString(asOf) && e.Date > f.Decision {
			f.Decision = e.Date
		}
	}
	return f, nil
}

// RangeText is "4.50–4.75%".
func RangeText(lo, up float64) string { return fmt.Sprintf("%.2f–%.2f%%", lo, up) }

// Headline is a print's quoted figure: "2.7% y/y, 0.3% m/m", "+227k", "4.2%".
func Headline(k Kind, p *Print) string {
	switch k {
	case Inflation:
		var parts []string
		if p.YoY != nil {
			parts = append(parts, fmt.Sprintf("%.1f%% y/y", *p.YoY))
		}
		if p.MoM != nil {
			parts = append(parts, fmt.Sprintf("%.1f%% m/m", *p.MoM))
		}
		if len(parts) == 0 {
			return fmt.Sprintf("index %.3f", p.Value)
		}
		return strings.Join(parts, ", ")
	case Payrolls:
		if p.ChangeK == nil {
			return fmt.Sprintf("level %.0fk", p.Value)
		}
		return fmt.Sprintf("%+.0fk", *p.ChangeK)
	}
	return fmt.Sprintf("%.1f%%", p.Value)
}

func level(k Kind, p *Print) string {
	switch k {
	case Inflation:
		return fmt.Sprintf("%.3f", p.Value)
	case Payrolls:
		return fmt.Sprintf("%.0fk", p.Value)
	}
	return fmt.Sprintf("%.1f%%", p.Value)
}

func released(p *Print) string {
	if p.Released != "" {
		return p.Released
	}
	return p.ReleaseNote
}

func (b *Block) Title() string { return "US macro prints" }

func (b *Block) Cites() []string {
	var out []string
	for _, i := range b.Indicators {
		if i.Last != nil {
			out = append(out, i.Source)
		}
	}
	if b.Fed != nil {
		out = append(out, b.Fed.Source)
	}
	for _, m := range b.Markets {
		if m.Last != nil {
			out = append(out, m.Source)
		}
	}
	return out
}

func (b *Block) Layout() []report.Element {
	t := report.Tab("indicator", "last print", "released", "figure", "level:", "print before", "released", "figure", "source")
	var foot []report.Inline
	for _, i := range b.Indicators {
		if i.Last == nil {
			t.Row(report.TL(i.Label, i.Entity), "–", "–", "–", "–", "–", "–", "–", report.T(i.Unavailable))
			continue
		}
		pm, pr, pf := "–", "–", "–"
		if p := i.Prior; p != nil {
			pm, pr, pf = MonthName(p.Month), released(p), Headline(i.Kind, p)
		}
		t.Row(report.TL(i.Label, i.Entity), report.L(MonthName(i.Last.Month)), report.T(released(i.Last)), report.L(Headline(i.Kind, i.Last)),
			report.L(level(i.Kind, i.Last)), report.L(pm), report.T(pr), report.L(pf), report.C(i.Source))
		for _, p := range []*Print{i.Last, i.Prior} {
			if p != nil && p.Note != "" {
				foot = append(foot, report.Inline{report.T(i.Label + " " + MonthName(p.Month)), report.L(": "), report.T(p.Note)})
			}
		}
	}
	out := []report.Element{t}
	if len(foot) > 0 {
		out = append(out, report.Element{Kind: report.Quote, Items: foot})
	}
	if f := b.Fed; f != nil {
		s := report.Inline{report.B("Fed target range:"), report.L(" " + RangeText(f.Lower, f.Upper) + " since " + f.Since)}
		if f.PriorLower != nil {
			s = append(s, report.L(" (before: "+RangeText(*f.PriorLower, *f.PriorUpper)+")"))
		}
		if f.Decision != "" {
			s = append(s, report.L("; last FOMC decision in the calendar "+f.Decision))
		}
		s = append(s, report.L(" "), report.C(f.Source))
		out = append(out, report.Element{Kind: report.Paragraph, Text: s})
	}
	if len(b.Markets) > 0 {
		out = append(out, marketTable(b.Markets)...)
	}
	return append(out, report.Notes(b.Notes)...)
}

func (b *Block) Overview() []report.Bullet {
	var parts []string
	for _, i := range b.Indicators {
		if i.Last != nil && (i.Label == "CPI" || i.Label == "Nonfarm payrolls") {
			parts = append(parts, fmt.Sprintf("%s (%s) %s", i.Label, MonthName(i.Last.Month), Headline(i.Kind, i.Last)))
		}
	}
	if b.Fed != nil {
		parts = append(parts, "Fed target "+RangeText(b.Fed.Lower, b.Fed.Upper))
	}
	for _, m := range b.Markets {
		if m.FredID == fred.Treasury10Y.ID && m.Last != nil {
			p := "10-year yield " + MarketValue(m.Unit, m.Last.Value)
			if m.Change != nil {
				p += " (" + MarketChange(m.Unit, *m.Change) + " on the week)"
			}
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return []report.Bullet{{Text: "Macro: " + strings.Join(parts, "; ") + ".", Fallback: true}}
}

// PriorText is what a scheduled release of calendar kind kind on day d follows: the last print
// released before d ("Oct 2024: 2.6% y/y, 0.2% m/m; core 3.3% y/y"), or for an FOMC decision
// the target range in effect the day before. It returns "" for kinds without a series and the
// source of the figure.
func PriorText(env *report.Env, kind string, d time.Time) (string, string, error) {
	asOf := d.AddDate(0, 0, -1)
	if kind == "fomc" {
		f, err := TargetRange(env, asOf)
		if err != nil || f == nil {
			return "", "", err
		}
		return "target " + RangeText(f.Lower, f.Upper), f.Source, nil
	}
	var main, second *Spec
	for i := range Specs {
		if Specs[i].Release != kind {
			continue
		}
		if main == nil {
			main = &Specs[i]
		} else if second == nil {
			second = &Specs[i]
		}
	}
	if main == nil {
		return "", "", nil
	}
	a, err := Latest(env, *main, asOf)
	if err != nil || a.Last == nil {
		return "", "", err
	}
	text := MonthName(a.Last.Month) + ": " + Headline(a.Kind, a.Last)
	if second != nil {
		b, err := Latest(env, *second, asOf)
		if err != nil {
			return "", "", err
		}
		if b.Last != nil && b.Last.Month == a.Last.Month {
			name := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(b.Label, " price index"), " CPI"))
			h := Headline(b.Kind, b.Last)
			if b.Kind == Inflation && b.Last.YoY != nil {
				name, h = "core", fmt.Sprintf("%.1f%% y/y", *b.Last.YoY)
			}
			text += "; " + name + " " + h
			env.Cite(b.Source)
		}
	}
	return text, a.Source, nil
}
