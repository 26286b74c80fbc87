package events

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLoadEmbeddedCalendar(t *testing.T) {
	evs, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(evs) < 100 {
		t.Fatalf("Load returned %d events, want at least 100", len(evs))
	}

	seen := map[Event]bool{}
	for i, e := range evs {
		if seen[e] {
			t.Errorf("duplicate event %+v", e)
		}
		seen[e] = true
		if e.Date.Location() != time.UTC || e.Date.Hour() != 0 || e.Date.Minute() != 0 {
			t.Errorf("event %+v: Date is not UTC midnight", e)
		}
		if wd := e.Date.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("event %+v falls on a %v", e, wd)
		}
		if e.Source == "" {
			t.Errorf("event %+v has no source", e)
		}
		if i > 0 {
			p := evs[i-1]
			if e.Date.Before(p.Date) || (e.Date.Equal(p.Date) && e.TimeET < p.TimeET) {
				t.Errorf("not sorted: %+v before %+v", p, e)
			}
		}
	}

	// Load hands out copies: changing one must not change the next.
	evs[0].Title = "changed"
	again, _ := Load()
	if again[0].Title == "changed" {
		t.Error("Load returned a shared slice")
	}
}

// Dates checked against the schedules named in README.md.
func TestCalendarKnownDates(t *testing.T) {
	evs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		date, timeET, kind, titleHas string
	}{
		{"2024-12-18", "14:00", "fomc", "(with SEP)"},            // Fed FOMC calendar, SEP meeting
		{"2024-11-07", "14:00", "fomc", "FOMC rate decision"},    // Thursday decision after the election
		{"2027-06-09", "14:00", "fomc", "(with SEP)"},            // FOMC 2027 tentative schedule
		{"2024-12-11", "08:30", "cpi", "US CPI (Nov 2024)"},      // BLS 2024 CPI schedule
		{"2025-10-24", "08:30", "cpi", "US CPI (Sep 2025"},       // BLS reschedule notice during the lapse
		{"2025-12-18", "08:30", "cpi", "US CPI (Nov 2025"},       // moved from Dec 10 after the lapse
		{"2026-02-13", "08:30", "cpi", "US CPI (Jan 2026"},       // moved from Feb 11 after the 2026 lapse
		{"2025-07-03", "08:30", "payrolls", "(Jun 2025)"},        // BLS CPS release calendar, Thursday before July 4
		{"2025-11-20", "08:30", "payrolls", "(Sep 2025"},         // delayed September report
		{"2025-12-16", "08:30", "payrolls", "includes Oct 2025"}, // October payrolls folded into November
		{"2026-02-11", "08:30", "payrolls", "(Jan 2026"},         // moved from Feb 6
		{"2024-12-20", "", "pce", "(Nov 2024)"},                  // BEA PCE price index page
		{"2025-12-05", "10:00", "pce", "(Sep 2025)"},             // BEA, rescheduled from Oct 31
		{"2026-01-22", "10:00", "pce", "Oct and Nov 2025"},       // BEA combined release
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.date, func(t *testing.T) {
			d := date(tt.date)
			for _, e := range evs {
				if e.Kind == tt.kind && e.Date.Equal(d) {
					if e.TimeET != tt.timeET {
						t.Errorf("TimeET = %q, want %q", e.TimeET, tt.timeET)
					}
					if !strings.Contains(e.Title, tt.titleHas) {
						t.Errorf("Title = %q, want it to contain %q", e.Title, tt.titleHas)
					}
					return
				}
			}
			t.Errorf("no %s event on %s", tt.kind, tt.date)
		})
	}

	// Releases that never happened must not be in the calendar.
	absent := []struct{ date, kind string }{
		{"2025-11-13", "cpi"},      // October 2025 CPI: cancelled
		{"2025-11-07", "payrolls"}, // October 2025 Employment Situation: cancelled
		{"2025-10-03", "payrolls"}, // September 2025 report did not come out on its original date
		{"2025-10-31", "pce"},      // September 2025 PCE moved to Dec 5
		{"2026-02-06", "payrolls"}, // January 2026 report moved to Feb 11
	}
	for _, a := range absent {
		for _, e := range evs {
			if e.Kind == a.kind && e.Date.Equal(date(a.date)) {
				t.Errorf("unexpected %s event on %s: %+v", a.kind, a.date, e)
			}
		}
	}

	var sep, fomc int
	for _, e := range evs {
		if e.Kind == "fomc" {
			fomc++
			if strings.Contains(e.Title, "SEP") {
				sep++
			}
		}
	}
	if fomc != 32 || sep != 16 {
		t.Errorf("FOMC decisions = %d (SEP %d), want 32 (SEP 16) for 2024-2027", fomc, sep)
	}
}

func TestBetween(t *testing.T) {
	evs := []Event{
		{Date: date("2025-03-09"), Kind: "cpi", Title: "sun"},
		{Date: date("2025-03-10"), Kind: "cpi", Title: "mon"},
		{Date: date("2025-03-12"), Kind: "cpi", Title: "wed"},
		{Date: date("2025-03-16"), Kind: "cpi", Title: "next sun"},
		{Date: date("2025-03-17"), Kind: "cpi", Title: "next mon"},
	}
	ny := Eastern
	tests := []struct {
		name           string
		after, through time.Time
		want           []string
	}{
		{"week after Sunday: after excluded, through included", date("2025-03-09"), date("2025-03-16"), []string{"mon", "wed", "next sun"}},
		{"empty window", date("2025-03-10"), date("2025-03-10"), nil},
		{"one day", date("2025-03-09"), date("2025-03-10"), []string{"mon"}},
		{"reversed bounds", date("2025-03-16"), date("2025-03-09"), nil},
		{"times of day ignored", date("2025-03-09").Add(23 * time.Hour), date("2025-03-16").Add(time.Hour), []string{"mon", "wed", "next sun"}},
		{"bounds in their own zone", time.Date(2025, 3, 9, 22, 0, 0, 0, ny), time.Date(2025, 3, 12, 23, 30, 0, 0, ny), []string{"mon", "wed"}},
		{"all", date("2000-01-01"), date("2100-01-01"), []string{"sun", "mon", "wed", "next sun", "next mon"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range Between(evs, tt.after, tt.through) {
				got = append(got, e.Title)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("Between = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	const header = "date,time_et,kind,title,source\n"
	evs, err := Parse(strings.NewReader(header+
		"# comment lines are skipped\n"+
		"2025-01-29,14:00,fomc,FOMC rate decision,Fed\n"+
		"2025-01-15,08:30,cpi,\"US CPI (Dec 2024), final\",BLS\n"+
		"2025-01-15,,gdp,untimed,BEA\n"), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 || evs[0].Title != "untimed" || evs[1].Title != "US CPI (Dec 2024), final" || evs[2].Kind != "fomc" {
		t.Errorf("Parse = %+v", evs)
	}
	if !evs[2].Date.Equal(time.Date(2025, 1, 29, 0, 0, 0, 0, time.UTC)) || evs[2].TimeET != "14:00" {
		t.Errorf("fomc event = %+v", evs[2])
	}

	// Columns in another order, extra column ignored.
	evs, err = Parse(strings.NewReader("kind,date,source,title,time_et,note\npce,2025-02-28,BEA,PCE,08:30,x\n"), "y.csv")
	if err != nil || len(evs) != 1 || evs[0].Kind != "pce" || evs[0].TimeET != "08:30" {
		t.Errorf("reordered columns: %+v, %v", evs, err)
	}
}

func TestParseErrors(t *testing.T) {
	const header = "date,time_et,kind,title,source\n"
	const good = "2025-01-15,08:30,cpi,US CPI,BLS\n"
	tests := []struct {
		name, in string
		line     int
		field    string
		msg      string
	}{
		{"empty file", "", 0, "header", "empty file"},
		{"missing column", "date,time_et,kind,title\n" + good, 1, "header", `missing column "source"`},
		{"bad date", header + good + "2025-13-01,08:30,cpi,US CPI,BLS\n", 3, "date", `bad date "2025-13-01"`},
		{"date format", header + "15/01/2025,08:30,cpi,US CPI,BLS\n", 2, "date", "want YYYY-MM-DD"},
		{"unknown kind", header + good + "2025-01-16,08:30,ppi,US PPI,BLS\n", 3, "kind", `unknown kind "ppi"`},
		{"bad time", header + "2025-01-15,8:30,cpi,US CPI,BLS\n", 2, "time_et", `bad time "8:30"`},
		{"time out of range", header + "2025-01-15,25:00,cpi,US CPI,BLS\n", 2, "time_et", "bad time"},
		{"empty title", header + "2025-01-15,08:30,cpi,,BLS\n", 2, "title", "empty title"},
		{"empty source", header + "2025-01-15,08:30,cpi,US CPI,\n", 2, "source", "empty source"},
		{"short row", header + "2025-01-15,08:30,cpi\n", 2, "title", "missing column"},
		{"duplicate row", header + good + "# same again\n" + good, 4, "", "duplicate row (identical to line 2)"},
		{"bad quoting", header + "2025-01-15,08:30,cpi,\"US \"CPI,BLS\n", 2, "", "quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in), "cal.csv")
			if err == nil {
				t.Fatal("no error")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is %T, want *ParseError", err, err)
			}
			if pe.File != "cal.csv" || pe.Line != tt.line || pe.Field != tt.field {
				t.Errorf("error at %s:%d field %q, want cal.csv:%d field %q (%v)", pe.File, pe.Line, pe.Field, tt.line, tt.field, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
			prefix := "cal.csv:"
			if tt.line == 0 {
				prefix = "cal.csv: "
			}
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("error %q does not start with %q", err, prefix)
			}
		})
	}
}

// A calendar in the shape the BLS and Google Calendar publish: CRLF, folded lines, a VTIMEZONE,
// TZID-qualified and UTC times, all-day dates, escaped text and a nested VALARM.
const sampleICS = "BEGIN:VCALENDAR\r\n" +
	"VERSION:2.0\r\n" +
	"PRODID:-//Bureau of Labor Statistics//Release Calendar//EN\r\n" +
	"BEGIN:VTIMEZONE\r\n" +
	"TZID:America/New_York\r\n" +
	"BEGIN:STANDARD\r\n" +
	"DTSTART:19701101T020000\r\n" +
	"TZOFFSETFROM:-0400\r\n" +
	"TZOFFSETTO:-0500\r\n" +
	"END:STANDARD\r\n" +
	"END:VTIMEZONE\r\n" +
	"BEGIN:VEVENT\r\n" +
	"UID:cpi-2024-12@bls.gov\r\n" +
	"DTSTART;TZID=America/New_York:20241211T083000\r\n" +
	"SUMMARY:Consumer Price Index for November 2024\\, all items\\; \r\n" +
	" seasonally adjusted\r\n" +
	"BEGIN:VALARM\r\n" +
	"TRIGGER:-PT15M\r\n" +
	"DTSTART:19990101T000000Z\r\n" +
	"SUMMARY:alarm text must not replace the event's\r\n" +
	"END:VALARM\r\n" +
	"END:VEVENT\r\n" +
	"BEGIN:VEVENT\r\n" +
	"DTSTART:20240705T123000Z\r\n" + // 08:30 EDT
	"SUMMARY:Employment Situation for June 2024\r\n" +
	"END:VEVENT\r\n" +
	"BEGIN:VEVENT\r\n" +
	"DTSTART:20250301T013000Z\r\n" + // 20:30 EST on Feb 28: the Eastern date differs from the UTC date
	"SUMMARY:Late\\nevening \\\\ item\r\n" +
	"END:VEVENT\r\n" +
	"BEGIN:VEVENT\r\n" +
	"DTSTART;VALUE=DATE:20241225\r\n" +
	"DTEND;VALUE=DATE:20241226\r\n" +
	"summary:Christmas Day\r\n" +
	"END:VEVENT\r\n" +
	"BEGIN:VEVENT\r\n" +
	"DTSTART;TZID=\"Europe/London\":20250402T133000\r\n" + // 08:30 EDT
	"SUMMARY;LANGUAGE=en:Quoted TZID\r\n" +
	"END:VEVENT\r\n" +
	"BEGIN:VEVENT\r\n" +
	"DTSTART;TZID=Eastern Standard Time:20250110T083000\r\n" +
	"SUMMARY:Windows zone name\r\n" +
	"END:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

func TestParseICS(t *testing.T) {
	evs, err := ParseICS(strings.NewReader(sampleICS), "bls.ics")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ date, timeET, title string }{
		{"2024-07-05", "08:30", "Employment Situation for June 2024"},
		{"2024-12-11", "08:30", "Consumer Price Index for November 2024, all items; seasonally adjusted"},
		{"2024-12-25", "", "Christmas Day"},
		{"2025-01-10", "08:30", "Windows zone name"},
		{"2025-02-28", "20:30", "Late\nevening \\ item"},
		{"2025-04-02", "08:30", "Quoted TZID"},
	}
	if len(evs) != len(want) {
		t.Fatalf("ParseICS returned %d events, want %d: %+v", len(evs), len(want), evs)
	}
	for i, w := range want {
		e := evs[i]
		if !e.Date.Equal(date(w.date)) || e.TimeET != w.timeET || e.Title != w.title || e.Kind != "ics" || e.Source != "bls.ics" {
			t.Errorf("event %d = %+v, want %s %q %q (kind ics, source bls.ics)", i, e, w.date, w.timeET, w.title)
		}
	}

	// LF-only line ends and tab continuation work too.
	lf := "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20251218T133000Z\nSUMMARY:US CPI\n\t(Nov 2025)\nEND:VEVENT\nEND:VCALENDAR\n"
	evs, err = ParseICS(strings.NewReader(lf), "lf.ics")
	if err != nil || len(evs) != 1 || evs[0].Title != "US CPI(Nov 2025)" || evs[0].TimeET != "08:30" || !evs[0].Date.Equal(date("2025-12-18")) {
		t.Errorf("LF calendar: %+v, %v", evs, err)
	}
}

func TestParseICSErrors(t *testing.T) {
	wrap := func(body string) string {
		return "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + body + "END:VEVENT\r\nEND:VCALENDAR\r\n"
	}
	tests := []struct {
		name, in string
		line     int
		field    string
		msg      string
	}{
		{"bad date", wrap("DTSTART;VALUE=DATE:2024-12-25\r\nSUMMARY:x\r\n"), 3, "DTSTART", "bad DATE"},
		{"bad date-time", wrap("SUMMARY:x\r\nDTSTART:20241225T25\r\n"), 4, "DTSTART", "bad DATE-TIME"},
		{"bad utc", wrap("DTSTART:2024122ST083000Z\r\nSUMMARY:x\r\n"), 3, "DTSTART", "bad UTC DATE-TIME"},
		{"unknown tzid", wrap("DTSTART;TZID=Mars/Olympus:20241225T083000\r\nSUMMARY:x\r\n"), 3, "DTSTART", `unknown TZID "Mars/Olympus"`},
		{"no dtstart", wrap("SUMMARY:x\r\n"), 2, "DTSTART", "without DTSTART"},
		{"no summary", wrap("DTSTART:20241225T083000Z\r\n"), 2, "SUMMARY", "without SUMMARY"},
		{"two dtstart", wrap("DTSTART:20241225T083000Z\r\nDTSTART:20241226T083000Z\r\nSUMMARY:x\r\n"), 4, "DTSTART", "second DTSTART"},
		{"no colon", wrap("DTSTART 20241225\r\n"), 3, "", "without ':'"},
		{"stray end", "BEGIN:VCALENDAR\r\nEND:VEVENT\r\n", 2, "END", "does not match"},
		{"unterminated", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20241225T083000Z\r\nSUMMARY:x\r\n", 2, "", "unterminated VEVENT"},
		{"leading continuation", " folded\r\nBEGIN:VCALENDAR\r\n", 1, "", "continuation line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseICS(strings.NewReader(tt.in), "feed.ics")
			if err == nil {
				t.Fatal("no error")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is %T, want *ParseError", err, err)
			}
			if pe.File != "feed.ics" || pe.Line != tt.line || pe.Field != tt.field {
				t.Errorf("error at %s:%d field %q, want feed.ics:%d field %q (%v)", pe.File, pe.Line, pe.Field, tt.line, tt.field, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
		})
	}
}
