// Package alternativeme is everything of the alternative.me Crypto Fear & Greed Index: the live
// connector, the bundled dump of the same API (files.go, same series id), the catalogue entry and
// the provider registration (provider.go).
//
// Endpoint: GET https://api.alternative.me/fng/?limit=0&format=json (limit=0 = full history since
// 2018-02-01; no key). Response:
//
//	{"name":"Fear and Greed Index","data":[{"value":"47","value_classification":"Neutral",
//	  "timestamp":"1777248000","time_until_update":"..."}],"metadata":{"error":null}}
//
// value and timestamp are STRINGS, timestamp is unix seconds at 00:00 UTC, newest first. The
// index is BTC-centric; attribution is required wherever it is shown.
package alternativeme

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

const (
	// DefaultBaseURL is the API root; tests point it at an httptest server.
	DefaultBaseURL = "https://api.alternative.me"
	// SourceFearGreed names the series in the store.
	SourceFearGreed cw.SourceID = "alternativeme-fng"
	// EntityID is the index entity.
	EntityID = "index:fear-greed"
	// Metric is the observation metric.
	Metric   = cw.MetricValue
	Provider = "alternative.me"
	Licence  = "alternative.me API terms: free, attribution required"
	Note     = "alternative.me Crypto Fear & Greed Index: 0 (extreme fear) .. 100 (extreme greed), daily at 00:00 UTC; " +
		"BTC-centric (volatility 25%, momentum/volume 25%, social 15%, surveys 15% (paused), dominance 10%, Google Trends 10%); " +
		"attribution required. Not the CoinMarketCap or CoinGecko index."
	endpoint = "/fng/"
)

// Source implements cryptoweekly.Source.
type Source struct {
	client *httpx.Client
	base   string
}

// Option configures a Source.
type Option func(*Source)

// WithBaseURL overrides https://api.alternative.me (tests).
func WithBaseURL(u string) Option {
	return func(s *Source) { s.base = strings.TrimRight(u, "/") }
}

// New builds the connector.
func New(client *httpx.Client, opts ...Option) *Source {
	s := &Source{client: client, base: DefaultBaseURL}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Name implements cryptoweekly.Source.
func (s *Source) Name() string { return "alternativeme" }

// URL is the full-history request.
func (s *Source) URL() string { return s.base + endpoint + "?limit=0&format=json" }

// Fetch returns one batch with the days strictly after since's UTC day (zero since = all).
func (s *Source) Fetch(ctx context.Context, since time.Time) ([]cw.Batch, error) {
	resp, err := s.client.Get(ctx, httpx.Request{Source: s.Name(), Endpoint: endpoint, URL: s.URL()})
	if err != nil {
		return nil, err
	}
	b, err := DecodeFNG(resp.Body)
	if err != nil {
		return nil, err
	}
	b.Source.Location = resp.URL
	b.Source.FetchedAt = resp.FetchedAt
	if !since.IsZero() {
		cut := cw.Day(since)
		kept := b.Observations[:0]
		for _, o := range b.Observations {
			if o.Day.After(cut) {
				kept = append(kept, o)
			}
		}
		b.Observations = kept
	}
	if err := b.Validate(); err != nil {
		return nil, fmt.Errorf("alternativeme: %s: %w", endpoint, err)
	}
	return []cw.Batch{b}, nil
}

type fngResponse struct {
	Name     string          `json:"name"`
	Data     json.RawMessage `json:"data"`
	Metadata *struct {
		Error json.RawMessage `json:"error"`
	} `json:"metadata"`
}

type fngPoint struct {
	Value          json.RawMessage `json:"value"`
	Classification json.RawMessage `json:"value_classification"`
	Timestamp      json.RawMessage `json:"timestamp"`
}

func fieldErr(field string, format string, args ...any) error {
	return fmt.Errorf("alternativeme: %s: field %s: %s", endpoint, field, fmt.Sprintf(format, args...))
}

// flexNumber accepts a JSON number or a string holding one. It is deliberately stricter than
// flexjson.Num: the index has one value per day, so a missing, null or malformed value or
// timestamp is an error naming the field (a skipped day would silently leave a gap), and money
// formatting ("$", ",", "%") is not accepted.
func flexNumber(raw json.RawMessage) (float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, fmt.Errorf("missing")
	}
	s := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		s = strings.TrimSpace(s)
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

// DecodeFNG decodes an /fng/ body into one batch (all days, ascending). Location and FetchedAt are
// left for the caller. Identical duplicate days are merged; conflicting ones are an error.
func DecodeFNG(body []byte) (cw.Batch, error) {
	var r fngResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return cw.Batch{}, fmt.Errorf("alternativeme: %s: %w", endpoint, err)
	}
	if r.Metadata != nil {
		e := bytes.TrimSpace(r.Metadata.Error)
		if len(e) > 0 && string(e) != "null" && string(e) != `""` && string(e) != "false" {
			var msg string
			if json.Unmarshal(e, &msg) != nil {
				msg = string(e)
			}
			return cw.Batch{}, fieldErr("metadata.error", "API error: %.200q", msg)
		}
	}
	d := bytes.TrimSpace(r.Data)
	if len(d) == 0 || d[0] != '[' {
		return cw.Batch{}, fieldErr("data", "want an array, got %.40q", string(d))
	}
	var pts []fngPoint
	if err := json.Unmarshal(d, &pts); err != nil {
		return cw.Batch{}, fieldErr("data", "%v", err)
	}
	if len(pts) == 0 {
		return cw.Batch{}, fieldErr("data", "empty")
	}
	type dayVal struct {
		v     float64
		idx   int
		class string
	}
	days := map[time.Time]dayVal{}
	var newest time.Time
	var newestClass string
	for i, p := range pts {
		ts, err := flexNumber(p.Timestamp)
		if err != nil {
			return cw.Batch{}, fieldErr(fmt.Sprintf("data[%d].timestamp", i), "%v", err)
		}
		if ts > 1e12 { // milliseconds
			ts /= 1000
		}
		if ts < 1.2e9 || ts > 4.1e9 || ts != math.Trunc(ts) { // 2008 .. 2099
			return cw.Batch{}, fieldErr(fmt.Sprintf("data[%d].timestamp", i), "implausible unix time %v", ts)
		}
		day := cw.Day(time.Unix(int64(ts), 0))
		v, err := flexNumber(p.Value)
		if err != nil {
			return cw.Batch{}, fieldErr(fmt.Sprintf("data[%d].value", i), "%v", err)
		}
		if v < 0 || v > 100 {
			return cw.Batch{}, fieldErr(fmt.Sprintf("data[%d].value", i), "%v outside 0..100 on %s", v, cw.DayString(day))
		}
		var class string
		_ = json.Unmarshal(p.Classification, &class)
		class = cleanText(class)
		if old, ok := days[day]; ok {
			if old.v != v {
				return cw.Batch{}, fieldErr(fmt.Sprintf("data[%d].value", i), "day %s has conflicting values %v (data[%d]) and %v",
					cw.DayString(day), old.v, old.idx, v)
			}
			continue
		}
		days[day] = dayVal{v: v, idx: i, class: class}
		if day.After(newest) {
			newest, newestClass = day, class
		}
	}
	b := cw.Batch{
		Source: cw.Provenance{ID: SourceFearGreed, Provider: Provider, Licence: Licence, Note: Note},
		Entities: []cw.Entity{{
			ID: EntityID, Kind: cw.KindIndex, Name: "Crypto Fear & Greed Index (alternative.me)",
			Tags:  []string{"provider:alternative.me"},
			Attrs: map[string]string{"latest_day": cw.DayString(newest), "latest_classification": newestClass},
		}},
	}
	for day, dv := range days {
		b.Observations = append(b.Observations, cw.Observation{Entity: EntityID, Metric: Metric, Day: day, Value: dv.v, Source: SourceFearGreed})
	}
	sort.Slice(b.Observations, func(i, j int) bool { return b.Observations[i].Day.Before(b.Observations[j].Day) })
	return b, nil
}

// cleanText keeps valid UTF-8 without control characters (labels are data, never markup).
// Unlike flexjson.CleanText it drops invalid bytes instead of writing U+FFFD and keeps inner
// whitespace as sent: the classification label is stored verbatim as an entity attribute.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s))
}

func init() {
	cw.RegisterDefinition(cw.Definition{ID: DefFearGreed, Source: SourceFearGreed, Metric: Metric,
		Text: "alternative.me Crypto Fear & Greed Index, 0–100, daily; zones 0–25 Extreme Fear, 26–46 Fear, 47–54 Neutral, 55–75 Greed, 76–100 Extreme Greed."})
}
