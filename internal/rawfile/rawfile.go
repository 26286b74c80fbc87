// Package rawfile reads the bundled raw data files (CSV and JSON exports that other people
// published) for the providers' file families. Its errors name the file and line
// ("defillama-chain-tvl-pairie-koh/chain_tvl_historical_long.csv:42: field tvl: …") so a bad row
// can be found without a debugger, and Series refuses a second value for one entity/metric/day,
// naming both places, because a silently overwritten value is a wrong figure nobody can trace.
package rawfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	cw "cryptoweekly"
)

// LineError is an error at a line of a file, optionally in a named field.
type LineError struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *LineError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s:%d: field %s: %v", e.File, e.Line, e.Field, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// CSVFile is a CSV file read whole, with its header mapped to column indexes and each record's
// starting line number kept for error messages.
type CSVFile struct {
	Name   string
	Header []string
	Rows   [][]string
	Lines  []int // Lines[i] is the 1-based line where Rows[i] starts
	col    map[string]int
}

// Size caps: far above any real file (the largest bundled file is 12 MB, its longest line under 10 kB),
// they keep a hostile or broken file from being buffered or echoed whole.
const (
	MaxFileBytes  = 64 << 20 // one raw file (5× the largest bundled one)
	MaxLineBytes  = 1 << 20  // one line of a CSV file
	MaxFieldBytes = 64 << 10 // one CSV field
)

// ReadFile reads a raw file whole after checking its size, and checks that it is UTF-8 text
// (a UTF-16 file or invalid bytes are errors naming the file and line).
func ReadFile(fsys fs.FS, name string) ([]byte, error) {
	if st, err := fs.Stat(fsys, name); err == nil && st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d MB a raw file may have", name, st.Size(), MaxFileBytes>>20)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%s: more than the %d MB a raw file may have", name, MaxFileBytes>>20)
	}
	if err := CheckText(name, data); err != nil {
		return nil, err
	}
	return data, nil
}

// CheckText checks that data is UTF-8 text: not UTF-16 (the usual export from spreadsheet
// programs), no NUL bytes, no invalid byte sequences. Errors name the file and line.
func CheckText(name string, data []byte) error {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return fmt.Errorf("%s: the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8", name)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line := 1 + bytes.Count(data[:i], []byte("\n"))
		if i < 64 || bytes.Count(data[:min(len(data), 1024)], []byte{0}) > 8 {
			return &LineError{File: name, Line: line, Err: errors.New("NUL bytes: the file looks UTF-16 (or binary), not UTF-8 text: save it as UTF-8")}
		}
		return &LineError{File: name, Line: line, Err: errors.New("NUL byte in text")}
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		line := 1 + bytes.Count(data[:i], []byte("\n"))
		start := bytes.LastIndexByte(data[:i], '\n') + 1
		end := min(len(data), i+8)
		return &LineError{File: name, Line: line, Err: fmt.Errorf("invalid UTF-8 (byte 0x%02x at column %d, near %s)", data[i], i-start+1, cw.Quote(string(data[max(start, i-40):end])))}
	}
	return nil
}

// ReadCSV reads a CSV file from fsys, stripping a UTF-8 byte-order mark, with the given field
// delimiter (',' or ';'). The first record is the header. required names columns that must exist.
func ReadCSV(fsys fs.FS, name string, delim rune, required ...string) (*CSVFile, error) {
	data, err := ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	return ParseCSV(name, data, delim, required...)
}

// ParseCSV is ReadCSV on bytes already in memory. A file must be UTF-8 text with lines of at
// most MaxLineBytes and fields of at most MaxFieldBytes, and hold at least one data row.
func ParseCSV(name string, data []byte, delim rune, required ...string) (*CSVFile, error) {
	if err := CheckText(name, data); err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for line, rest := 1, data; len(rest) > 0; line++ {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			i = len(rest)
		}
		if i > MaxLineBytes {
			return nil, &LineError{File: name, Line: line, Err: fmt.Errorf("line of %d bytes, more than the %d allowed: %s", i, MaxLineBytes, cw.Quote(string(rest[:min(i, 4*cw.MaxQuoteBytes)])))}
		}
		rest = rest[min(i+1, len(rest)):]
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	f := &CSVFile{Name: name, col: map[string]int{}}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &LineError{File: name, Line: pe.StartLine, Err: pe.Err}
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		for j, v := range rec {
			if len(v) > MaxFieldBytes {
				return nil, &LineError{File: name, Line: line, Err: fmt.Errorf("column %d: field of %d bytes, more than the %d allowed: %s", j+1, len(v), MaxFieldBytes, cw.Quote(v))}
			}
		}
		if f.Header == nil {
			f.Header = rec
			if len(rec) == 1 && len(required) > 1 {
				return nil, &LineError{File: name, Line: line, Err: fmt.Errorf("header has one column, %s: wrong delimiter? (this file is %s-separated)", cw.Quote(rec[0]), delimName(delim))}
			}
			for i, h := range rec {
				h = strings.TrimSpace(h)
				if _, dup := f.col[h]; dup {
					return nil, &LineError{File: name, Line: line, Err: fmt.Errorf("duplicate column %s", cw.Quote(h))}
				}
				f.col[h] = i
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(f.Header) {
			return nil, &LineError{File: name, Line: line, Err: fmt.Errorf("%d fields, header has %d", len(rec), len(f.Header))}
		}
		f.Rows = append(f.Rows, rec)
		f.Lines = append(f.Lines, line)
	}
	if f.Header == nil {
		return nil, fmt.Errorf("%s: empty file", name)
	}
	for _, c := range required {
		if _, ok := f.col[c]; !ok {
			return nil, &LineError{File: name, Line: 1, Err: fmt.Errorf("missing column %s (schema drift?)", cw.Quote(c))}
		}
	}
	if len(f.Rows) == 0 {
		return nil, &LineError{File: name, Line: 1, Err: errors.New("header only: the file has no data rows (truncated?)")}
	}
	return f, nil
}

func delimName(d rune) string {
	if d == ';' {
		return "semicolon"
	}
	return "comma"
}

// Col returns the index of a column, or -1.
func (f *CSVFile) Col(name string) int {
	if i, ok := f.col[name]; ok {
		return i
	}
	return -1
}

// Get returns row i's value in column name ("" if the column is absent).
func (f *CSVFile) Get(i int, name string) string {
	c := f.Col(name)
	if c < 0 {
		return ""
	}
	return strings.TrimSpace(f.Rows[i][c])
}

// Err builds a LineError for row i and field.
func (f *CSVFile) Err(i int, field string, err error) error {
	return &LineError{File: f.Name, Line: f.Lines[i], Field: field, Err: err}
}

// Float reads row i's column as a number a web page displayed (ParseNumber: "$1,234.5");
// empty is an error. Machine-written columns use Plain.
func (f *CSVFile) Float(i int, name string) (float64, error) {
	v, err := ParseNumber(f.Get(i, name))
	if err != nil {
		return 0, f.Err(i, name, err)
	}
	return v, nil
}

// isPlain is the one grammar of machine-written numbers: an optional sign, digits with an
// optional decimal point, an optional exponent. No thousands separators, no decimal commas, no
// units, no hex, no "Inf"/"NaN", no underscores. It is the regular expression of
// TestIsPlainMatchesRE written out by hand: it runs for every number of every import, where the
// regexp's backtracking cost more than the float parse itself.
func isPlain(t string) bool {
	i, n := 0, len(t)
	if i < n && (t[i] == '+' || t[i] == '-') {
		i++
	}
	int0 := i
	for i < n && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	digits := i - int0
	if i < n && t[i] == '.' {
		i++
		frac0 := i
		for i < n && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		digits += i - frac0
	}
	if digits == 0 {
		return false
	}
	if i < n && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < n && (t[i] == '+' || t[i] == '-') {
			i++
		}
		exp0 := i
		for i < n && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == exp0 {
			return false
		}
	}
	return i == n
}

// displayStrip removes the sign, "$" and thousands commas of a display number displayRE
// accepted; built once, not per number.
var displayStrip = strings.NewReplacer("-", "", "$", "", ",", "")

// displayRE is the grammar of numbers a web page displayed: an optional minus, an optional "$",
// digits grouped by thousands commas (every group of three) or not grouped at all, an optional
// decimal part.
var displayRE = regexp.MustCompile(`^-?\$?-?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$`)

// ParsePlain parses a machine-written number ("1.5e9", "-3", as exports and API dumps write
// them). Anything else is an error ("12abc", "$1,000", "101428,75": a stray unit or separator in
// a machine file means the column is not what it was checked to be), unlike ParseNumber. NaN,
// Inf and empty strings are errors.
func ParsePlain(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, errors.New("empty value")
	}
	if !isPlain(t) {
		if l := strings.ToLower(strings.TrimLeft(t, "+-")); l == "nan" || l == "inf" || l == "infinity" {
			return 0, fmt.Errorf("not a finite number: %s", cw.Quote(s))
		}
		return 0, fmt.Errorf("not a number (machine-written files use plain numbers like 1234.5): %s", cw.Quote(s))
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a finite number: %s", cw.Quote(s))
	}
	return v, nil
}

// Plain reads row i's column as a machine-written number (ParsePlain); empty is an error.
func (f *CSVFile) Plain(i int, name string) (float64, error) {
	v, err := ParsePlain(f.Get(i, name))
	if err != nil {
		return 0, f.Err(i, name, err)
	}
	return v, nil
}

// ParseNumber parses a plain number (ParsePlain) or a display string as CoinMarketCap pages show
// them ("$1,928,353,928,001.88", "-$3.5"): a leading "$" and thousands commas in groups of
// three. Units, misplaced commas ("$2,5132") and trailing text are errors; a column that carries
// a unit strips it first. NaN, Inf and empty strings are errors.
func ParseNumber(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, errors.New("empty value")
	}
	if isPlain(t) {
		return ParsePlain(t)
	}
	if l := strings.ToLower(strings.TrimLeft(t, "+-")); l == "nan" || l == "inf" || l == "infinity" {
		return ParsePlain(t)
	}
	if !displayRE.MatchString(t) || strings.Count(t, "-") > 1 {
		return 0, fmt.Errorf("not a number: %s", cw.Quote(s))
	}
	neg := strings.Contains(t, "-")
	t = displayStrip.Replace(t)
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a finite number: %s", cw.Quote(s))
	}
	if neg {
		v = -v
	}
	return v, nil
}

// ParseDayPrefix parses the leading YYYY-MM-DD of a date or timestamp string
// ("2024-12-13", "2024-12-13T00:00:00Z", "2024-12-13 12:00:00") as a UTC day.
func ParseDayPrefix(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) < 10 {
		return time.Time{}, fmt.Errorf("not a date: %q", s)
	}
	return cw.ParseDay(s[:10])
}

// ParseUnixDay turns unix seconds, or milliseconds when the value is too large to be seconds,
// into the UTC day. DefiLlama sends seconds, CoinGecko milliseconds.
func ParseUnixDay(v float64) (time.Time, error) {
	if math.IsNaN(v) || v <= 0 || v > 1e14 {
		return time.Time{}, fmt.Errorf("bad timestamp %v", v)
	}
	if v > 1e11 { // milliseconds: 1e11 s is the year 5138
		v /= 1000
	}
	d := cw.Day(time.Unix(int64(v), 0))
	if err := cw.CheckDay(d); err != nil {
		return time.Time{}, fmt.Errorf("timestamp %v: %w", v, err)
	}
	return d, nil
}

// Series collects the observations of one batch and rejects a second value for the same
// entity/metric/day, reporting both places.
type Series struct {
	src    cw.SourceID
	obs    []cw.Observation
	keys   *cw.KeySet
	wheres []string // where each kept observation came from, for the duplicate message
	last   time.Time
	prevM  cw.Metric
	rng    cw.Range
}

// NewSeries starts the observations of one batch of source src.
func NewSeries(src cw.SourceID) *Series {
	return &Series{src: src, keys: cw.NewKeySet(0), last: cw.LastDay()}
}

// Grow makes room for about n more observations: a parser that knows its row count saves the
// copies of a growing slice of a million rows.
func (s *Series) Grow(n int) {
	s.obs = slices.Grow(s.obs, n)
	s.wheres = slices.Grow(s.wheres, n)
}

// Obs is what was added, in order.
func (s *Series) Obs() []cw.Observation { return s.obs }

// Add records a value; where says where it came from ("file:line") for duplicate messages.
func (s *Series) Add(entity string, metric cw.Metric, day time.Time, v float64, where string) error {
	if day.Before(cw.FirstDay) || day.After(s.last) {
		err := cw.CheckDay(day)
		if err == nil { // the clock passed midnight since the series began: its bound still holds
			err = fmt.Errorf("day %s is after %s, the last day this import accepts", cw.DayString(day), cw.DayString(s.last))
		}
		return fmt.Errorf("%s: %s %s: %w", where, entity, metric, err)
	}
	if metric != s.prevM || s.obs == nil {
		s.prevM, s.rng = metric, cw.PlausibleRange(metric)
	}
	if err := s.rng.Check(metric, v); err != nil {
		return fmt.Errorf("%s: %s %s %s: %w", where, entity, metric, cw.DayString(day), err)
	}
	if first, dup := s.keys.Add(entity, metric, day); dup {
		return fmt.Errorf("%s: duplicate day %s for %s %s (first at %s)", where, cw.DayString(day), entity, metric, s.wheres[first])
	}
	s.wheres = append(s.wheres, where)
	s.obs = append(s.obs, cw.Observation{Entity: entity, Metric: metric, Day: day, Value: v, Source: s.src})
	return nil
}

// At is the "file:line" place Series.Add names in its duplicate messages.
func At(file string, line int) string { return file + ":" + strconv.Itoa(line) } // not Sprintf: called per row

// CheckNoGaps checks that a daily series has no missing day between its first and last day.
// days must be in file order (either direction); lines are the matching file lines. known lists
// days the upstream itself lacks ("2024-10-26") — documented in SOURCES.md — which are allowed.
func CheckNoGaps(file string, days []time.Time, lines []int, known map[string]bool) error {
	if len(days) < 2 {
		return nil
	}
	idx := make([]int, len(days))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return days[idx[a]].Before(days[idx[b]]) })
	for k := 1; k < len(idx); k++ {
		prev, cur := days[idx[k-1]], days[idx[k]]
		for d := prev.AddDate(0, 0, 1); d.Before(cur); d = d.AddDate(0, 0, 1) {
			if !known[cw.DayString(d)] {
				return &LineError{File: file, Line: lines[idx[k]], Err: fmt.Errorf("gap: no row for %s (between %s and %s)", cw.DayString(d), cw.DayString(prev), cw.DayString(cur))}
			}
		}
	}
	return nil
}

// CheckNonNegative rejects a negative supply, TVL, price or market cap.
func CheckNonNegative(f *CSVFile, i int, field string, v float64) error {
	if v < 0 {
		return f.Err(i, field, fmt.Errorf("negative value %v", v))
	}
	return nil
}

// Floats reads columns of row i as machine-written numbers (ParsePlain); nonNeg marks those that
// may not be negative.
func Floats(f *CSVFile, i int, cols []string, nonNeg bool) ([]float64, error) {
	out := make([]float64, len(cols))
	for j, c := range cols {
		v, err := f.Plain(i, c)
		if err != nil {
			return nil, err
		}
		if nonNeg {
			if err := CheckNonNegative(f, i, c, v); err != nil {
				return nil, err
			}
		}
		out[j] = v
	}
	return out, nil
}

// Whole reads a machine-written whole number of at least min (a rank, a count).
func Whole(f *CSVFile, i int, col string, min float64) (float64, error) {
	v, err := f.Plain(i, col)
	if err != nil {
		return 0, err
	}
	if v < min || v != float64(int64(v)) {
		return 0, f.Err(i, col, fmt.Errorf("not a whole number ≥ %v: %s", min, cw.Quote(f.Get(i, col))))
	}
	return v, nil
}

// Symbol reads a ticker: not empty, no blanks.
func Symbol(f *CSVFile, i int, col string) (string, error) {
	s := f.Get(i, col)
	if s == "" || strings.ContainsAny(s, " \t") {
		return "", f.Err(i, col, fmt.Errorf("bad symbol %s", cw.Quote(s)))
	}
	return s, nil
}

// Replace sets the value of an observation added before (a later vintage of the same series
// overriding an earlier file); it reports whether there was one.
func (s *Series) Replace(entity string, metric cw.Metric, day time.Time, v float64) (bool, error) {
	if err := cw.CheckValue(metric, v); err != nil {
		return false, fmt.Errorf("%s %s %s: %w", entity, metric, cw.DayString(day), err)
	}
	i, ok := s.keys.Find(entity, metric, day)
	if ok {
		s.obs[i].Value = v
	}
	return ok, nil
}
