package news

import (
	"strings"
	"time"
)

// dateLayouts are tried in order. Zone abbreviations are rewritten to numeric offsets first
// (Go would otherwise read "EST" as a zero-offset zone).
var dateLayouts = []string{
	time.RFC1123Z,                    // Mon, 02 Jan 2006 15:04:05 -0700
	time.RFC1123,                     // Mon, 02 Jan 2006 15:04:05 MST
	"Mon, 2 Jan 2006 15:04:05 -0700", // single-digit day
	"Mon, 2 Jan 2006 15:04 -0700",    // no seconds
	"Mon, 02 Jan 06 15:04:05 -0700",  // two-digit year (RFC 822)
	"Mon, 2 Jan 06 15:04:05 -0700",   //
	"2 Jan 2006 15:04:05 -0700",      // no weekday
	"2 Jan 2006 15:04 -0700",         //
	"Mon, 2 January 2006 15:04:05 -0700",
	"Monday, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05",       // no zone: UTC
	"Mon Jan 2 15:04:05 -0700 2006",  // ruby/unix date
	"Mon Jan _2 15:04:05 2006",       // ANSI C
	time.RFC3339Nano,                 // 2006-01-02T15:04:05.999999999Z07:00
	"2006-01-02T15:04:05Z0700",       // +0800 without colon
	"2006-01-02T15:04:05",            // no zone: UTC
	"2006-01-02T15:04Z07:00",         //
	"2006-01-02 15:04:05Z07:00",      //
	"2006-01-02 15:04:05 -0700",      //
	"2006-01-02 15:04:05",            // no zone: UTC
	"2006-01-02 15:04",               //
	"2006-01-02",                     // date only
	"2006/01/02 15:04:05",            //
	"2006/01/02",                     //
	"January 2, 2006 15:04:05 -0700", //
	"January 2, 2006",                //
	"Jan 2, 2006",                    //
}

var zoneOffsets = map[string]string{
	"UT": "+0000", "UTC": "+0000", "GMT": "+0000", "Z": "+0000",
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
	"CET": "+0100", "CEST": "+0200", "BST": "+0100", "JST": "+0900",
	"HKT": "+0800", "SGT": "+0800", "KST": "+0900", "IST": "+0530",
	"AEST": "+1000", "AEDT": "+1100",
}

var (
	minDate = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ParseDate reads RFC 1123/822 (RSS), RFC 3339 (Atom) and common variants: single-digit days,
// two-digit years, missing seconds or weekday, named zones (EST, GMT, …), "+0800" without a
// colon, "GMT+8", and zoneless timestamps (taken as UTC). Dates before 1990 or after 2099 are
// rejected. The result is UTC.
func ParseDate(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || len(s) > 100 {
		return time.Time{}, false
	}
	s = normalizeZone(s)
	// Capitalise month/weekday names written in lower or upper case ("MON, 02 JAN").
	for _, layout := range dateLayouts {
		for _, cand := range []string{s, titleWords(s)} {
			if t, err := time.Parse(layout, cand); err == nil {
				t = t.UTC()
				if t.Before(minDate) || !t.Before(maxDate) {
					return time.Time{}, false
				}
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// normalizeZone rewrites a trailing zone abbreviation or "GMT+8" style zone to a numeric offset.
func normalizeZone(s string) string {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		if strings.HasSuffix(s, "Z") && strings.Contains(s, "T") { // RFC 3339: leave as is
			return s
		}
		return s
	}
	last := strings.ToUpper(s[i+1:])
	if off, ok := zoneOffsets[last]; ok {
		return s[:i+1] + off
	}
	for _, p := range []string{"GMT", "UTC"} {
		if rest, ok := strings.CutPrefix(last, p); ok && len(rest) >= 2 && (rest[0] == '+' || rest[0] == '-') {
			h := strings.TrimLeft(rest[1:], "0")
			mm := "00"
			if j := strings.IndexByte(h, ':'); j >= 0 {
				h, mm = h[:j], h[j+1:]
			}
			if len(h) <= 2 && len(mm) == 2 {
				if len(h) < 2 {
					h = strings.Repeat("0", 2-len(h)) + h
				}
				return s[:i+1] + string(rest[0]) + h + mm
			}
		}
	}
	return s
}

// titleWords turns "MON, 02 JAN 2026" or "mon, 02 jan 2026" into "Mon, 02 Jan 2026".
func titleWords(s string) string {
	b := []byte(s)
	start := true
	for i, c := range b {
		isLetter := c|0x20 >= 'a' && c|0x20 <= 'z'
		switch {
		case isLetter && start:
			b[i] = c &^ 0x20
			start = false
		case isLetter:
			b[i] = c | 0x20
		default:
			start = true
		}
	}
	out := string(b)
	// keep the RFC 3339 separators upper case
	if len(out) > 10 && out[4] == '-' && (out[10] == 't') {
		out = out[:10] + "T" + out[11:]
	}
	return strings.TrimSuffix(out, "z") + map[bool]string{true: "Z", false: ""}[strings.HasSuffix(out, "z")]
}
