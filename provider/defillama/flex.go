package defillama

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	cw "cryptoweekly"
	"cryptoweekly/internal/flexjson"
)

// DecodeError names the source, endpoint and field of a decoding failure:
// "defillama: /v2/historicalChainTvl/Ethereum: field tvl[12].tvl: negative value -5".
type DecodeError struct {
	Endpoint string
	Field    string
	Msg      string
}

func (e *DecodeError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("defillama: %s: %s", e.Endpoint, e.Msg)
	}
	return fmt.Sprintf("defillama: %s: field %s: %s", e.Endpoint, e.Field, e.Msg)
}

func derr(endpoint, field, format string, args ...any) error {
	return &DecodeError{Endpoint: endpoint, Field: field, Msg: fmt.Sprintf(format, args...)}
}

var errMissing = errors.New("missing")
var errNull = errors.New("null")

func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return string(raw) == "null"
}

func isMissing(raw json.RawMessage) bool { return len(bytes.TrimSpace(raw)) == 0 }

// Why defillama keeps its own number, time and name decoders instead of flexjson's lenient ones:
// DefiLlama series feed TVL/volume/supply totals, where a silently dropped point changes the
// weekly numbers. So these decoders are strict on purpose: a wrong value is an error naming the
// endpoint and field (DecodeError) rather than "no value"; missing and null are told apart
// (errMissing/errNull); "US$" prefixes are accepted but "%" suffixes are not; times keep their
// fractional seconds and must fall in 2000..2100; names with invalid UTF-8 are rejected (not
// repaired) and keep format characters. Tests pin these messages and outcomes.

// flexFloat decodes a JSON number, a string holding one, or a formatted money string
// ("$1,234.5", "1.2B" is NOT accepted: suffixes are ambiguous). Missing -> errMissing,
// null -> errNull. NaN and ±Inf are rejected.
func flexFloat(raw json.RawMessage) (float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0, errMissing
	}
	if string(raw) == "null" {
		return 0, errNull
	}
	s := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		s = strings.TrimSpace(s)
		s = strings.TrimPrefix(s, "US$")
		s = strings.TrimPrefix(s, "$")
		s = strings.ReplaceAll(s, ",", "")
		if s == "" {
			return 0, errNull
		}
	} else if raw[0] == '{' || raw[0] == '[' || raw[0] == 't' || raw[0] == 'f' {
		return 0, fmt.Errorf("want a number, got %.40s", s)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("not a number: %.40q", s)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("not a finite number: %.40q", s)
	}
	return f, nil
}

// flexTime decodes unix seconds or milliseconds given as a number or a string.
func flexTime(raw json.RawMessage) (time.Time, error) {
	f, err := flexFloat(raw)
	if err != nil {
		return time.Time{}, err
	}
	if f > 1e11 { // milliseconds (1e11 s would be the year 5138)
		f /= 1000
	}
	if f < 946684800 || f > 4102444800 { // 2000-01-01 .. 2100-01-01
		return time.Time{}, fmt.Errorf("implausible unix time %v", f)
	}
	sec, frac := math.Modf(f)
	t := time.Unix(int64(sec), int64(frac*1e9)).UTC()
	// The same bound a stored observation must pass (Bitcoin's genesis to tomorrow), so a
	// decoded batch never fails validation after the decoder accepted it.
	if err := cw.CheckDay(cw.Day(t)); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// flexString decodes a string, a number (as text) or null/missing (""): the same lenient rule
// as the other connectors, so it is flexjson's.
func flexString(raw json.RawMessage) string { return flexjson.String(raw) }

// cleanName validates and normalises a display name: it must be valid UTF-8 (encoding/json turns
// invalid bytes into U+FFFD, so that rune is rejected too), control characters are removed and
// surrounding space trimmed. Markup such as "<script>" is kept verbatim: names are data, the
// renderer escapes them.
func cleanName(s string) (string, error) {
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return "", fmt.Errorf("invalid UTF-8 in %q", strings.ToValidUTF8(s, "?"))
	}
	out := strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, s))
	if len(out) > 200 {
		return "", fmt.Errorf("name longer than 200 bytes")
	}
	return out, nil
}

// cleanText is cleanName for optional text: invalid input yields "".
func cleanText(s string) string {
	out, err := cleanName(s)
	if err != nil {
		return ""
	}
	return out
}

// point is one decoded (time, value) sample with the JSON path it came from.
type point struct {
	t     time.Time
	v     float64
	field string // e.g. "tvl[12].tvl"
}

// dayPolicy decides which sample represents a UTC day when several fall on it.
type dayPolicy int

const (
	// policyDailyClose: DefiLlama TVL histories are one point per day at 00:00 UTC, with the LAST
	// point replaced by the latest hourly record. The 00:00 point is the day's value; the final
	// point, when not at 00:00, is a partial day and is dropped (it would change hour by hour and
	// make runs irreproducible). Other off-grid points (old listings, e.g. 23:00) are kept for
	// their UTC day only when the day has no 00:00 point; several -> the earliest.
	policyDailyClose dayPolicy = iota
	// policyDayBar: one bar per UTC day (DEX volume, stablecoin supply). Two different values on
	// one day are a conflict.
	policyDayBar
	// policyNearestMidnight: price samples near the 00:00 grid (coins.llama.fi chart). Each sample
	// is assigned to the nearest UTC midnight; the sample closest to it wins.
	policyNearestMidnight
)

func isMidnight(t time.Time) bool { return t.Equal(cw.Day(t)) }

// reduceDays sorts samples, removes identical duplicates, reports conflicting ones and keeps one
// value per UTC day according to policy. Days on or after dropFrom (if non-zero) are dropped.
func reduceDays(endpoint string, pts []point, pol dayPolicy, dropFrom time.Time) (map[time.Time]float64, error) {
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].t.Before(pts[j].t) })
	// exact-timestamp duplicates
	uniq := pts[:0]
	for _, p := range pts {
		if n := len(uniq); n > 0 && uniq[n-1].t.Equal(p.t) {
			if uniq[n-1].v != p.v {
				return nil, derr(endpoint, p.field, "conflicting duplicate timestamp %s: %v vs %v (%s)",
					p.t.Format(time.RFC3339), p.v, uniq[n-1].v, uniq[n-1].field)
			}
			continue
		}
		uniq = append(uniq, p)
	}
	pts = uniq
	out := map[time.Time]float64{}
	chosen := map[time.Time]point{}
	for i, p := range pts {
		day := cw.Day(p.t)
		switch pol {
		case policyDailyClose:
			if i == len(pts)-1 && !isMidnight(p.t) && len(pts) > 1 {
				continue // latest hourly record: partial day
			}
			if old, ok := chosen[day]; ok {
				if isMidnight(p.t) && !isMidnight(old.t) {
					chosen[day] = p
				}
				continue
			}
			chosen[day] = p
		case policyDayBar:
			if old, ok := chosen[day]; ok {
				if old.v != p.v {
					return nil, derr(endpoint, p.field, "conflicting values for day %s: %v (%s) and %v",
						cw.DayString(day), old.v, old.field, p.v)
				}
				continue
			}
			chosen[day] = p
		case policyNearestMidnight:
			day = cw.Day(p.t.Add(12 * time.Hour))
			dist := func(q point) time.Duration {
				d := q.t.Sub(day)
				if d < 0 {
					d = -d
				}
				return d
			}
			if old, ok := chosen[day]; ok && dist(old) <= dist(p) {
				continue
			}
			chosen[day] = p
		}
	}
	for day, p := range chosen {
		if !dropFrom.IsZero() && !day.Before(cw.Day(dropFrom)) {
			continue
		}
		out[day] = p.v
	}
	return out, nil
}

func observations(entity string, metric cw.Metric, source cw.SourceID, days map[time.Time]float64) []cw.Observation {
	obs := make([]cw.Observation, 0, len(days))
	for d, v := range days {
		obs = append(obs, cw.Observation{Entity: entity, Metric: metric, Day: d, Value: v, Source: source})
	}
	sort.Slice(obs, func(i, j int) bool { return obs[i].Day.Before(obs[j].Day) })
	return obs
}

// checkedObservations is observations after the plausibility table: a value the store would
// refuse is an error here, naming the endpoint and the day (found by fuzzing: a chain TVL of
// 9.1e14 got as far as the batch's validation).
func checkedObservations(endpoint, entity string, metric cw.Metric, source cw.SourceID, days map[time.Time]float64) ([]cw.Observation, error) {
	obs := observations(entity, metric, source, days)
	for _, o := range obs {
		if err := cw.CheckValue(metric, o.Value); err != nil {
			return nil, derr(endpoint, string(metric)+" on "+cw.DayString(o.Day), "%v", err)
		}
	}
	return obs, nil
}

// nonNegative validates a USD amount.
func nonNegative(endpoint, field string, v float64) error {
	if v < 0 {
		return derr(endpoint, field, "negative value %v", v)
	}
	return nil
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// topLevel checks the first JSON byte so a 200 with an error object instead of an array (or the
// reverse) is reported clearly.
func topLevel(endpoint string, body []byte, want byte, what string) error {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return derr(endpoint, "", "empty body")
	}
	if b[0] != want {
		return derr(endpoint, "", "want a JSON %s, got %s", what, describe(b))
	}
	return nil
}

func describe(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 120 {
		b = b[:120]
	}
	return strconv.Quote(strings.ToValidUTF8(string(b), "?"))
}
