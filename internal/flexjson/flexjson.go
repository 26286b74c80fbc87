// Package flexjson decodes the loosely typed JSON values that crypto data providers send:
// numbers that arrive as numbers, numeric strings or "$1,234" money strings (or as null, an
// object or garbage), identifiers that are sometimes strings and sometimes numbers, unix
// timestamps in seconds or milliseconds, and free text that must be made safe to store.
//
// Everything here is lenient: an unusable value decodes to "no value" instead of failing the
// whole response, so one drifting field does not cost a provider's entire page. Connectors that
// must reject bad input instead (defillama, alternativeme: a wrong value there is an error that
// names the field) keep their own strict decoders on purpose.
package flexjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Num is a lenient JSON number. Provider numeric fields are nullable and their shapes drift, so
// null, a missing field, an object, an array, a boolean, a string that does not parse and a
// non-finite value all decode to Valid=false (no observation) instead of failing the whole
// response. Strings are parsed with ParseLooseNumber, which also covers "$1,234" money strings.
type Num struct {
	Value float64
	Valid bool
}

// UnmarshalJSON never fails: an unusable value is simply not Valid.
func (n *Num) UnmarshalJSON(b []byte) error {
	*n = Num{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch c := b[0]; {
	case c == '"':
		s, ok := plainString(b)
		if !ok && json.Unmarshal(b, &s) != nil {
			return nil
		}
		if v, ok := ParseLooseNumber(s); ok {
			*n = Num{v, true}
		}
	case c == '-' || (c >= '0' && c <= '9'):
		v, err := strconv.ParseFloat(string(b), 64)
		if err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			*n = Num{v, true}
		}
	}
	return nil
}

// ParseLooseNumber parses "1234.5", "$1,234", " 12 ", "-3.2%" (the % sign is dropped, the value
// stays in percent). Non-finite results and hex/inf/nan spellings are rejected.
func ParseLooseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "%")
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	s = strings.TrimPrefix(s, "$")
	s = strings.Map(func(r rune) rune {
		if r == ',' || r == ' ' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return 0, false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == 'e' || r == 'E' || r == '+' || r == '-') {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// Str is a lenient JSON string: a number is kept as its literal text, anything else but a
// string (null, object, array, bool) is "".
type Str string

// UnmarshalJSON never fails.
func (s *Str) UnmarshalJSON(b []byte) error {
	*s = Str(String(b))
	return nil
}

// String decodes raw JSON as Str does: a string's value, a number's literal text, and "" for
// anything else (missing, null, object, array, bool, malformed).
func String(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch c := raw[0]; {
	case c == '"':
		if v, ok := plainString(raw); ok {
			return v
		}
		var v string
		if json.Unmarshal(raw, &v) == nil {
			return v
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return string(raw)
	}
	return ""
}

// plainString is the value of a quoted JSON string that needs no decoding (printable ASCII, no
// escapes): most provider strings, for which json.Unmarshal's validation and reflection were
// most of a page's decoding time. ok is false for anything else, which then takes json.Unmarshal.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	in := raw[1 : len(raw)-1]
	for _, c := range in {
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return "", false
		}
	}
	return string(in), true
}

// CleanText makes provider text safe to store and print as plain text: invalid UTF-8 is
// replaced by U+FFFD, control and format characters (incl. bidi overrides) are dropped,
// whitespace runs collapse to one space, and the result is capped at max runes (max <= 0: no
// cap). HTML is NOT interpreted: a token named "<script>alert(1)</script>" keeps that literal,
// inert text — escaping is the renderer's job.
func CleanText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
			n++
		}
		space = false
		if max > 0 && n >= max {
			break
		}
		b.WriteRune(r)
		n++
	}
	out := b.String()
	if max > 0 && utf8.RuneCountInString(out) > max {
		out = string([]rune(out)[:max])
	}
	return strings.TrimSpace(out)
}

// DecodeArray decodes a top-level JSON array element by element: an element that does not
// decode into T is skipped and counted instead of failing the whole page. Only a body that is
// not an array is an error, reported as "<source>: <what>: body is not a JSON array: ...".
func DecodeArray[T any](body []byte, source, what string) ([]T, int, error) {
	// Fast path: one pass over the whole array. When every element decodes it gives what the
	// element-by-element path gives (a null element is T's zero value either way), at about half
	// the cost; any error sends the page through the element-by-element path below.
	var all []T
	if json.Unmarshal(body, &all) == nil && all != nil {
		return all, 0, nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		// An API that refuses a request often answers an object with its reason: say that,
		// not only that the shape is wrong.
		if msg := APIMessage(body); msg != "" {
			return nil, 0, fmt.Errorf("%s: %s: the API answered an error instead of a list: %q", source, what, msg)
		}
		return nil, 0, fmt.Errorf("%s: %s: body is not a JSON array: %w", source, what, err)
	}
	out := make([]T, 0, len(raw))
	skipped := 0
	for _, r := range raw {
		var v T
		if err := json.Unmarshal(r, &v); err != nil {
			skipped++
			continue
		}
		out = append(out, v)
	}
	return out, skipped, nil
}

// Plausible unix times: provider data starts with Bitcoin's genesis day and cannot be dated
// after tomorrow (UTC); anything outside [MinTime, MaxTime()) is a unit error or garbage. These
// are the bounds cryptoweekly.CheckDay puts on a stored day (plausible_test.go holds them
// equal), so what a decoder accepts the store accepts too.
var MinTime = time.Date(2009, 1, 3, 0, 0, 0, 0, time.UTC)

// MaxTime is the start of the day after tomorrow (UTC).
func MaxTime() time.Time {
	return time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 2)
}

// millisFrom is the smallest timestamp read as milliseconds: 1e11 seconds would be the year
// 5138, 1e11 milliseconds is 1973 — both implausible, so the split loses nothing real.
const millisFrom = 1e11

// UnixTime converts a unix timestamp given in seconds or milliseconds (values >= 1e11 are
// milliseconds) to UTC, truncating fractions to the unit. It reports false for negative values
// and for times outside [MinTime, MaxTime).
func UnixTime(v float64) (time.Time, bool) {
	var t time.Time
	switch {
	case math.IsNaN(v) || v < 0 || v > 1e15:
		return time.Time{}, false
	case v < millisFrom:
		t = time.Unix(int64(v), 0).UTC()
	default:
		t = time.UnixMilli(int64(v)).UTC()
	}
	if t.Before(MinTime) || !t.Before(MaxTime()) {
		return time.Time{}, false
	}
	return t, true
}

// Time decodes a lenient timestamp: unix seconds or milliseconds as a number or numeric string
// (see UnixTime), or an RFC 3339 string. It reports false for anything else and for times
// outside [MinTime, MaxTime).
func Time(raw []byte) (time.Time, bool) {
	var n Num
	_ = json.Unmarshal(raw, &n)
	if n.Valid && n.Value >= 0 {
		return UnixTime(n.Value)
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return time.Time{}, false
	}
	p, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, false
	}
	t := p.UTC()
	if t.Before(MinTime) || !t.Before(MaxTime()) {
		return time.Time{}, false
	}
	return t, true
}

// APIMessage finds a provider's own error message in a JSON object body ({"error": "..."},
// {"message": "..."}, {"status": {"error_message": "..."}}, {"code": -1121, "msg": "..."}),
// cleaned and clipped for an error text; "" when there is none.
func APIMessage(body []byte) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return ""
	}
	for _, k := range []string{"error", "error_message", "message", "msg", "errors"} {
		if v, ok := obj[k]; ok {
			if s := CleanText(String(v), 200); s != "" {
				return s
			}
			var inner map[string]json.RawMessage
			if json.Unmarshal(v, &inner) == nil {
				for _, k2 := range []string{"message", "error_message", "msg"} {
					if s := CleanText(String(inner[k2]), 200); s != "" {
						return s
					}
				}
			}
		}
	}
	if st, ok := obj["status"]; ok {
		var inner map[string]json.RawMessage
		if json.Unmarshal(st, &inner) == nil {
			if s := CleanText(String(inner["error_message"]), 200); s != "" {
				return s
			}
		}
	}
	return ""
}

// Decimal reads a finite decimal number given as a JSON number or a numeric string (the two
// forms exchanges write amounts in). Missing, null, an object or a boolean is schema drift, not
// a value; "NaN", "Inf" and hex are no decimals either. The sign is the caller's to check.
func Decimal(raw []byte) (float64, error) {
	b := bytes.TrimSpace(raw)
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if json.Unmarshal(b, &s) != nil {
			return 0, fmt.Errorf("not a number: %s", quote(string(b)))
		}
		s = strings.TrimSpace(s)
	} else if len(b) == 0 || !(b[0] == '-' || (b[0] >= '0' && b[0] <= '9')) {
		return 0, fmt.Errorf("not a number: %s", quote(string(b)))
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == 'e' || r == 'E') {
			return 0, fmt.Errorf("%s is not a decimal number", quote(s))
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s is not a finite number", quote(s))
	}
	return v, nil
}

// quote quotes at most the first 40 bytes of s, for an error message.
func quote(s string) string {
	if len(s) > 40 {
		return strconv.Quote(strings.ToValidUTF8(s[:40], "?")) + "…"
	}
	return strconv.Quote(s)
}
