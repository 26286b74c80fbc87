// Package binance is Binance: the live connector for the USDⓈ-M perpetuals' funding rate history
// and open interest (keyless; oi.go), the bundled daily spot candles and funding history
// (files.go), their series catalogue and the registration (provider.go).
//
// Endpoint: GET https://fapi.binance.com/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=MS&limit=1000
// (no key; weight 1, shared 500 requests / 5 min / IP). Response, oldest first:
//
//	[{"symbol":"BTCUSDT","fundingTime":1733961600000,"fundingRate":"0.00010000","markPrice":"100212.1"}]
//
// fundingRate is a STRING fraction paid every 8 hours (00:00, 08:00, 16:00 UTC); fundingTime is
// unix milliseconds and may lag the settlement by a few ms. Binance refuses some jurisdictions
// (HTTP 451 "restricted location") and bans an IP that keeps calling after a 429 (HTTP 418 with
// Retry-After): either fails this provider only, with that said, and stops its other requests.
//
// Stored per UTC day: funding_rate = the mean of the day's settlements (a fraction per 8 hours,
// as desks quote it), only for complete days (three settlements) before the fetch day.
//
// Fetch returns the funding and the open-interest batches separately: each is all symbols or
// none, and one failing leaves the other to commit (a "partial" run).
package binance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

const (
	// DefaultBaseURL is the USDⓈ-M futures API root.
	DefaultBaseURL = "https://fapi.binance.com"
	// SourceFunding names the funding series in the store.
	SourceFunding cw.SourceID = "binance-funding"
	// MetricFundingRate is the mean 8-hour funding rate of one UTC day, as a fraction.
	MetricFundingRate cw.Metric = "funding_rate"
	// DefFundingRate is the catalogue's definition of the series.
	DefFundingRate cw.DefinitionID = "funding.binance-usdm.daily-mean"

	Provider = "Binance"
	Licence  = "Binance API terms: data for personal, non-commercial analysis; attribution to Binance"
	endpoint = "/fapi/v1/fundingRate"
	pageSize = 1000
	// settlementsPerDay is how many funding settlements a complete UTC day has.
	settlementsPerDay = 3
	// maxAbsRate bounds a plausible 8-hour rate: Binance caps majors at ±0.3–2%; 10% is garbage.
	maxAbsRate = 0.1
)

// DefaultSymbols are the perpetuals desks quote funding for.
var DefaultSymbols = []string{"BTCUSDT", "ETHUSDT", "SOLUSDT"}

func init() {
	cw.RegisterDefinition(cw.Definition{ID: DefFundingRate, Metric: MetricFundingRate,
		Text: "Binance USDⓈ-M perpetual funding rate (fapi/v1/fundingRate): mean of the UTC day's three 8-hour settlements, as a fraction per 8 hours."})
}

// Source implements cryptoweekly.Source.
type Source struct {
	client  *httpx.Client
	base    string
	symbols []string
}

// New builds the connector for the symbols (DefaultSymbols when empty).
func New(client *httpx.Client, base string, symbols []string) *Source {
	if base == "" {
		base = DefaultBaseURL
	}
	if len(symbols) == 0 {
		symbols = DefaultSymbols
	}
	return &Source{client: client, base: strings.TrimRight(base, "/"), symbols: symbols}
}

// Name implements cryptoweekly.Source.
func (s *Source) Name() string { return Name }

// Fetch returns the funding batch and the open-interest batch with days after since (zero: the
// whole history Binance serves). A family that fails is left out and named in the error; a
// refusal of the whole API (HTTP 451, 418) stops the run at once.
func (s *Source) Fetch(ctx context.Context, since time.Time) ([]cw.Batch, error) {
	var out []cw.Batch
	var errs []error
	for _, fetch := range []func(context.Context, time.Time) (cw.Batch, error){s.fetchFunding, s.fetchOpenInterest} {
		b, err := fetch(ctx, since)
		if err != nil {
			errs = append(errs, err)
			var he *httpx.HTTPError
			if errors.As(err, &he) && (he.Status == 451 || he.Status == 418) || ctx.Err() != nil {
				break
			}
			continue
		}
		out = append(out, b)
	}
	return out, errors.Join(errs...)
}

// fetchFunding returns one batch with the complete days after since.
func (s *Source) fetchFunding(ctx context.Context, since time.Time) (cw.Batch, error) {
	b := cw.Batch{Source: cw.Provenance{ID: SourceFunding, Provider: Provider, Licence: Licence,
		Note: "Mean of each UTC day's three 8-hour funding settlements of Binance USDⓈ-M perpetuals; days with fewer settlements (the fetch day) are left out."}}
	var locations []string
	for _, sym := range s.symbols {
		pts, fetched, locs, err := s.history(ctx, sym, since)
		if err != nil {
			return cw.Batch{}, err
		}
		locations = append(locations, locs...)
		if fetched.After(b.Source.FetchedAt) {
			b.Source.FetchedAt = fetched
		}
		days, err := Daily(pts, fetched)
		if err != nil {
			return cw.Batch{}, fmt.Errorf("binance: %s %s: %w", endpoint, sym, err)
		}
		ent := ContractEntity(sym)
		id := ent.ID
		b.Entities = append(b.Entities, ent)
		for _, d := range sortedDays(days) {
			if !since.IsZero() && !d.After(cw.Day(since)) {
				continue
			}
			b.Observations = append(b.Observations, cw.Observation{Entity: id, Metric: MetricFundingRate, Day: d, Value: days[d], Source: SourceFunding})
		}
	}
	b.Source.Location = strings.Join(locations, " ")
	if err := b.Validate(); err != nil {
		return cw.Batch{}, fmt.Errorf("binance: %s: %w", endpoint, err)
	}
	return b, nil
}

// get requests one endpoint. Binance's two refusals get a sentence saying what they mean, as the
// status alone does not tell a reader that retrying makes a ban longer.
func (s *Source) get(ctx context.Context, ep string, q url.Values) (*httpx.Response, error) {
	resp, err := s.client.Get(ctx, httpx.Request{Source: Name, Endpoint: ep, URL: s.base + ep + "?" + q.Encode()})
	var he *httpx.HTTPError
	if errors.As(err, &he) {
		switch he.Status {
		case 418:
			return nil, fmt.Errorf("%w (Binance has banned this IP for calling on after HTTP 429; nothing is retried — wait out its Retry-After before the next run)", err)
		case 451:
			return nil, fmt.Errorf("%w (Binance refuses requests from this location)", err)
		}
	}
	return resp, err
}

// ContractID is the entity of a USDT-margined perpetual: the id the bundled Coinalyze open
// interest gives the same Binance contract ("contract:binance-btcusdt_perp.a"), so funding and
// open interest meet on one entity.
func ContractID(symbol string) string {
	return string(cw.KindContract) + ":binance-" + cw.NormKey(symbol+"_PERP.A")
}

// history pages through a symbol's funding settlements after since.
func (s *Source) history(ctx context.Context, sym string, since time.Time) ([]Point, time.Time, []string, error) {
	start := int64(0)
	if !since.IsZero() {
		start = cw.Day(since).UnixMilli()
	}
	var all []Point
	var fetched time.Time
	var locs []string
	for page := 0; ; page++ {
		q := url.Values{"symbol": {sym}, "limit": {strconv.Itoa(pageSize)}}
		if start > 0 {
			q.Set("startTime", strconv.FormatInt(start, 10))
		}
		resp, err := s.get(ctx, endpoint, q)
		if err != nil {
			return nil, time.Time{}, nil, err
		}
		fetched, locs = resp.FetchedAt, append(locs, resp.URL)
		pts, err := Decode(resp.Body, sym)
		if err != nil {
			return nil, time.Time{}, nil, err
		}
		all = append(all, pts...)
		if len(pts) < pageSize || page > 100 {
			return all, fetched, locs, nil
		}
		next := pts[len(pts)-1].Time.UnixMilli() + 1
		if next <= start {
			return nil, time.Time{}, nil, fmt.Errorf("binance: %s %s: page did not advance past %d", endpoint, sym, start)
		}
		start = next
	}
}

// Point is one funding settlement.
type Point struct {
	Time time.Time
	Rate float64
}

type rawPoint struct {
	Symbol      json.RawMessage `json:"symbol"`
	FundingTime json.RawMessage `json:"fundingTime"`
	FundingRate json.RawMessage `json:"fundingRate"`
}

// Decode reads one page for symbol. Anything off (a non-array body such as Binance's
// {"code":-1121,"msg":"Invalid symbol."}, another symbol, an implausible time or rate) is an error
// naming the endpoint and field: a wrong funding rate must never be stored.
func Decode(body []byte, symbol string) ([]Point, error) {
	var raw []rawPoint
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("binance: %s: body is not an array of settlements: %s", endpoint, describe(body))
	}
	out := make([]Point, 0, len(raw))
	for i, r := range raw {
		field := func(name, format string, a ...any) error {
			return fmt.Errorf("binance: %s %s: [%d].%s: %s", endpoint, symbol, i, name, fmt.Sprintf(format, a...))
		}
		var sym string
		if json.Unmarshal(r.Symbol, &sym) != nil || sym != symbol {
			return nil, field("symbol", "%s, want %q", describe(r.Symbol), symbol)
		}
		var ms int64
		if err := json.Unmarshal(r.FundingTime, &ms); err != nil {
			return nil, field("fundingTime", "not integer milliseconds: %s", describe(r.FundingTime))
		}
		t := time.UnixMilli(ms).UTC()
		if t.Before(time.Date(2019, 9, 1, 0, 0, 0, 0, time.UTC)) || t.After(time.Now().Add(24*time.Hour)) {
			return nil, field("fundingTime", "%d is not a plausible settlement time", ms)
		}
		var s string
		if err := json.Unmarshal(r.FundingRate, &s); err != nil {
			return nil, field("fundingRate", "not a numeric string: %s", describe(r.FundingRate))
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > maxAbsRate {
			return nil, field("fundingRate", "%q is not a plausible 8-hour rate", s)
		}
		out = append(out, Point{Time: t, Rate: v})
	}
	return out, nil
}

// Daily averages complete UTC days (three settlements) before the fetch day. A settlement listed
// twice with the same rate is one settlement; with two rates it is an error.
func Daily(pts []Point, fetched time.Time) (map[time.Time]float64, error) {
	bySlot := map[time.Time]float64{}
	for _, p := range pts {
		// Settlements are stamped a few ms after the hour: key them by the hour.
		slot := p.Time.Truncate(time.Hour)
		if old, ok := bySlot[slot]; ok && old != p.Rate {
			return nil, fmt.Errorf("settlement %s listed with rates %v and %v", slot.Format(time.RFC3339), old, p.Rate)
		}
		bySlot[slot] = p.Rate
	}
	// Sum in time order: a float sum must not depend on map order, or the same history would
	// store different last bits from run to run.
	slots := make([]time.Time, 0, len(bySlot))
	for slot := range bySlot {
		slots = append(slots, slot)
	}
	sort.Slice(slots, func(i, j int) bool { return slots[i].Before(slots[j]) })
	sum := map[time.Time]float64{}
	n := map[time.Time]int{}
	for _, slot := range slots {
		d := cw.Day(slot)
		sum[d] += bySlot[slot]
		n[d]++
	}
	out := map[time.Time]float64{}
	for d, k := range n {
		if k == settlementsPerDay && d.Before(cw.Day(fetched)) {
			out[d] = sum[d] / settlementsPerDay
		}
	}
	return out, nil
}

func sortedDays(m map[time.Time]float64) []time.Time {
	out := make([]time.Time, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// describe quotes the start of a body for an error message.
func describe(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return strconv.Quote(s)
}
