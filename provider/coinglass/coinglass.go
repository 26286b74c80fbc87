// Package coinglass is CoinGlass's keyed API (v4): the daily long and short liquidations of the
// majors' USDT-margined perpetuals on Binance. No keyless source publishes liquidation history
// (Binance retired its public /fapi/v1/allForceOrders in 2021 and its forceOrder stream is live
// only), so this is the one way the report gets them; without a key the provider is skipped and
// the derivatives section says why there are none.
//
// Endpoint (documented in coinglass-api/coinglass-api-docs, rest/Futures/Liquidation/
// liquidation-history.md; every plan, interval of 4h or more on the smallest):
//
//	GET https://open-api-v4.coinglass.com/api/futures/liquidation/history?exchange=Binance&symbol=BTCUSDT&interval=1d&limit=1000
//	CG-API-KEY: <key>
//	{"code":"0","msg":"success","data":[{"time":1658880000000,"long_liquidation_usd":"2369935.19562","short_liquidation_usd":"6947459.43674"}]}
//
// A refused call may still answer HTTP 200 with another code and a msg; that is an error naming
// it. time is the bar's start in unix milliseconds (00:00 UTC for 1d); amounts are USD as
// strings or numbers. Stored per contract per UTC day, on the contract entity the Binance
// provider gives the same perpetual; the fetch day's bar is still filling and is left out.
package coinglass

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/flexjson"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/provider/binance"
)

const (
	// Name is the provider's --sources and --base-url key.
	Name = "coinglass"
	// DefaultBaseURL is the v4 API root.
	DefaultBaseURL = "https://open-api-v4.coinglass.com"
	// EnvKey holds the API key; it wins over the config file's keys.coinglass.
	EnvKey = "COINGLASS_API_KEY"

	// SourceLiquidations names the liquidation series in the store.
	SourceLiquidations cw.SourceID = "coinglass-liquidations"
	// MetricLiquidationsLongUSD and MetricLiquidationsShortUSD are the USD value of long and of
	// short positions liquidated over one UTC day.
	MetricLiquidationsLongUSD  cw.Metric = "liquidations_long_usd"
	MetricLiquidationsShortUSD cw.Metric = "liquidations_short_usd"
	// DefLiquidations defines both series.
	DefLiquidations cw.DefinitionID = "liquidations.coinglass.binance-pair"

	Provider = "CoinGlass"
	Licence  = "CoinGlass API terms (paid plan): data © CoinGlass; no redistribution of raw data"

	endpoint  = "/api/futures/liquidation/history"
	keyHeader = "CG-API-KEY"
	// exchange is the venue asked for: the contracts are Binance's, the ones the report's funding
	// and open interest describe.
	exchange = "Binance"
	pageSize = 1000
)

// ErrNoKey is returned by New without a key: the source is disabled.
var ErrNoKey = errors.New("coinglass: no API key configured (source disabled)")

func init() {
	for _, m := range []cw.Metric{MetricLiquidationsLongUSD, MetricLiquidationsShortUSD} {
		cw.RegisterDefinition(cw.Definition{ID: DefLiquidations, Source: SourceLiquidations, Metric: m,
			Text: "USD value of long (or short) positions liquidated over the UTC day on one Binance USDT-margined perpetual, as CoinGlass counts them (api/futures/liquidation/history, interval 1d). That contract on Binance only: not other contracts, not other exchanges."})
	}
}

// Options configure the connector.
type Options struct {
	BaseURL string   // default DefaultBaseURL
	Key     string   // required
	Symbols []string // Binance USDT-margined perpetuals; default binance.DefaultSymbols
}

// Source implements cryptoweekly.Source.
type Source struct {
	c *httpx.Client
	o Options
}

// New builds the connector; ErrNoKey without a key.
func New(c *httpx.Client, o Options) (*Source, error) {
	key, base, err := httpx.KeyedRoot("coinglass", o.Key, o.BaseURL, DefaultBaseURL, ErrNoKey)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, errors.New("coinglass: nil fetch client")
	}
	o.Key, o.BaseURL = key, base
	if len(o.Symbols) == 0 {
		o.Symbols = binance.DefaultSymbols
	}
	return &Source{c: c, o: o}, nil
}

// Name implements cryptoweekly.Source.
func (s *Source) Name() string { return Name }

// Fetch returns one batch with every symbol's complete days after since (zero: the last 1000
// days), all symbols or none.
func (s *Source) Fetch(ctx context.Context, since time.Time) ([]cw.Batch, error) {
	b := cw.Batch{Source: cw.Provenance{ID: SourceLiquidations, Provider: Provider, Licence: Licence,
		Note: "Daily long and short liquidations (USD) of Binance USDT-margined perpetuals as CoinGlass aggregates them (api/futures/liquidation/history, exchange=Binance, interval 1d); the fetch day's bar is still filling and is left out. One contract on one venue each."}}
	var locations []string
	for _, sym := range s.o.Symbols {
		q := url.Values{"exchange": {exchange}, "symbol": {sym}, "interval": {"1d"}, "limit": {strconv.Itoa(pageSize)}}
		if !since.IsZero() {
			q.Set("start_time", strconv.FormatInt(cw.Day(since).AddDate(0, 0, 1).UnixMilli(), 10))
		}
		resp, err := s.c.Get(ctx, httpx.Request{Source: Name, Endpoint: endpoint + " " + sym, URL: s.o.BaseURL + endpoint + "?" + q.Encode(),
			Header: http.Header{keyHeader: {s.o.Key}}, SecretHeaders: []string{keyHeader}})
		if err != nil {
			return nil, err // httpx names the endpoint; the key never appears in it
		}
		locations = append(locations, resp.URL)
		if resp.FetchedAt.After(b.Source.FetchedAt) {
			b.Source.FetchedAt = resp.FetchedAt
		}
		bars, err := Decode(resp.Body, sym)
		if err != nil {
			return nil, err
		}
		ent := binance.ContractEntity(sym)
		b.Entities = append(b.Entities, ent)
		for _, bar := range bars {
			if !bar.Day.Before(cw.Day(resp.FetchedAt)) || (!since.IsZero() && !bar.Day.After(cw.Day(since))) {
				continue
			}
			b.Observations = append(b.Observations,
				cw.Observation{Entity: ent.ID, Metric: MetricLiquidationsLongUSD, Day: bar.Day, Value: bar.Long, Source: SourceLiquidations},
				cw.Observation{Entity: ent.ID, Metric: MetricLiquidationsShortUSD, Day: bar.Day, Value: bar.Short, Source: SourceLiquidations})
		}
	}
	b.Source.Location = strings.Join(locations, " ")
	if err := b.Validate(); err != nil {
		return nil, fmt.Errorf("coinglass: %s: %w", endpoint, err)
	}
	return []cw.Batch{b}, nil
}

// Bar is one day of liquidations.
type Bar struct {
	Day         time.Time
	Long, Short float64
}

// Decode reads one liquidation-history response for symbol, oldest day first. A refusal in the
// body (a code other than 0), a missing or drifted field, a bar not starting at 00:00 UTC, a
// value that is not a finite non-negative amount, or one day listed with two values is an error
// naming the field.
func Decode(body []byte, symbol string) ([]Bar, error) {
	fail := func(field, format string, a ...any) error {
		return fmt.Errorf("coinglass: %s %s: %s: %s", endpoint, symbol, field, fmt.Sprintf(format, a...))
	}
	// Fields stay raw until each is read, so that a drifted one is named (a "data" object
	// instead of an array is a "data" error, not "not a response object").
	var r struct {
		Code json.RawMessage `json:"code"`
		Msg  json.RawMessage `json:"msg"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("coinglass: %s %s: body is not a response object: %s", endpoint, symbol, describe(body))
	}
	if code := flexjson.String(r.Code); code != "0" {
		return nil, fail("code", "API error %s: %s", cw.Quote(code), cw.Quote(flexjson.String(r.Msg)))
	}
	var data []json.RawMessage
	if err := json.Unmarshal(r.Data, &data); err != nil || data == nil {
		return nil, fail("data", "missing or not an array: %s", describe(r.Data))
	}
	byDay := map[time.Time]Bar{}
	for i, raw := range data {
		var row map[string]json.RawMessage
		if err := json.Unmarshal(raw, &row); err != nil || row == nil {
			return nil, fail(fmt.Sprintf("data[%d]", i), "not an object: %s", describe(raw))
		}
		t, err := msTime(row["time"])
		if err != nil {
			return nil, fail(fmt.Sprintf("data[%d].time", i), "%v", err)
		}
		if !t.Equal(cw.Day(t)) {
			return nil, fail(fmt.Sprintf("data[%d].time", i), "%s is not 00:00 UTC: not a daily (interval=1d) bar", t.Format(time.RFC3339))
		}
		var amounts [2]float64
		for j, f := range []struct {
			key string
			m   cw.Metric
		}{{"long_liquidation_usd", MetricLiquidationsLongUSD}, {"short_liquidation_usd", MetricLiquidationsShortUSD}} {
			k := f.key
			v, err := flexjson.Decimal(row[k])
			if err != nil {
				return nil, fail(fmt.Sprintf("data[%d].%s", i, k), "%v", err)
			}
			if err := cw.CheckValue(f.m, v); err != nil {
				return nil, fail(fmt.Sprintf("data[%d].%s", i, k), "%v", err)
			}
			amounts[j] = v
		}
		bar := Bar{Day: t, Long: amounts[0], Short: amounts[1]}
		if old, ok := byDay[t]; ok && old != bar {
			return nil, fail(fmt.Sprintf("data[%d].time", i), "day %s listed twice with different amounts", cw.DayString(t))
		}
		byDay[t] = bar
	}
	out := make([]Bar, 0, len(byDay))
	for _, b := range byDay {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day.Before(out[j].Day) })
	return out, nil
}

// msTime reads integer unix milliseconds (a number or a numeric string) on a day the store
// accepts.
func msTime(raw json.RawMessage) (time.Time, error) {
	s := strings.Trim(string(bytes.TrimSpace(raw)), `"`)
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("not integer milliseconds: %s", describe(raw))
	}
	if ms < 1e12 || ms > 1e14 {
		return time.Time{}, fmt.Errorf("%d is not a time in milliseconds", ms)
	}
	t := time.UnixMilli(ms).UTC()
	if err := cw.CheckDay(cw.Day(t)); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// describe quotes the start of a body or value for an error message.
func describe(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "nothing"
	}
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return strconv.Quote(s)
}
