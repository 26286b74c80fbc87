package lunarcrush

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Num is a lenient JSON number. LunarCrush fields are nullable and their shapes drift, so null, a
// missing field, an object, an array, a boolean, a string that does not parse and a non-finite
// value all decode to Valid=false (no observation) instead of failing the whole response.
// Numeric strings ("96450.12", "$1,234") are parsed.
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
		var s string
		if json.Unmarshal(b, &s) != nil {
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
	*s = ""
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch c := b[0]; {
	case c == '"':
		var v string
		if json.Unmarshal(b, &v) == nil {
			*s = Str(v)
		}
	case c == '-' || (c >= '0' && c <= '9'):
		*s = Str(b)
	}
	return nil
}

// CleanText makes provider text safe to store and print as plain text: invalid UTF-8 is
// replaced, control and format characters (incl. bidi overrides) are dropped, whitespace runs
// collapse to one space, and the result is capped at max runes. HTML is NOT interpreted: a
// token named "<script>alert(1)</script>" keeps that literal, inert text — escaping is the
// renderer's job.
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

// decodeArray decodes a top-level JSON array element by element: an element that is not a
// usable object is skipped and counted instead of failing the whole page.
func decodeArray[T any](body []byte, what string) ([]T, int, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, 0, fmt.Errorf("lunarcrush: %s: body is not a JSON array: %w", what, err)
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
