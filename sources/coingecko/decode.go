package coingecko

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Num is a lenient JSON number. CoinGecko marks nearly every numeric field nullable and the
// shapes drift, so null, a missing field, an object, an array, a boolean, a string that does not
// parse and a non-finite value all decode to Valid=false (no observation) instead of failing the
// whole response. Strings are parsed after removing "$", "," and spaces, which also covers the
// "$1,234" money strings of /search/trending.
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
		return nil, 0, fmt.Errorf("coingecko: %s: body is not a JSON array: %w", what, err)
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

// Market is one row of /coins/markets.
type Market struct {
	ID        Str `json:"id"`
	Symbol    Str `json:"symbol"`
	Name      Str `json:"name"`
	Price     Num `json:"current_price"`
	MarketCap Num `json:"market_cap"`
	Rank      Num `json:"market_cap_rank"`
	Volume24h Num `json:"total_volume"`
	Supply    Num `json:"circulating_supply"`
	Pct24h    Num `json:"price_change_percentage_24h_in_currency"`
	Pct24hRaw Num `json:"price_change_percentage_24h"`
	Pct7d     Num `json:"price_change_percentage_7d_in_currency"`
}

// DecodeMarkets decodes a /coins/markets page. Rows without an id are dropped (counted in
// skipped); strings are cleaned.
func DecodeMarkets(body []byte) (rows []Market, skipped int, err error) {
	all, skipped, err := decodeArray[Market](body, "/coins/markets")
	if err != nil {
		return nil, 0, err
	}
	rows = all[:0]
	for _, m := range all {
		m.ID = Str(CleanText(string(m.ID), 200))
		m.Symbol = Str(CleanText(string(m.Symbol), 64))
		m.Name = Str(CleanText(string(m.Name), 200))
		if m.ID == "" {
			skipped++
			continue
		}
		rows = append(rows, m)
	}
	return rows, skipped, nil
}

// Category is one row of /coins/categories/list.
type Category struct {
	ID   Str `json:"category_id"`
	Name Str `json:"name"`
}

// DecodeCategoriesList decodes /coins/categories/list.
func DecodeCategoriesList(body []byte) ([]Category, error) {
	all, _, err := decodeArray[Category](body, "/coins/categories/list")
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		c.ID = Str(CleanText(string(c.ID), 200))
		c.Name = Str(CleanText(string(c.Name), 200))
		if c.ID != "" {
			out = append(out, c)
		}
	}
	return out, nil
}

// Point is one [unix_ms, value] pair of a market chart.
type Point struct {
	T time.Time
	V float64
}

// MarketChart is /coins/{id}/market_chart.
type MarketChart struct {
	Prices, MarketCaps, Volumes []Point
}

// earliest/latest accepted chart time: CoinGecko data starts in 2013; anything outside this
// window is a unit error or garbage.
var (
	minChartTime = time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC)
	maxChartTime = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// DecodeMarketChart decodes /coins/{id}/market_chart. Timestamps are unix MILLISECONDS; a
// timestamp below 1e11 is taken as unix SECONDS (defensive: it would otherwise be 1973).
// Points whose time or value is unusable are dropped. The body must be a JSON object.
func DecodeMarketChart(body []byte) (MarketChart, error) {
	var raw struct {
		Prices     json.RawMessage `json:"prices"`
		MarketCaps json.RawMessage `json:"market_caps"`
		Volumes    json.RawMessage `json:"total_volumes"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return MarketChart{}, fmt.Errorf("coingecko: /coins/{id}/market_chart: body is not a JSON object: %w", err)
	}
	if raw.Prices == nil && raw.MarketCaps == nil && raw.Volumes == nil {
		return MarketChart{}, fmt.Errorf("coingecko: /coins/{id}/market_chart: no prices, market_caps or total_volumes field")
	}
	return MarketChart{
		Prices:     decodePoints(raw.Prices),
		MarketCaps: decodePoints(raw.MarketCaps),
		Volumes:    decodePoints(raw.Volumes),
	}, nil
}

func decodePoints(b json.RawMessage) []Point {
	var raw []json.RawMessage
	if json.Unmarshal(b, &raw) != nil {
		return nil
	}
	out := make([]Point, 0, len(raw))
	for _, r := range raw {
		var pair []Num
		if json.Unmarshal(r, &pair) != nil || len(pair) < 2 || !pair[0].Valid || !pair[1].Valid {
			continue
		}
		ts := pair[0].Value
		var t time.Time
		switch {
		case ts < 0 || ts > 1e15:
			continue
		case ts < 1e11:
			t = time.Unix(int64(ts), 0).UTC()
		default:
			t = time.UnixMilli(int64(ts)).UTC()
		}
		if t.Before(minChartTime) || !t.Before(maxChartTime) {
			continue
		}
		out = append(out, Point{T: t, V: pair[1].Value})
	}
	return out
}

// DailyPoints reduces a chart series to one value per UTC day, sorted by day:
//   - the point exactly at 00:00:00.000 UTC wins its day (with interval=daily CoinGecko emits
//     00:00 points plus a final "now" point; when two points share a day the 00:00 one is the
//     daily value and the other is the intraday "now" sample);
//   - if a day has several 00:00 points (duplicate timestamps) the first one in the response wins;
//   - a day without a 00:00 point uses its earliest point, EXCEPT the fetch day (today), where a
//     non-midnight point is the partial "now" sample and is dropped;
//   - points after the fetch day (clock skew, garbage) are dropped.
//
// Input order does not matter (unsorted input is sorted stably by time first).
func DailyPoints(pts []Point, today time.Time) []Point {
	today = dayOf(today)
	s := append([]Point(nil), pts...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].T.Before(s[j].T) })
	type pick struct {
		p        Point
		midnight bool
	}
	byDay := map[time.Time]pick{}
	var days []time.Time
	for _, p := range s {
		d := dayOf(p.T)
		mid := p.T.Equal(d)
		if d.After(today) || (!mid && d.Equal(today)) {
			continue // a future point, or today's partial "now" point
		}
		cur, ok := byDay[d]
		switch {
		case !ok:
			days = append(days, d)
			byDay[d] = pick{p, mid}
		case mid && !cur.midnight:
			byDay[d] = pick{p, mid}
		}
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	out := make([]Point, 0, len(days))
	for _, d := range days {
		out = append(out, Point{T: d, V: byDay[d].p.V})
	}
	return out
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// TrendingCoin is one coins[].item of /search/trending.
type TrendingCoin struct {
	ID            Str `json:"id"`
	Name          Str `json:"name"`
	Symbol        Str `json:"symbol"`
	MarketCapRank Num `json:"market_cap_rank"`
	Score         Num `json:"score"`
	Data          struct {
		Price       Num `json:"price"`
		MarketCap   Num `json:"market_cap"`   // "$521,967,819"
		TotalVolume Num `json:"total_volume"` // "$31,701,707"
	} `json:"data"`
	// Rank is the 1-based position in coins[] (CoinGecko's score is the same order, 0-based).
	Rank int `json:"-"`
}

// DecodeTrending decodes the coins of /search/trending (NFTs and categories are ignored).
func DecodeTrending(body []byte) ([]TrendingCoin, error) {
	var raw struct {
		Coins *[]json.RawMessage `json:"coins"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("coingecko: /search/trending: body is not a JSON object: %w", err)
	}
	if raw.Coins == nil {
		return nil, fmt.Errorf("coingecko: /search/trending: no coins array")
	}
	var out []TrendingCoin
	for _, r := range *raw.Coins {
		var w struct {
			Item *TrendingCoin `json:"item"`
		}
		if json.Unmarshal(r, &w) != nil || w.Item == nil {
			continue
		}
		c := *w.Item
		c.ID = Str(CleanText(string(c.ID), 200))
		c.Name = Str(CleanText(string(c.Name), 200))
		c.Symbol = Str(CleanText(string(c.Symbol), 64))
		if c.ID == "" && c.Symbol == "" && c.Name == "" {
			continue
		}
		c.Rank = len(out) + 1
		out = append(out, c)
	}
	return out, nil
}

// Global is the part of /global we keep.
type Global struct {
	TotalMarketCapUSD Num
	TotalVolumeUSD    Num
	BTCDominancePct   Num
	ETHDominancePct   Num
	UpdatedAt         Num // unix s
}

// DecodeGlobal decodes /global.
func DecodeGlobal(body []byte) (Global, error) {
	var raw struct {
		Data *struct {
			TotalMarketCap json.RawMessage `json:"total_market_cap"`
			TotalVolume    json.RawMessage `json:"total_volume"`
			MarketCapPct   json.RawMessage `json:"market_cap_percentage"`
			UpdatedAt      Num             `json:"updated_at"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return Global{}, fmt.Errorf("coingecko: /global: body is not the expected object: %w", err)
	}
	if raw.Data == nil {
		return Global{}, fmt.Errorf("coingecko: /global: no data object")
	}
	d := raw.Data
	return Global{
		TotalMarketCapUSD: numMap(d.TotalMarketCap)["usd"],
		TotalVolumeUSD:    numMap(d.TotalVolume)["usd"],
		BTCDominancePct:   numMap(d.MarketCapPct)["btc"],
		ETHDominancePct:   numMap(d.MarketCapPct)["eth"],
		UpdatedAt:         d.UpdatedAt,
	}, nil
}

// numMap decodes {"usd": n, ...}; anything that is not an object yields an empty map.
func numMap(b json.RawMessage) map[string]Num {
	var m map[string]Num
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}
