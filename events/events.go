// Package events is the macro events calendar behind the weekly report's "next week's events"
// section: FOMC rate decisions and the US CPI, Employment Situation (payrolls) and PCE (Personal
// Income and Outlays) releases.
//
// The calendar is a small CSV file (calendar.csv) embedded in the binary; every row names the
// published schedule it was copied from. README.md in this directory lists the sources, the rows
// that could not be verified and how to extend the file each year. ParseICS reads iCalendar
// feeds (for example the BLS release calendar) into the same Event type.
package events

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // America/New_York must resolve even where the host has no zoneinfo

	cw "cryptoweekly"
	"cryptoweekly/report"
)

// Event is one dated calendar item.
type Event struct {
	Date   time.Time // UTC midnight of the US Eastern calendar date of the event
	TimeET string    // US Eastern wall-clock time "HH:MM" ("14:00", "08:30"); "" when unknown or all-day
	Kind   string    // "fomc", "cpi", "pce", "payrolls", "gdp"; "ics" for events read by ParseICS
	Title  string    // human-readable title, e.g. "US CPI (Nov 2024)"
	Source string    // the published schedule the row came from (agency page name and URL), or the ICS file name
}

// Kinds accepted in the kind column of a calendar CSV.
var validKinds = map[string]bool{
	"fomc":     true,
	"cpi":      true,
	"pce":      true,
	"payrolls": true,
	"gdp":      true,
}

// columns are the header names a calendar CSV must carry (in any order).
var columns = []string{"date", "time_et", "kind", "title", "source"}

// ParseError reports a problem at one line of an input file.
type ParseError struct {
	File  string // file name as given to Parse or ParseICS
	Line  int    // 1-based line number; 0 when the problem concerns the whole file
	Field string // the column or property at fault ("date", "kind", "DTSTART", ...); may be ""
	Err   error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

//go:embed calendar.csv
var calendarCSV string

// CalendarFile is the name under which the embedded calendar reports errors.
const CalendarFile = "calendar.csv"

var loadOnce = sync.OnceValues(func() ([]Event, error) {
	return Parse(strings.NewReader(calendarCSV), CalendarFile)
})

// Load returns the embedded calendar, sorted by date, then time (untimed events first), kind and
// title. The returned slice is the caller's own copy.
func Load() ([]Event, error) {
	evs, err := loadOnce()
	if err != nil {
		return nil, err
	}
	return append([]Event(nil), evs...), nil
}

// Parse reads a calendar CSV with the header date,time_et,kind,title,source (columns in any order;
// further columns are ignored). Lines starting with '#' are comments. Every row must have a valid
// date (YYYY-MM-DD), an empty or HH:MM time, a known kind, a title and a source; a row identical to
// an earlier one is an error. Errors name the file, the line and the field. The result is sorted
// like Load's.
func Parse(r io.Reader, name string) ([]Event, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1 // checked below, with a better message
	cr.TrimLeadingSpace = false

	header, err := cr.Read()
	if err == io.EOF {
		return nil, &ParseError{File: name, Field: "header", Err: errors.New("empty file: want header " + strings.Join(columns, ","))}
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	headerLine, _ := cr.FieldPos(0)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	idx := make(map[string]int, len(columns))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := idx[h]; dup && h != "" {
			return nil, &ParseError{File: name, Line: headerLine, Field: "header", Err: fmt.Errorf("column %q appears twice", h)}
		}
		idx[h] = i
	}
	for _, c := range columns {
		if _, ok := idx[c]; !ok {
			return nil, &ParseError{File: name, Line: headerLine, Field: "header", Err: fmt.Errorf("missing column %q (want %s)", c, strings.Join(columns, ","))}
		}
	}

	var evs []Event
	seen := make(map[Event]int) // row -> first line
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		get := func(col string) (string, error) {
			i := idx[col]
			if i >= len(rec) {
				return "", &ParseError{File: name, Line: line, Field: col, Err: fmt.Errorf("missing column (row has %d fields, header %d)", len(rec), len(header))}
			}
			return strings.TrimSpace(rec[i]), nil
		}
		vals := make(map[string]string, len(columns))
		for _, c := range columns {
			v, err := get(c)
			if err != nil {
				return nil, err
			}
			vals[c] = v
		}

		d, err := time.Parse(time.DateOnly, vals["date"])
		if err != nil {
			return nil, &ParseError{File: name, Line: line, Field: "date", Err: fmt.Errorf("bad date %q (want YYYY-MM-DD)", vals["date"])}
		}
		if err := checkClock(vals["time_et"]); err != nil {
			return nil, &ParseError{File: name, Line: line, Field: "time_et", Err: err}
		}
		kind := vals["kind"]
		if !validKinds[kind] {
			return nil, &ParseError{File: name, Line: line, Field: "kind", Err: fmt.Errorf("unknown kind %q (want one of fomc, cpi, pce, payrolls, gdp)", kind)}
		}
		if vals["title"] == "" {
			return nil, &ParseError{File: name, Line: line, Field: "title", Err: errors.New("empty title")}
		}
		if vals["source"] == "" {
			return nil, &ParseError{File: name, Line: line, Field: "source", Err: errors.New("empty source: every row must name the schedule it came from")}
		}
		ev := Event{Date: d, TimeET: vals["time_et"], Kind: kind, Title: vals["title"], Source: vals["source"]}
		if first, dup := seen[ev]; dup {
			return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("duplicate row (identical to line %d)", first)}
		}
		seen[ev] = line
		evs = append(evs, ev)
	}
	sortEvents(evs)
	return evs, nil
}

// csvError turns an encoding/csv error into a ParseError carrying its line.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: name, Line: pe.Line, Err: pe.Err}
	}
	return &ParseError{File: name, Err: err}
}

// checkClock accepts "" or a 24-hour "HH:MM".
func checkClock(s string) error {
	if s == "" {
		return nil
	}
	if len(s) != 5 || s[2] != ':' {
		return fmt.Errorf("bad time %q (want HH:MM, 24-hour, US Eastern)", s)
	}
	if _, err := time.Parse("15:04", s); err != nil {
		return fmt.Errorf("bad time %q (want HH:MM, 24-hour, US Eastern)", s)
	}
	return nil
}

// sortEvents orders events by date, time (untimed first), kind and title.
func sortEvents(evs []Event) {
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.Before(b.Date)
		}
		if a.TimeET != b.TimeET {
			return a.TimeET < b.TimeET // "" sorts first; "HH:MM" compares lexically
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Title < b.Title
	})
}

// day returns UTC midnight of t's calendar date in t's own location.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Between returns the events whose date falls after the calendar day of after and on or before
// the calendar day of through: after < Date <= through, compared in whole days (a week's report
// for the week ending Sunday S asks for Between(evs, S, S+7 days)). Each bound's day is taken in
// the bound's own location. The input order is kept; the input is not modified.
func Between(evs []Event, after, through time.Time) []Event {
	lo, hi := day(after), day(through)
	var out []Event
	for _, e := range evs {
		d := day(e.Date)
		if d.After(lo) && !d.After(hi) {
			out = append(out, e)
		}
	}
	return out
}

// Eastern is the US Eastern time zone (America/New_York) used for Date and TimeET.
var Eastern = mustLoadEastern()

func mustLoadEastern() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil { // cannot happen: time/tzdata is linked in
		panic("events: cannot load America/New_York: " + err.Error())
	}
	return loc
}

// icsLine is one unfolded iCalendar content line and the physical line it starts on.
type icsLine struct {
	n    int
	text string
}

// unfoldICS splits an iCalendar stream into logical lines: CRLF or LF line ends, and a line that
// starts with a space or a tab continues the previous one (RFC 5545 §3.1).
func unfoldICS(r io.Reader, name string) ([]icsLine, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &ParseError{File: name, Err: err}
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	var out []icsLine
	for i, raw := range strings.Split(text, "\n") {
		raw = strings.TrimSuffix(raw, "\r")
		n := i + 1
		if raw != "" && (raw[0] == ' ' || raw[0] == '\t') {
			if len(out) == 0 {
				return nil, &ParseError{File: name, Line: n, Err: errors.New("continuation line with nothing to continue")}
			}
			out[len(out)-1].text += raw[1:]
			continue
		}
		if strings.TrimSpace(raw) == "" {
			continue
		}
		out = append(out, icsLine{n: n, text: raw})
	}
	return out, nil
}

// icsProp is a parsed content line: NAME;PARAM=VALUE;...:VALUE.
type icsProp struct {
	name   string            // upper case
	params map[string]string // keys upper case, values unquoted
	value  string
}

// parseICSLine splits a content line at the first colon outside a quoted parameter value.
func parseICSLine(s string) (icsProp, error) {
	inQuote := false
	colon := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case ':':
			if !inQuote {
				colon = i
			}
		}
		if colon >= 0 {
			break
		}
	}
	if colon < 0 {
		return icsProp{}, fmt.Errorf("content line without ':' %q", s)
	}
	head, value := s[:colon], s[colon+1:]
	parts := splitOutsideQuotes(head, ';')
	p := icsProp{name: strings.ToUpper(strings.TrimSpace(parts[0])), value: value}
	if p.name == "" {
		return icsProp{}, fmt.Errorf("content line without a property name %q", s)
	}
	for _, kv := range parts[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return icsProp{}, fmt.Errorf("parameter without '=' %q in %s", kv, p.name)
		}
		if p.params == nil {
			p.params = make(map[string]string)
		}
		p.params[strings.ToUpper(strings.TrimSpace(k))] = strings.Trim(v, `"`)
	}
	return p, nil
}

func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	inQuote, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case sep:
			if !inQuote {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// unescapeText undoes RFC 5545 TEXT escaping: \\ \; \, \n \N.
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default: // \\ \; \, and, leniently, any other escaped character stands for itself
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// windowsZones maps the Windows time-zone names that Outlook and Exchange put in TZID to IANA.
var windowsZones = map[string]string{
	"Eastern Standard Time":  "America/New_York",
	"Central Standard Time":  "America/Chicago",
	"Mountain Standard Time": "America/Denver",
	"Pacific Standard Time":  "America/Los_Angeles",
	"GMT Standard Time":      "Europe/London",
	"UTC":                    "UTC",
}

// loadTZID resolves a TZID parameter: an IANA name, optionally behind a "/prefix/" as some
// producers write it, or a common Windows zone name.
func loadTZID(tzid string) (*time.Location, error) {
	tzid = strings.TrimSpace(tzid)
	if iana, ok := windowsZones[tzid]; ok {
		tzid = iana
	}
	if loc, err := time.LoadLocation(tzid); err == nil {
		return loc, nil
	}
	// "/mozilla.org/20050126_1/America/New_York" and similar: try the trailing Area/City.
	if parts := strings.Split(strings.Trim(tzid, "/"), "/"); len(parts) >= 2 {
		if loc, err := time.LoadLocation(strings.Join(parts[len(parts)-2:], "/")); err == nil {
			return loc, nil
		}
	}
	return nil, fmt.Errorf("unknown TZID %q", tzid)
}

// parseDTSTART converts a DTSTART value to a US Eastern calendar date (UTC midnight) and an
// Eastern "HH:MM" ("" for all-day DATE values). DATE-TIME values may be UTC ("...Z"), carry a
// TZID parameter, or be floating; floating times are taken as US Eastern.
func parseDTSTART(p icsProp) (time.Time, string, error) {
	v := strings.TrimSpace(p.value)
	isDate := strings.EqualFold(p.params["VALUE"], "DATE") || (len(v) == 8 && !strings.Contains(v, "T"))
	if isDate {
		d, err := time.Parse("20060102", v)
		if err != nil {
			return time.Time{}, "", fmt.Errorf("bad DATE %q (want YYYYMMDD)", v)
		}
		return d, "", nil
	}
	var t time.Time
	var err error
	switch {
	case strings.HasSuffix(v, "Z") || strings.HasSuffix(v, "z"):
		t, err = time.Parse("20060102T150405", v[:len(v)-1])
		if err != nil {
			return time.Time{}, "", fmt.Errorf("bad UTC DATE-TIME %q (want YYYYMMDDTHHMMSSZ)", v)
		}
	default:
		loc := Eastern
		if tzid, ok := p.params["TZID"]; ok {
			if loc, err = loadTZID(tzid); err != nil {
				return time.Time{}, "", err
			}
		}
		t, err = time.ParseInLocation("20060102T150405", v, loc)
		if err != nil {
			return time.Time{}, "", fmt.Errorf("bad DATE-TIME %q (want YYYYMMDDTHHMMSS)", v)
		}
	}
	et := t.In(Eastern)
	return day(et), et.Format("15:04"), nil
}

// ParseICS reads the VEVENTs of an iCalendar (RFC 5545) stream. Each event's DTSTART (a DATE, a
// UTC DATE-TIME, a DATE-TIME with TZID, or a floating DATE-TIME taken as US Eastern) becomes the
// US Eastern calendar date and, for timed events, the Eastern "HH:MM"; SUMMARY (unfolded and
// unescaped) becomes the title. Kind is "ics" and Source is name. Components nested in a VEVENT
// (VALARM) and everything outside VEVENTs (VTIMEZONE, X- properties) are ignored; RRULE
// recurrences are not expanded. Errors name the file and line. The result is sorted like Load's.
func ParseICS(r io.Reader, name string) ([]Event, error) {
	lines, err := unfoldICS(r, name)
	if err != nil {
		return nil, err
	}
	var (
		evs     []Event
		in      bool  // inside a VEVENT
		begin   int   // line of its BEGIN:VEVENT
		depth   int   // components nested inside the VEVENT
		cur     Event // the VEVENT being read
		haveDT  bool  // DTSTART seen
		haveSum bool  // SUMMARY seen
		stack   []string
	)
	for _, l := range lines {
		p, err := parseICSLine(l.text)
		if err != nil {
			return nil, &ParseError{File: name, Line: l.n, Err: err}
		}
		switch p.name {
		case "BEGIN":
			comp := strings.ToUpper(strings.TrimSpace(p.value))
			stack = append(stack, comp)
			switch {
			case in:
				depth++
			case comp == "VEVENT":
				in, begin, depth = true, l.n, 0
				cur = Event{Kind: "ics", Source: name}
				haveDT, haveSum = false, false
			}
			continue
		case "END":
			comp := strings.ToUpper(strings.TrimSpace(p.value))
			if len(stack) == 0 || stack[len(stack)-1] != comp {
				want := "nothing open"
				if len(stack) > 0 {
					want = "open component is " + stack[len(stack)-1]
				}
				return nil, &ParseError{File: name, Line: l.n, Field: "END", Err: fmt.Errorf("END:%s does not match (%s)", comp, want)}
			}
			stack = stack[:len(stack)-1]
			if !in {
				continue
			}
			if depth > 0 {
				depth--
				continue
			}
			// END:VEVENT
			in = false
			if !haveDT {
				return nil, &ParseError{File: name, Line: begin, Field: "DTSTART", Err: errors.New("VEVENT without DTSTART")}
			}
			if !haveSum {
				return nil, &ParseError{File: name, Line: begin, Field: "SUMMARY", Err: errors.New("VEVENT without SUMMARY")}
			}
			evs = append(evs, cur)
			continue
		}
		if !in || depth > 0 {
			continue
		}
		switch p.name {
		case "DTSTART":
			if haveDT {
				return nil, &ParseError{File: name, Line: l.n, Field: "DTSTART", Err: errors.New("second DTSTART in one VEVENT")}
			}
			d, hm, err := parseDTSTART(p)
			if err != nil {
				return nil, &ParseError{File: name, Line: l.n, Field: "DTSTART", Err: err}
			}
			cur.Date, cur.TimeET, haveDT = d, hm, true
		case "SUMMARY":
			cur.Title = strings.TrimSpace(unescapeText(p.value))
			haveSum = true
		}
	}
	if len(stack) > 0 {
		line := 0
		if in {
			line = begin
		}
		return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("unterminated %s at end of file", stack[len(stack)-1])}
	}
	sortEvents(evs)
	return evs, nil
}

// Calendar is the built-in calendar plus extra iCalendar sources, as the report's events: each
// extra source is a file path or an http(s) URL, read with get (the caller's polite, archiving
// client). Events are sorted by date, then time.
func Calendar(extra []string, get func(url string) ([]byte, error)) ([]report.Event, error) {
	evs, err := Load()
	if err != nil {
		return nil, err
	}
	for _, src := range extra {
		var body []byte
		if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
			body, err = get(src)
		} else {
			body, err = os.ReadFile(src)
		}
		if err != nil {
			return nil, fmt.Errorf("ics %s: %w", src, err)
		}
		more, err := ParseICS(bytes.NewReader(body), src)
		if err != nil {
			return nil, err
		}
		evs = append(evs, more...)
	}
	out := make([]report.Event, 0, len(evs))
	for _, e := range evs {
		out = append(out, report.Event{Date: cw.DayString(e.Date), Time: e.TimeET, Kind: e.Kind, Title: e.Title, Source: e.Source})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Date != out[j].Date {
			return out[i].Date < out[j].Date
		}
		return out[i].Time < out[j].Time
	})
	return out, nil
}
