package rawfile

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestParsePlainStrict(t *testing.T) {
	for _, s := range []string{"101428,75", "100030.47xyz", "$1,000", "1_000", "0x10", "Inf", "NaN", "1e", "--1", "1.2.3", ""} {
		if v, err := ParsePlain(s); err == nil {
			t.Errorf("ParsePlain(%q) = %v, want an error", s, v)
		}
	}
	for s, want := range map[string]float64{"1.5e9": 1.5e9, "-3": -3, " 0.25 ": 0.25, ".5": 0.5, "7.": 7, "+2": 2} {
		if v, err := ParsePlain(s); err != nil || v != want {
			t.Errorf("ParsePlain(%q) = %v, %v; want %v", s, v, err, want)
		}
	}
}

func TestParseNumberStrict(t *testing.T) {
	for _, s := range []string{"$2,5132", "100030.47xyz", "19,791,646BTC", "1,23", ",123", "$", "$1,234,56.7", "$-$1", "NaN", "$1e300x"} {
		if v, err := ParseNumber(s); err == nil {
			t.Errorf("ParseNumber(%q) = %v, want an error", s, v)
		}
	}
	for s, want := range map[string]float64{"$1,928,353,928,001.88": 1928353928001.88, "$1.5902": 1.5902, "-$3.5": -3.5, "$-3.5": -3.5, "1234.5": 1234.5, "12": 12, "1e3": 1000} {
		if v, err := ParseNumber(s); err != nil || v != want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v", s, v, err, want)
		}
	}
}

func TestParseCSVRejects(t *testing.T) {
	utf16 := []byte{0xff, 0xfe}
	for _, r := range "a,b\n1,2\n" {
		utf16 = append(utf16, byte(r), 0)
	}
	cases := []struct {
		name, data, want string
	}{
		{"utf16", string(utf16), "f.csv: the file is UTF-16"},
		{"utf16 without BOM", "a\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x00", "f.csv:1: NUL bytes: the file looks UTF-16"},
		{"invalid utf8", "a,b\n1,optimi\xe9sm\n", "f.csv:2: invalid UTF-8"},
		{"header only", "a,b\n", "f.csv:1: header only"},
		{"huge field", "a,b\n1," + strings.Repeat("9", MaxFieldBytes+1) + "\n", "f.csv:2: column 2: field of 65537 bytes"},
		{"huge line", "a,b\n1," + strings.Repeat("9,", MaxLineBytes) + "\n", "f.csv:2: line of"},
		{"wrong delimiter", "a;b\n1;2\n", "f.csv:1: header has one column"},
	}
	for _, c := range cases {
		_, err := ParseCSV("f.csv", []byte(c.data), ',', "a", "b")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
		if err != nil && len(err.Error()) > 300 {
			t.Errorf("%s: message of %d bytes", c.name, len(err.Error()))
		}
	}
}

func TestReadFileChecksText(t *testing.T) {
	fsys := fstest.MapFS{"p.json": {Data: []byte("{\"name\": \"bad\xff\"}")}}
	if _, err := ReadFile(fsys, "p.json"); err == nil || !strings.Contains(err.Error(), "p.json:1: invalid UTF-8") {
		t.Errorf("got %v", err)
	}
}

func TestParseUnixDayBounds(t *testing.T) {
	for _, v := range []float64{1e18, 1e13 * 1000, 1, 1e9 * 100} {
		if d, err := ParseUnixDay(v); err == nil {
			t.Errorf("ParseUnixDay(%g) = %v, want an error", v, d)
		}
	}
	if d, err := ParseUnixDay(1734048000); err != nil || d.Format("2006-01-02") != "2024-12-13" {
		t.Errorf("ParseUnixDay: %v %v", d, err)
	}
}
