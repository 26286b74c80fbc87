package all_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/fred"
	"cryptoweekly/render/markdown"
	"cryptoweekly/report"
	"cryptoweekly/section/macro"
)

// renderMD is the report as the md format prints it.
func renderMD(t *testing.T, r *report.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := markdown.Write(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

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

// marketFixture: EFFR on business days from 2025-02-03 (4.33 until 2025-03-07, 4.08 from
// 2025-03-10); DFF every calendar day from 2019-12-01 to 2020-03-31 at 1.55; DGS10 stops on
// 2025-02-20 (a series that stopped); ICSA on three Saturdays; WALCL in the store's billions on
// two Wednesdays, its earlier history missing.
func marketFixture() []cw.Batch {
	ents := []cw.Entity{}
	for _, s := range append(append([]fred.Series(nil), fred.MarketSeries...), fred.FedFundsDaily) {
		ents = append(ents, cw.Entity{ID: s.Entity, Kind: cw.KindIndex, Name: s.Name})
	}
	var obs []cw.Observation
	for d := day("2025-02-03"); !d.After(day("2025-03-21")); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		v := 4.33
		if !d.Before(day("2025-03-10")) {
			v = 4.08
		}
		obs = append(obs, cw.Observation{Entity: fred.EFFR.Entity, Metric: "rate_pct", Day: d, Value: v})
	}
	obs = append(obs, series(fred.FedFundsDaily.Entity, "rate_pct", "2019-12-01", "2020-03-31", flat(1.55))...)
	obs = append(obs, series(fred.Treasury10Y.Entity, "rate_pct", "2025-02-01", "2025-02-20", flat(4.5))...)
	obs = append(obs,
		ob(fred.InitialClaims.Entity, "persons", "2025-03-01", 242000),
		ob(fred.InitialClaims.Entity, "persons", "2025-03-08", 221000),
		ob(fred.InitialClaims.Entity, "persons", "2025-03-15", 223000),
		ob(fred.FedAssets.Entity, "usd_bn", "2025-03-05", 6756.5),
		ob(fred.FedAssets.Entity, "usd_bn", "2025-03-12", 6757.1))
	return []cw.Batch{bt(fred.SourceBundled, ents, obs...)}
}

func TestMacroMarkets(t *testing.T) {
	db := newStore(t, marketFixture()...)
	row := func(b *macro.Block, label string) macro.Market {
		for _, m := range b.Markets {
			if m.Label == label {
				return m
			}
		}
		t.Fatalf("no row %q in %+v", label, b.Markets)
		return macro.Market{}
	}
	reading := func(what string, r *macro.Reading, d, public string, v float64) {
		t.Helper()
		if r == nil {
			t.Errorf("%s: no reading, want %s %v", what, d, v)
			return
		}
		eqs(t, what+" day", r.Day, d)
		eqs(t, what+" public", r.Public, public)
		eqv(t, what+" value", r.Value, v)
	}
	w := runWeek(t, db, testConfig(), "2025-03-14")
	b := w.Block("macro").(*macro.Block)
	// Friday 2025-03-14: EFFR for Friday is published on Monday 03-17, so Thursday's is the last
	// (4.08); a week before, Thursday 03-06's (4.33, public 03-07). Change -0.25 pp.
	effr := row(b, "Effective fed funds rate")
	eqs(t, "effr id", effr.FredID, "EFFR")
	reading("effr last", effr.Last, "2025-03-13", "2025-03-14", 4.08)
	reading("effr prior", effr.Prior, "2025-03-06", "2025-03-07", 4.33)
	eqf(t, "effr change", effr.Change, -0.25)
	eqs(t, "effr change text", macro.MarketChange(effr.Unit, *effr.Change), "-0.25 pp")
	// Claims for the week to Saturday 03-08 were published Thursday 03-13; the 03-15 week is not
	// out by the week's end. The week before: the 03-01 week, published 03-06. -21k.
	icsa := row(b, "Initial jobless claims")
	reading("claims last", icsa.Last, "2025-03-08", "2025-03-13", 221000)
	reading("claims prior", icsa.Prior, "2025-03-01", "2025-03-06", 242000)
	eqs(t, "claims text", macro.MarketValue(icsa.Unit, icsa.Last.Value)+" "+macro.MarketChange(icsa.Unit, *icsa.Change), "221k -21k")
	// WALCL of Wednesday 03-12 (Thursday's release); no value public by 03-07 within two weeks
	// (03-05's came out on 03-06, so it is the prior): +$0.6B.
	walcl := row(b, "Fed total assets")
	reading("walcl last", walcl.Last, "2025-03-12", "2025-03-13", 6757.1)
	reading("walcl prior", walcl.Prior, "2025-03-05", "2025-03-06", 6756.5)
	eqs(t, "walcl text", macro.MarketValue(walcl.Unit, walcl.Last.Value)+" "+macro.MarketChange(walcl.Unit, *walcl.Change), "$6.76T +$600.00M")
	// DGS10 stopped on 02-20, 22 days before the week's end: not quoted as current.
	dgs := row(b, "10-year Treasury yield")
	if dgs.Last != nil || !strings.Contains(dgs.Unavailable, "no DGS10 value public in the 14 days to 2025-03-14") {
		t.Errorf("stale DGS10: %+v", dgs)
	}
	// VIX was never stored.
	if vix := row(b, "VIX"); vix.Last != nil || !strings.Contains(vix.Unavailable, "VIXCLS") {
		t.Errorf("missing VIX: %+v", vix)
	}
	// A week before EFFR starts: DFF gives the row. On Sunday 2020-01-05 the newest public value
	// is Thursday's (Friday's and the weekend's come out on Monday).
	b = runWeek(t, db, testConfig(), "2020-01-05").Block("macro").(*macro.Block)
	dff := row(b, "Effective fed funds rate")
	eqs(t, "dff id", dff.FredID, "DFF")
	reading("dff last", dff.Last, "2020-01-02", "2020-01-03", 1.55)
	reading("dff prior", dff.Prior, "2019-12-26", "2019-12-27", 1.55)
	if dff.Change == nil || *dff.Change != 0 {
		t.Errorf("dff prior %+v", dff)
	}
	// The first week of EFFR: no value two weeks before its first day, so no change, said so.
	b = runWeek(t, db, testConfig(), "2025-02-07").Block("macro").(*macro.Block)
	effr = row(b, "Effective fed funds rate")
	if effr.Last == nil || effr.Prior != nil || effr.Change != nil || !strings.Contains(effr.Note, "no EFFR value public in the 14 days to 2025-01-31") {
		t.Errorf("first EFFR week: %+v", effr)
	}
	// The table lays out both dates and the publication day where it differs.
	md := string(renderMD(t, w.Report))
	for _, want := range []string{"| Effective fed funds rate | 4.08% | 2025-03-13 (public 2025-03-14) | 4.33% | 2025-03-06 (public 2025-03-07) | -0.25 pp | EFFR |",
		"| Initial jobless claims | 221k | 2025-03-08 (public 2025-03-13) | 242k | 2025-03-01 (public 2025-03-06) | -21k | ICSA |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

func TestPublic(t *testing.T) {
	for _, c := range []struct {
		day  string
		lag  int
		want string
	}{
		{"2025-03-14", 0, "2025-03-14"}, // a close is known on its day
		{"2025-03-13", 1, "2025-03-14"}, // Thursday's EFFR on Friday
		{"2025-03-14", 1, "2025-03-17"}, // Friday's on Monday
		{"2025-03-15", 1, "2025-03-17"}, // a DFF weekend day, on Monday too
		{"2025-03-08", 4, "2025-03-13"}, // claims for the week to Saturday, on Thursday
	} {
		eqs(t, c.day, cw.DayString(macro.Public(day(c.day), c.lag)), c.want)
	}
}
