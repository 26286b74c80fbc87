package all_test

import (
	"strings"
	"testing"

	cw "cryptoweekly"
	"cryptoweekly/provider/fred"
	"cryptoweekly/report"
	"cryptoweekly/section/macro"
)

// macroFixture: CPI 100 in Feb 2024, 102.5 in Jan 2025 and 103 in Feb 2025 (YoY 3.0%, MoM
// 103/102.5-1 = 0.4878%), with no Dec 2024 print; payrolls 159000k in Jan 2025 and 159151k in
// Feb 2025 (+151k); the target range 4.50–4.75% until 2024-12-18, then 4.25–4.50%.
func macroFixture() []cw.Batch {
	ents := []cw.Entity{}
	for _, s := range fred.AllSeries {
		ents = append(ents, cw.Entity{ID: s.Entity, Kind: cw.KindIndex, Name: s.Name})
	}
	obs := []cw.Observation{
		ob(fred.CPI.Entity, "price_index", "2024-01-01", 99.5),
		ob(fred.CPI.Entity, "price_index", "2024-02-01", 100),
		ob(fred.CPI.Entity, "price_index", "2024-11-01", 102),
		ob(fred.CPI.Entity, "price_index", "2025-01-01", 102.5),
		ob(fred.CPI.Entity, "price_index", "2025-02-01", 103),
		ob(fred.Payrolls.Entity, "employees_k", "2024-12-01", 158900),
		ob(fred.Payrolls.Entity, "employees_k", "2025-01-01", 159000),
		ob(fred.Payrolls.Entity, "employees_k", "2025-02-01", 159151),
	}
	obs = append(obs, series(fred.TargetUp.Entity, "rate_pct", "2024-12-01", "2024-12-18", flat(4.75))...)
	obs = append(obs, series(fred.TargetUp.Entity, "rate_pct", "2024-12-19", "2025-03-20", flat(4.5))...)
	obs = append(obs, series(fred.TargetLow.Entity, "rate_pct", "2024-12-01", "2024-12-18", flat(4.5))...)
	obs = append(obs, series(fred.TargetLow.Entity, "rate_pct", "2024-12-19", "2025-03-20", flat(4.25))...)
	return []cw.Batch{bt(fred.SourceBundled, ents, obs...)}
}

var macroCal = []report.Event{
	{Date: "2024-12-18", Kind: "fomc", Title: "FOMC rate decision"},
	{Date: "2025-02-07", Kind: "payrolls", Title: "US Employment Situation (Jan 2025)"},
	{Date: "2025-02-12", Kind: "cpi", Title: "US CPI (Jan 2025)"},
	{Date: "2025-03-07", Kind: "payrolls", Title: "US Employment Situation (Feb 2025)"},
	{Date: "2025-03-12", Kind: "cpi", Title: "US CPI (Feb 2025)"},
	{Date: "2025-03-19", Kind: "fomc", Title: "FOMC rate decision"},
	{Date: "2025-03-20", Kind: "cpi", Title: "US CPI (Mar 2025)"}, // not a real date: next week's release
}

func TestMacro(t *testing.T) {
	db := newStore(t, macroFixture()...)
	for _, c := range []struct {
		name, end                  string
		month, released            string
		prior, priorReleased, note string
		yoy, mom                   float64
	}{
		// Feb 2025 released 2025-03-12, inside the week.
		{name: "released this week", end: "2025-03-14", month: "2025-02", released: "2025-03-12", prior: "2025-01", priorReleased: "2025-02-12", yoy: 3, mom: (103/102.5 - 1) * 100},
		// The day before the release: January is the last print; the one before (Nov 2024: Dec is
		// missing) has no release date in the calendar, and January has no month-on-month change.
		{name: "day before release", end: "2025-03-11", month: "2025-01", released: "2025-02-12", prior: "2024-11", note: "no CPI print for Dec 2024"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := runWeek(t, db, testConfig(), c.end, macroCal...)
			b := w.Block("macro").(*macro.Block)
			cpi := b.Indicators[0]
			if cpi.Last == nil || cpi.Prior == nil {
				t.Fatalf("cpi %+v", cpi)
			}
			eqs(t, "month", cpi.Last.Month, c.month)
			eqs(t, "released", cpi.Last.Released, c.released)
			eqs(t, "prior", cpi.Prior.Month, c.prior)
			eqs(t, "prior released", cpi.Prior.Released, c.priorReleased)
			if c.priorReleased == "" && cpi.Prior.ReleaseNote != "release date not in the events calendar" {
				t.Errorf("prior release note %q", cpi.Prior.ReleaseNote)
			}
			if c.yoy != 0 {
				eqf(t, "yoy", cpi.Last.YoY, c.yoy)
				eqf(t, "mom", cpi.Last.MoM, c.mom)
			}
			if c.note != "" && (cpi.Last.MoM != nil || !strings.Contains(cpi.Last.Note, c.note)) {
				t.Errorf("note %q, mom %v", cpi.Last.Note, cpi.Last.MoM)
			}
			// No core CPI stored: unavailable, with the reason.
			if b.Indicators[1].Last != nil || !strings.Contains(b.Indicators[1].Unavailable, "no Core CPI print") {
				t.Errorf("core cpi %+v", b.Indicators[1])
			}
			if f := b.Fed; f == nil || f.Lower != 4.25 || f.Upper != 4.5 || f.Since != "2024-12-19" || *f.PriorUpper != 4.75 || f.Decision != "2024-12-18" {
				t.Errorf("fed %+v", b.Fed)
			}
		})
	}
	w := runWeek(t, db, testConfig(), "2025-03-14", macroCal...)
	pay := w.Block("macro").(*macro.Block).Indicators[4]
	eqf(t, "payrolls change", pay.Last.ChangeK, 151)
	eqs(t, "payrolls headline", macro.Headline(macro.Payrolls, pay.Last), "+151k")
	// Next week's CPI release shows the print it follows; the FOMC decision the range in effect.
	for _, e := range w.Events.Upcoming {
		want := map[string]string{"cpi": "Feb 2025: 3.0% y/y, 0.5% m/m", "fomc": "target 4.25–4.50%"}[e.Kind]
		eqs(t, e.Kind+" prior", e.Prior, want)
		eqs(t, e.Kind+" prior source", e.PriorSource, string(fred.SourceBundled))
	}
	if len(w.Events.Upcoming) != 2 {
		t.Errorf("upcoming %+v", w.Events.Upcoming)
	}
	// A newer print whose release the calendar lacks is not taken as the latest; the row says it
	// may have been released. (The fixture has no Mar 2025 print, so Feb 2025 stays the last.)
	db2 := newStore(t, append(macroFixture(), bt(fred.SourceBundled, nil, ob(fred.CPI.Entity, "price_index", "2025-04-01", 103.5)))...)
	cpi := runWeek(t, db2, testConfig(), "2025-06-30", macroCal...).Block("macro").(*macro.Block).Indicators[0]
	if cpi.Last == nil || cpi.Last.Month != "2025-02" || !strings.Contains(cpi.Last.Note, "no release date for Apr 2025") {
		t.Errorf("calendar gap: %+v", cpi.Last)
	}
	// No FRED series at all: the section says why.
	b := runWeek(t, newStore(t), testConfig(), "2025-03-14", macroCal...).Block("macro").(*macro.Block)
	if !strings.Contains(b.Unavailable, "FRED_API_KEY") {
		t.Errorf("empty store: %q", b.Unavailable)
	}
}

func TestRefMonths(t *testing.T) {
	for _, c := range []struct{ title, want string }{
		{"US CPI (Nov 2024)", "2024-11"},
		{"US PCE / Personal Income and Outlays (Oct and Nov 2025 combined)", "2025-10 2025-11"},
		{"US Employment Situation (Dec 2023)", "2023-12"},
		{"FOMC rate decision (with SEP)", ""},
		{"no parentheses", ""},
	} {
		var got []string
		for _, m := range macro.RefMonths(c.title) {
			got = append(got, m.Format("2006-01"))
		}
		eqs(t, c.title, strings.Join(got, " "), c.want)
	}
}
