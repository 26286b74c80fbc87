package flexjson

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func num(v float64) Num { return Num{v, true} }

func TestNum(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Num
	}{
		{`1.5`, num(1.5)},
		{`-3`, num(-3)},
		{` 42 `, num(42)},
		{`"96450.12"`, num(96450.12)},
		{`"$521,967,819"`, num(521967819)},
		{`"-$1,234.5"`, num(-1234.5)},
		{`"8.23%"`, num(8.23)},
		{`"1 234"`, num(1234)},
		{`null`, Num{}},
		{`{"usd":1}`, Num{}},
		{`[1,2]`, Num{}},
		{`true`, Num{}},
		{`""`, Num{}},
		{`"n/a"`, Num{}},
		{`"NaN"`, Num{}},
		{`"Infinity"`, Num{}},
		{`"0x10"`, Num{}},
		{`1e400`, Num{}},
	} {
		var n Num
		if err := json.Unmarshal([]byte(tc.in), &n); err != nil {
			t.Errorf("%s: error %v", tc.in, err)
		}
		if n != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.in, n, tc.want)
		}
	}
}

func TestNumInStruct(t *testing.T) {
	// A missing field stays zero (not Valid); a bad field does not fail its neighbours.
	var v struct {
		A, B, C Num
	}
	if err := json.Unmarshal([]byte(`{"A":{"x":1},"C":"$7"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A.Valid || v.B.Valid || v.C != num(7) {
		t.Errorf("%+v", v)
	}
}

func TestParseLooseNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1234.5", 1234.5, true},
		{" 12 ", 12, true},
		{"$1,234", 1234, true},
		{"-3.2%", -3.2, true},
		{"1e3", 1000, true},
		{"1\u00a0000", 1000, true},
		{"", 0, false},
		{"$", 0, false},
		{"inf", 0, false},
		{"nan", 0, false},
		{"0x1p3", 0, false},
		{"12abc", 0, false},
		{"1e999", 0, false},
	} {
		got, ok := ParseLooseNumber(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseLooseNumber(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestStr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"bitcoin"`, "bitcoin"},
		{`1`, "1"},
		{`-2.5e3`, "-2.5e3"},
		{`null`, ""},
		{`true`, ""},
		{`{"a":1}`, ""},
		{`["a"]`, ""},
		{`"a\u0000b"`, "a\x00b"}, // decoding does not clean: CleanText does
	} {
		var s Str
		if err := json.Unmarshal([]byte(tc.in), &s); err != nil {
			t.Errorf("%s: error %v", tc.in, err)
		}
		if string(s) != tc.want {
			t.Errorf("Str(%s) = %q, want %q", tc.in, s, tc.want)
		}
		if got := String([]byte(tc.in)); got != tc.want {
			t.Errorf("String(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, raw := range []string{``, `  `, `"unterminated`} {
		if got := String([]byte(raw)); got != "" {
			t.Errorf("String(%q) = %q", raw, got)
		}
	}
}

func TestCleanText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"Bitcoin", 200, "Bitcoin"},
		{"<script>alert(1)</script> Coin", 200, "<script>alert(1)</script> Coin"}, // inert text, not interpreted
		{"Evil\x00\x07Coin\u202e", 200, "EvilCoin"},
		{"bidi\u202dover\u2066ride\u200b", 200, "bidioverride"},
		{"  two\n\tlines  ", 200, "two lines"},
		{"bad\xffutf8", 200, "bad\uFFFDutf8"},
		{"a\u2028b\u00a0c", 200, "a b c"},
		{"abc def", 3, "abc"},
		{"ab cd", 3, "ab"},
		{"abcdef", 0, "abcdef"},
		{"", 10, ""},
	} {
		if got := CleanText(tc.in, tc.max); got != tc.want {
			t.Errorf("CleanText(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
	if got := CleanText(strings.Repeat("é", 300), 10); got != strings.Repeat("é", 10) {
		t.Errorf("cap: %q", got)
	}
}

func TestDecodeArray(t *testing.T) {
	type row struct {
		ID Str `json:"id"`
		V  Num `json:"v"`
	}
	rows, skipped, err := DecodeArray[row]([]byte(`[{"id":"a","v":"1"},42,"x",{"id":2,"v":null},null]`), "src", "/rows")
	if err != nil {
		t.Fatal(err)
	}
	// null decodes into a zero row (encoding/json leaves the value untouched), 42 and "x" do not.
	if skipped != 2 || len(rows) != 3 || rows[0].ID != "a" || rows[0].V != num(1) || rows[1].ID != "2" || rows[1].V.Valid {
		t.Errorf("rows %+v skipped %d", rows, skipped)
	}
	_, _, err = DecodeArray[row]([]byte(`{"page":1}`), "src", "/rows")
	if err == nil || !strings.HasPrefix(err.Error(), "src: /rows: body is not a JSON array: ") {
		t.Errorf("err %v", err)
	}
}

func TestUnixTime(t *testing.T) {
	day := time.Date(2026, 1, 11, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   float64
		want time.Time
		ok   bool
	}{
		{1768089600, day, true},    // seconds
		{1768089600000, day, true}, // milliseconds
		{1768089600.9, day, true},  // fractions truncate to the unit
		{1768089600123, day.Add(123 * time.Millisecond), true},
		{1e11, time.Time{}, false},                                         // 1973 in ms (5138 in s)
		{1e10, time.Time{}, false},                                         // 2286 in s
		{1230940800, MinTime, true},                                        // 2009-01-03
		{1230940799, time.Time{}, false},                                   // before MinTime
		{float64(MaxTime().Unix()), time.Time{}, false},                    // MaxTime is exclusive
		{float64(MaxTime().Unix() - 1), MaxTime().Add(-time.Second), true}, // the last second of tomorrow
		{-1, time.Time{}, false},
		{2e15, time.Time{}, false},
		{math.NaN(), time.Time{}, false},
		{math.Inf(1), time.Time{}, false},
	} {
		got, ok := UnixTime(tc.in)
		if !got.Equal(tc.want) || ok != tc.ok || (ok && got.Location() != time.UTC) {
			t.Errorf("UnixTime(%v) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestTime(t *testing.T) {
	day := time.Date(2026, 1, 11, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{`1768089600`, day, true},
		{`"1768089600"`, day, true},
		{`1768089600000`, day, true},
		{`"2026-01-11T00:00:00.000Z"`, day, true},
		{`" 2026-01-11T01:00:00+01:00 "`, day, true},
		{`"2200-01-01T00:00:00Z"`, time.Time{}, false},
		{`"2026-01-11"`, time.Time{}, false},
		{`-5`, time.Time{}, false},
		{`null`, time.Time{}, false},
		{``, time.Time{}, false},
		{`{}`, time.Time{}, false},
	} {
		got, ok := Time([]byte(tc.in))
		if !got.Equal(tc.want) || ok != tc.ok {
			t.Errorf("Time(%s) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzDecode checks the lenient decoders never fail or panic and keep their promises on any
// input: Num is finite when Valid, String agrees with Str, CleanText output is clean and capped,
// Time stays inside [MinTime, MaxTime).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`1.5`, `"$1,234"`, `"-3.2%"`, `null`, `{"a":1}`, `"\u202eevil\u0000"`,
		`"<script>x</script>"`, `1768089600000`, `"2026-01-11T00:00:00Z"`, "\"bad\xff\"", `1e400`} {
		f.Add([]byte(s), 20)
	}
	f.Fuzz(func(t *testing.T, raw []byte, max int) {
		var n Num
		if err := n.UnmarshalJSON(raw); err != nil {
			t.Fatal(err)
		}
		if n.Valid && (math.IsNaN(n.Value) || math.IsInf(n.Value, 0)) {
			t.Fatalf("non-finite %v", n.Value)
		}
		if !n.Valid && n.Value != 0 {
			t.Fatalf("invalid Num carries %v", n.Value)
		}
		var s Str
		if err := s.UnmarshalJSON(raw); err != nil || string(s) != String(raw) {
			t.Fatalf("Str %q vs String %q (%v)", s, String(raw), err)
		}
		max %= 500
		c := CleanText(string(raw), max)
		if !utf8.ValidString(c) || c != strings.TrimSpace(c) || strings.Contains(c, "  ") {
			t.Fatalf("unclean %q", c)
		}
		if max > 0 && utf8.RuneCountInString(c) > max {
			t.Fatalf("%q longer than %d runes", c, max)
		}
		for _, r := range c {
			if r != ' ' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r)) {
				t.Fatalf("%q keeps %U", c, r)
			}
		}
		if tm, ok := Time(raw); ok && (tm.Before(MinTime) || !tm.Before(MaxTime()) || tm.Location() != time.UTC) {
			t.Fatalf("time %v out of range", tm)
		}
	})
}

// An error object instead of a list shows the provider's own message.
func TestDecodeArrayShowsAPIMessage(t *testing.T) {
	for body, want := range map[string]string{
		`{"error":"Missing parameter vs_currency"}`:                                      `"Missing parameter vs_currency"`,
		`{"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit"}}`: `"You've exceeded the Rate Limit"`,
		`{"code":-1121,"msg":"Invalid symbol."}`:                                         `"Invalid symbol."`,
		`{"error":{"message":"bad\u0007 key"}}`:                                          `"bad key"`,
		`{"data":1}`:                                                                     "body is not a JSON array",
	} {
		_, _, err := DecodeArray[struct{}]([]byte(body), "coingecko", "/coins/markets")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "coingecko: /coins/markets") {
			t.Errorf("%s: %v, want it to contain %s", body, err, want)
		}
	}
}
