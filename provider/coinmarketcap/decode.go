package coinmarketcap

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"cryptoweekly/internal/flexjson"
)

// Status is the envelope every CMC response carries.
type Status struct {
	Timestamp    flexjson.Str `json:"timestamp"`
	ErrorCode    flexjson.Str `json:"error_code"` // 0 on listings, "0" (a string) on the F&G routes
	ErrorMessage flexjson.Str `json:"error_message"`
	CreditCount  flexjson.Num `json:"credit_count"`
	Notice       flexjson.Str `json:"notice"`
}

// OK reports whether error_code is absent or zero (number or string).
func (s Status) OK() bool {
	c := strings.TrimSpace(string(s.ErrorCode))
	if c == "" {
		return true
	}
	v, err := strconv.ParseFloat(c, 64)
	return err == nil && v == 0
}

// StatusError is a CMC error reported in the status envelope.
type StatusError struct {
	Endpoint string
	HTTP     int // HTTP status, 0 when the error came with a 200
	Code     string
	Message  string
}

func (e *StatusError) Error() string {
	s := "coinmarketcap: " + e.Endpoint + ": "
	if e.HTTP != 0 {
		s += fmt.Sprintf("HTTP %d: ", e.HTTP)
	}
	s += "error_code " + e.Code
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// DecodeStatus reads the status envelope of body. ok is false when body has no status object.
func DecodeStatus(body []byte) (st Status, ok bool) {
	var env struct {
		Status *Status `json:"status"`
	}
	if json.Unmarshal(body, &env) != nil || env.Status == nil {
		return Status{}, false
	}
	env.Status.ErrorMessage = flexjson.Str(flexjson.CleanText(string(env.Status.ErrorMessage), 300))
	env.Status.ErrorCode = flexjson.Str(flexjson.CleanText(string(env.Status.ErrorCode), 40))
	return *env.Status, true
}

// checkEnvelope decodes status + data; a non-zero error_code is a *StatusError.
func checkEnvelope(body []byte, endpoint string) (Status, json.RawMessage, error) {
	var env struct {
		Status *Status         `json:"status"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return Status{}, nil, fmt.Errorf("coinmarketcap: %s: body is not a JSON object: %w", endpoint, err)
	}
	var st Status
	if env.Status != nil {
		st, _ = DecodeStatus(body)
		if !st.OK() {
			return st, nil, &StatusError{Endpoint: endpoint, Code: string(st.ErrorCode), Message: string(st.ErrorMessage)}
		}
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return st, nil, fmt.Errorf("coinmarketcap: %s: no data in response", endpoint)
	}
	return st, env.Data, nil
}

// Tags is a lenient tag list: strings, or objects with a slug/name (other CMC routes), anything
// else skipped.
type Tags []string

// UnmarshalJSON never fails.
func (t *Tags) UnmarshalJSON(b []byte) error {
	*t = nil
	var raw []json.RawMessage
	if json.Unmarshal(b, &raw) != nil {
		return nil
	}
	for _, r := range raw {
		var s string
		if json.Unmarshal(r, &s) != nil {
			var o struct {
				Slug flexjson.Str `json:"slug"`
				Name flexjson.Str `json:"name"`
			}
			if json.Unmarshal(r, &o) != nil {
				continue
			}
			s = string(o.Slug)
			if s == "" {
				s = string(o.Name)
			}
		}
		if s = flexjson.CleanText(s, 100); s != "" {
			*t = append(*t, s)
		}
	}
	return nil
}

// Quote is quote.USD of a listing.
type Quote struct {
	Price     flexjson.Num `json:"price"`
	Volume24h flexjson.Num `json:"volume_24h"`
	Pct24h    flexjson.Num `json:"percent_change_24h"`
	Pct7d     flexjson.Num `json:"percent_change_7d"`
	MarketCap flexjson.Num `json:"market_cap"`
}

// Listing is one row of /v1/cryptocurrency/listings/latest.
type Listing struct {
	ID          flexjson.Str    `json:"id"`
	Name        flexjson.Str    `json:"name"`
	Symbol      flexjson.Str    `json:"symbol"`
	Slug        flexjson.Str    `json:"slug"`
	Rank        flexjson.Num    `json:"cmc_rank"`
	Circulating flexjson.Num    `json:"circulating_supply"`
	Tags        Tags            `json:"tags"`
	Quotes      json.RawMessage `json:"quote"`
	USD         Quote           `json:"-"`
}

// DecodeListings decodes /v1/cryptocurrency/listings/latest. Rows without an id are skipped
// and counted; a row whose quote has no usable USD object keeps its entity but gets no market
// metrics.
func DecodeListings(body []byte) (rows []Listing, st Status, skipped int, err error) {
	const ep = "/v1/cryptocurrency/listings/latest"
	st, data, err := checkEnvelope(body, ep)
	if err != nil {
		return nil, st, 0, err
	}
	all, skipped, err := flexjson.DecodeArray[Listing](data, "coinmarketcap", ep+" data")
	if err != nil {
		return nil, st, 0, err
	}
	for _, l := range all {
		l.ID = flexjson.Str(flexjson.CleanText(string(l.ID), 40))
		l.Name = flexjson.Str(flexjson.CleanText(string(l.Name), 200))
		l.Symbol = flexjson.Str(flexjson.CleanText(string(l.Symbol), 64))
		l.Slug = flexjson.Str(flexjson.CleanText(string(l.Slug), 200))
		if l.ID == "" {
			skipped++
			continue
		}
		var q map[string]json.RawMessage
		if json.Unmarshal(l.Quotes, &q) == nil {
			json.Unmarshal(q["USD"], &l.USD)
		}
		l.Quotes = nil
		rows = append(rows, l)
	}
	return rows, st, skipped, nil
}

// SortListings orders rows for ID assignment: cmc_rank ascending, unranked rows by market cap,
// then the rest; stable. Repeated CMC ids keep their first sighting.
func SortListings(rows []Listing) []Listing {
	seen := map[flexjson.Str]bool{}
	out := make([]Listing, 0, len(rows))
	for _, r := range rows {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := out[i].Rank, out[j].Rank
		rvi, rvj := ri.Valid && ri.Value >= 1, rj.Valid && rj.Value >= 1
		if rvi != rvj {
			return rvi
		}
		if rvi {
			return ri.Value < rj.Value
		}
		a, b := out[i].USD.MarketCap, out[j].USD.MarketCap
		av, bv := a.Valid && a.Value > 0, b.Valid && b.Value > 0
		if av != bv {
			return av
		}
		return av && a.Value > b.Value
	})
	return out
}

// FearGreedPoint is one day of the CMC Fear & Greed index.
type FearGreedPoint struct {
	Time           time.Time
	Value          float64
	Classification string
}

type rawFG struct {
	Timestamp      json.RawMessage `json:"timestamp"`
	UpdateTime     json.RawMessage `json:"update_time"`
	Value          flexjson.Num    `json:"value"`
	Classification flexjson.Str    `json:"value_classification"`
}

func (r rawFG) point() (FearGreedPoint, bool) {
	ts := r.Timestamp
	if len(ts) == 0 || string(ts) == "null" {
		ts = r.UpdateTime
	}
	t, ok := flexjson.Time(ts) // unix s or ms (number or string) or RFC 3339, 2009..2100
	if !ok || !r.Value.Valid || r.Value.Value < 0 || r.Value.Value > 100 {
		return FearGreedPoint{}, false
	}
	return FearGreedPoint{Time: t, Value: r.Value.Value, Classification: flexjson.CleanText(string(r.Classification), 40)}, true
}

// DecodeFearGreedHistorical decodes /v3/fear-and-greed/historical. Unusable points (bad
// timestamp, value outside 0..100) are skipped and counted.
func DecodeFearGreedHistorical(body []byte) (pts []FearGreedPoint, st Status, skipped int, err error) {
	const ep = "/v3/fear-and-greed/historical"
	st, data, err := checkEnvelope(body, ep)
	if err != nil {
		return nil, st, 0, err
	}
	all, skipped, err := flexjson.DecodeArray[rawFG](data, "coinmarketcap", ep+" data")
	if err != nil {
		return nil, st, 0, err
	}
	for _, r := range all {
		p, ok := r.point()
		if !ok {
			skipped++
			continue
		}
		pts = append(pts, p)
	}
	return pts, st, skipped, nil
}

// DecodeFearGreedLatest decodes /v3/fear-and-greed/latest.
func DecodeFearGreedLatest(body []byte) (FearGreedPoint, Status, error) {
	const ep = "/v3/fear-and-greed/latest"
	st, data, err := checkEnvelope(body, ep)
	if err != nil {
		return FearGreedPoint{}, st, err
	}
	var r rawFG
	if err := json.Unmarshal(data, &r); err != nil {
		return FearGreedPoint{}, st, fmt.Errorf("coinmarketcap: %s: data is not an object: %w", ep, err)
	}
	p, ok := r.point()
	if !ok {
		return FearGreedPoint{}, st, fmt.Errorf("coinmarketcap: %s: data has no usable value/update_time", ep)
	}
	return p, st, nil
}

// DailyFearGreed keeps one point per UTC day: the earliest timestamp of the day (the daily
// value; the API gives 00:00 points), the first in the response when timestamps tie. Input
// order does not matter; output is sorted by day with Time truncated to the day.
func DailyFearGreed(pts []FearGreedPoint) []FearGreedPoint {
	byDay := map[time.Time]FearGreedPoint{}
	for _, p := range pts {
		d := dayOf(p.Time)
		if cur, ok := byDay[d]; !ok || p.Time.Before(cur.Time) {
			byDay[d] = p
		}
	}
	out := make([]FearGreedPoint, 0, len(byDay))
	for d, p := range byDay {
		p.Time = d
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
