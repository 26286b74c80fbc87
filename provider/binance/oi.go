package binance

// Open interest of the USDⓈ-M perpetuals, keyless:
//
//	GET /futures/data/openInterestHist?symbol=BTCUSDT&period=1d&limit=30
//	[{"symbol":"BTCUSDT","sumOpenInterest":"78123.456","sumOpenInterestValue":"7812345678.90",
//	  "CMCCirculatingSupply":"19790000.0","timestamp":1733961600000}]
//	GET /fapi/v1/openInterest?symbol=BTCUSDT
//	{"openInterest":"78500.123","symbol":"BTCUSDT","time":1734061234567}
//
// Binance's documentation (Open Interest Statistics): request weight 0 but an IP limit of its
// own (1000 requests / 5 min), limit default 30 and at most 500, and ONLY THE LAST 30 DAYS are
// served: a week can be filled live only by an ingest within about 30 days of its end; older
// weeks rely on the bundled series. /fapi/v1/openInterest has weight 1. Numbers are strings,
// timestamps unix milliseconds (the documentation's example quotes them; the service sends
// numbers), so both are accepted and anything else is an error naming the field.
//
// sumOpenInterest is in the contract's base coin (one BTCUSDT contract is 1 BTC);
// sumOpenInterestValue is that position valued in USDT at Binance's price, stored as USD (the
// difference is USDT's peg). Each statistic is the snapshot Binance takes at its timestamp; with
// period=1d the stamps are 00:00 UTC, so the point stamped D+1 00:00 is the open interest at the
// close of day D and is stored under D — the convention of the root catalogue's
// open_interest_usd ("at the daily close") and of the bundled Coinalyze series (oi_close). The
// fetch day's own stamp is therefore yesterday's close, a complete value.
//
// The current value (/fapi/v1/openInterest) is no daily close; it is kept on the contract entity
// (attrs open_interest_now, in coins, and open_interest_now_time) so the report can quote the
// latest reading beside a recent week, never as a day's value.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/flexjson"
)

const (
	// SourceOpenInterest names the live open-interest series in the store.
	SourceOpenInterest cw.SourceID = "binance-open-interest"
	// MetricOpenInterestCoins is a contract's open interest at the daily close in units of its
	// base coin (BTC for BTCUSDT).
	MetricOpenInterestCoins cw.Metric = "open_interest_coins"
	// DefOpenInterestUSD and DefOpenInterestCoins define the live series: one USDT-margined
	// perpetual on Binance USDⓈ-M, not the coin's market-wide open interest.
	DefOpenInterestUSD   cw.DefinitionID = "oi.binance-usdm.usd"
	DefOpenInterestCoins cw.DefinitionID = "oi.binance-usdm.coins"

	// AttrOINow and AttrOINowTime hold the latest /fapi/v1/openInterest reading on the contract.
	AttrOINow     = "open_interest_now"
	AttrOINowTime = "open_interest_now_time"

	oiHistEndpoint = "/futures/data/openInterestHist"
	oiNowEndpoint  = "/fapi/v1/openInterest"
	// oiHistDays is the history Binance keeps: asking for more returns no more.
	oiHistDays = 30
)

func init() {
	for _, d := range []cw.Definition{
		{ID: DefOpenInterestUSD, Source: SourceOpenInterest, Metric: cw.MetricOpenInterestUSD,
			Text: "Open interest of one USDT-margined perpetual on Binance USDⓈ-M (futures/data/openInterestHist, period 1d: sumOpenInterestValue, in USDT taken as USD) at the close of the UTC day, i.e. Binance's snapshot stamped 00:00 UTC the next day. That contract only: not Binance's coin-margined or dated contracts, not other exchanges. Binance serves the last 30 days only."},
		{ID: DefOpenInterestCoins, Source: SourceOpenInterest, Metric: MetricOpenInterestCoins,
			Text: "Open interest of one USDT-margined perpetual on Binance USDⓈ-M in units of its base coin (sumOpenInterest; one BTCUSDT contract is 1 BTC) at the close of the UTC day, as for oi.binance-usdm.usd."},
	} {
		cw.RegisterDefinition(d)
	}
}

// OIPoint is one daily open-interest snapshot.
type OIPoint struct {
	Time  time.Time // Binance's stamp (00:00 UTC)
	Coins float64   // sumOpenInterest
	USD   float64   // sumOpenInterestValue
}

// OINow is the current open interest of one contract.
type OINow struct {
	Time  time.Time
	Coins float64
}

// DecodeOIHist reads one openInterestHist page for symbol. A body that is not an array (an error
// object such as {"code":-1121,"msg":"Invalid symbol."}), another symbol, a stamp that is not a
// plausible 00:00 UTC, or a value that is not a finite non-negative number is an error naming
// the field: a wrong open interest must never be stored.
func DecodeOIHist(body []byte, symbol string) ([]OIPoint, error) {
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("binance: %s %s: body is not an array of statistics: %s", oiHistEndpoint, symbol, describe(body))
	}
	out := make([]OIPoint, 0, len(raw))
	for i, r := range raw {
		field := func(name, format string, a ...any) error {
			return fmt.Errorf("binance: %s %s: [%d].%s: %s", oiHistEndpoint, symbol, i, name, fmt.Sprintf(format, a...))
		}
		if r == nil {
			return nil, fmt.Errorf("binance: %s %s: [%d]: null element", oiHistEndpoint, symbol, i)
		}
		var sym string
		if json.Unmarshal(r["symbol"], &sym) != nil || sym != symbol {
			return nil, field("symbol", "%s, want %q", describe(r["symbol"]), symbol)
		}
		t, err := msTime(r["timestamp"])
		if err != nil {
			return nil, field("timestamp", "%v", err)
		}
		if !t.Equal(cw.Day(t)) {
			return nil, field("timestamp", "%s is not 00:00 UTC: not a daily (period=1d) statistic", t.Format(time.RFC3339Nano))
		}
		coins, err := nonNegNumber(r["sumOpenInterest"])
		if err != nil {
			return nil, field("sumOpenInterest", "%v", err)
		}
		usd, err := nonNegNumber(r["sumOpenInterestValue"])
		if err != nil {
			return nil, field("sumOpenInterestValue", "%v", err)
		}
		// A position has a value exactly when it has a size; one without the other is a broken
		// record, not a market reading.
		if (coins == 0) != (usd == 0) {
			return nil, field("sumOpenInterestValue", "%v USD for %v coins", usd, coins)
		}
		if err := cw.CheckValue(cw.MetricOpenInterestUSD, usd); err != nil {
			return nil, field("sumOpenInterestValue", "%v", err)
		}
		if err := cw.CheckValue(MetricOpenInterestCoins, coins); err != nil {
			return nil, field("sumOpenInterest", "%v", err)
		}
		out = append(out, OIPoint{Time: t, Coins: coins, USD: usd})
	}
	return out, nil
}

// DecodeOINow reads /fapi/v1/openInterest for symbol.
func DecodeOINow(body []byte, symbol string) (OINow, error) {
	fail := func(name, format string, a ...any) error {
		return fmt.Errorf("binance: %s %s: %s: %s", oiNowEndpoint, symbol, name, fmt.Sprintf(format, a...))
	}
	var r map[string]json.RawMessage
	if err := json.Unmarshal(body, &r); err != nil || r == nil {
		return OINow{}, fmt.Errorf("binance: %s %s: body is not an object: %s", oiNowEndpoint, symbol, describe(body))
	}
	if _, ok := r["code"]; ok {
		// Binance's error object: {"code":-1121,"msg":"Invalid symbol."}
		return OINow{}, fmt.Errorf("binance: %s %s: API error: %s", oiNowEndpoint, symbol, describe(body))
	}
	var sym string
	if json.Unmarshal(r["symbol"], &sym) != nil || sym != symbol {
		return OINow{}, fail("symbol", "%s, want %q", describe(r["symbol"]), symbol)
	}
	t, err := msTime(r["time"])
	if err != nil {
		return OINow{}, fail("time", "%v", err)
	}
	coins, err := nonNegNumber(r["openInterest"])
	if err != nil {
		return OINow{}, fail("openInterest", "%v", err)
	}
	if err := cw.CheckValue(MetricOpenInterestCoins, coins); err != nil {
		return OINow{}, fail("openInterest", "%v", err)
	}
	return OINow{Time: t, Coins: coins}, nil
}

// OIDaily files each snapshot under the day it closes (the stamp's day minus one). A stamp listed
// twice with the same values is one snapshot; with two values it is an error.
func OIDaily(pts []OIPoint) (map[time.Time]OIPoint, error) {
	out := make(map[time.Time]OIPoint, len(pts))
	for _, p := range pts {
		d := cw.Day(p.Time).AddDate(0, 0, -1)
		if old, ok := out[d]; ok && (old.Coins != p.Coins || old.USD != p.USD) {
			return nil, fmt.Errorf("snapshot %s listed twice with different values (%v/%v and %v/%v)",
				p.Time.Format(time.RFC3339), old.Coins, old.USD, p.Coins, p.USD)
		}
		out[d] = p
	}
	return out, nil
}

// fetchOpenInterest builds the open-interest batch: every symbol's daily history after since
// plus its current reading, all symbols or none.
func (s *Source) fetchOpenInterest(ctx context.Context, since time.Time) (cw.Batch, error) {
	b := cw.Batch{Source: cw.Provenance{ID: SourceOpenInterest, Provider: Provider, Licence: Licence,
		Note: "Open interest of Binance USDⓈ-M USDT-margined perpetuals (futures/data/openInterestHist, period 1d): the snapshot stamped 00:00 UTC is the previous day's close, in coins (sumOpenInterest) and USDT taken as USD (sumOpenInterestValue). One contract per coin on one venue; Binance serves only the last 30 days. The current /fapi/v1/openInterest reading is kept on the contract, not as a day's value."}}
	var locations []string
	for _, sym := range s.symbols {
		q := url.Values{"symbol": {sym}, "period": {"1d"}, "limit": {strconv.Itoa(oiHistDays)}}
		resp, err := s.get(ctx, oiHistEndpoint, q)
		if err != nil {
			return cw.Batch{}, err
		}
		locations = append(locations, resp.URL)
		if resp.FetchedAt.After(b.Source.FetchedAt) {
			b.Source.FetchedAt = resp.FetchedAt
		}
		pts, err := DecodeOIHist(resp.Body, sym)
		if err != nil {
			return cw.Batch{}, err
		}
		if len(pts) == 0 {
			return cw.Batch{}, fmt.Errorf("binance: %s %s: no daily statistic in the last %d days", oiHistEndpoint, sym, oiHistDays)
		}
		// A stamp after the response is not a snapshot taken yet: the clock or the data is wrong.
		for _, p := range pts {
			if p.Time.After(resp.FetchedAt.Add(time.Hour)) {
				return cw.Batch{}, fmt.Errorf("binance: %s %s: timestamp %s is after the fetch (%s)", oiHistEndpoint, sym,
					p.Time.Format(time.RFC3339), resp.FetchedAt.Format(time.RFC3339))
			}
		}
		days, err := OIDaily(pts)
		if err != nil {
			return cw.Batch{}, fmt.Errorf("binance: %s %s: %w", oiHistEndpoint, sym, err)
		}

		resp, err = s.get(ctx, oiNowEndpoint, url.Values{"symbol": {sym}})
		if err != nil {
			return cw.Batch{}, err
		}
		locations = append(locations, resp.URL)
		now, err := DecodeOINow(resp.Body, sym)
		if err != nil {
			return cw.Batch{}, err
		}

		ent := ContractEntity(sym)
		ent.Attrs[AttrOINow] = strconv.FormatFloat(now.Coins, 'f', -1, 64)
		ent.Attrs[AttrOINowTime] = now.Time.UTC().Format(time.RFC3339)
		b.Entities = append(b.Entities, ent)
		ds := make([]time.Time, 0, len(days))
		for d := range days {
			ds = append(ds, d)
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i].Before(ds[j]) })
		for _, d := range ds {
			if !since.IsZero() && !d.After(cw.Day(since)) {
				continue
			}
			p := days[d]
			b.Observations = append(b.Observations,
				cw.Observation{Entity: ent.ID, Metric: cw.MetricOpenInterestUSD, Day: d, Value: p.USD, Source: SourceOpenInterest},
				cw.Observation{Entity: ent.ID, Metric: MetricOpenInterestCoins, Day: d, Value: p.Coins, Source: SourceOpenInterest})
		}
	}
	b.Source.Location = strings.Join(locations, " ")
	if err := b.Validate(); err != nil {
		return cw.Batch{}, fmt.Errorf("binance: %s: %w", oiHistEndpoint, err)
	}
	return b, nil
}

// msTime reads integer unix milliseconds, as a number or a numeric string, within the span a
// USDⓈ-M statistic can have (the market opened in September 2019).
func msTime(raw json.RawMessage) (time.Time, error) {
	b := bytes.TrimSpace(raw)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil {
			return time.Time{}, fmt.Errorf("not integer milliseconds: %s", describe(raw))
		}
		b = []byte(strings.TrimSpace(s))
	}
	ms, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("not integer milliseconds: %s", describe(raw))
	}
	t := time.UnixMilli(ms).UTC()
	if t.Before(time.Date(2019, 9, 1, 0, 0, 0, 0, time.UTC)) || t.After(time.Now().Add(24*time.Hour)) {
		return time.Time{}, fmt.Errorf("%d is not a plausible time in milliseconds", ms)
	}
	return t, nil
}

// nonNegNumber reads a decimal string (Binance's form) or a JSON number: finite and not negative.
func nonNegNumber(raw json.RawMessage) (float64, error) {
	v, err := flexjson.Decimal(raw)
	if err == nil && v < 0 {
		err = fmt.Errorf("%v is negative", v)
	}
	return v, err
}
