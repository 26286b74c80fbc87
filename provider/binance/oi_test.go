package binance

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/sourcetest"
)

func TestOpenInterestReplay(t *testing.T) {
	env, src := newEnv(t, nil, nil)
	bs, err := src.Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	b, ok := batchOf(bs, SourceOpenInterest)
	if !ok {
		t.Fatalf("no open-interest batch in %v", bs)
	}
	got := sourcetest.ObsMap(b)
	// 30 snapshots stamped 2024-11-14 .. 2024-12-13 00:00 UTC are the closes of 11-13 .. 12-12,
	// each in USD and in coins.
	if len(got) != 60 {
		t.Fatalf("%d observations, want 60", len(got))
	}
	id := "contract:binance-btcusdt_perp.a"
	want := map[string]float64{
		id + " open_interest_coins 2024-12-12": 80345.001,           // stamped 2024-12-13 00:00
		id + " open_interest_usd 2024-12-12":   8044197741.62069988, // the same snapshot's USDT value
		id + " open_interest_coins 2024-12-05": 79920.48,            // stamped 2024-12-06 00:00
		id + " open_interest_coins 2024-11-13": 70412.318,           // the first stamp, 2024-11-14 00:00
	}
	for k, v := range want {
		if math.Abs(got[k]-v) > 1e-6 {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if _, ok := got[id+" open_interest_usd 2024-12-13"]; ok {
		t.Error("the fetch day has no close yet")
	}
	e := sourcetest.EntMap(b)[id]
	if e.Parent != "asset:btc" || e.Attrs["margin"] != "usdt" || e.Attrs["venue"] != "binance" || e.Symbol != "BTCUSDT_PERP.A" {
		t.Errorf("entity %+v", e)
	}
	// The current reading stays on the contract, with its time; it is no day's value.
	if e.Attrs[AttrOINow] != "80512.337" || e.Attrs[AttrOINowTime] != "2024-12-13T09:00:00Z" {
		t.Errorf("current reading %q at %q", e.Attrs[AttrOINow], e.Attrs[AttrOINowTime])
	}
	if !b.Source.FetchedAt.Equal(now) || !strings.Contains(b.Source.Location, oiHistEndpoint+"?") || !strings.Contains(b.Source.Location, oiNowEndpoint+"?") {
		t.Errorf("provenance %+v", b.Source)
	}
	var hist *http.Request
	for _, r := range env.Srv.Seen {
		if r.URL.Path == oiHistEndpoint {
			hist = r
		}
	}
	if q := hist.URL.Query(); q.Get("symbol") != "BTCUSDT" || q.Get("period") != "1d" || q.Get("limit") != "30" {
		t.Errorf("history query %v", q)
	}
	for m, def := range map[cw.Metric]cw.DefinitionID{cw.MetricOpenInterestUSD: DefOpenInterestUSD, MetricOpenInterestCoins: DefOpenInterestCoins} {
		if got := cw.DefinitionOf(m, SourceOpenInterest); got != def {
			t.Errorf("catalogue %s: %s, want %s", m, got, def)
		}
	}
	if cw.ProviderOf(SourceOpenInterest) != Name {
		t.Errorf("ProviderOf = %q", cw.ProviderOf(SourceOpenInterest))
	}
}

func TestOpenInterestSince(t *testing.T) {
	_, src := newEnv(t, nil, nil)
	bs, err := src.Fetch(context.Background(), day("2024-12-10"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := batchOf(bs, SourceOpenInterest)
	got := sourcetest.ObsMap(b)
	if len(got) != 4 || got["contract:binance-btcusdt_perp.a open_interest_coins 2024-12-11"] != 79887.43 {
		t.Errorf("since 12-10: %v", got)
	}
}

// hist is one openInterestHist element for BTCUSDT stamped at the day's 00:00.
func hist(d string, coins, usd string) string {
	return fmt.Sprintf(`{"symbol":"BTCUSDT","sumOpenInterest":%s,"sumOpenInterestValue":%s,"CMCCirculatingSupply":"19790000","timestamp":%d}`,
		coins, usd, day(d).UnixMilli())
}

func TestOpenInterestFaults(t *testing.T) {
	okHist := "[" + hist("2024-12-12", `"80000.5"`, `"8000050000"`) + "," + hist("2024-12-13", `"81000"`, `"8100000000"`) + "]"
	cases := []struct {
		name   string
		path   string
		body   string
		status int
		want   string // in the error
	}{
		{"error object", oiHistEndpoint, `{"code":-1121,"msg":"Invalid symbol."}`, 200, "body is not an array"},
		{"malformed json", oiHistEndpoint, `[{"symbol":"BTCUSDT",`, 200, "body is not an array"},
		{"null element", oiHistEndpoint, `[null]`, 200, "[0]: null element"},
		{"field renamed", oiHistEndpoint, `[{"symbol":"BTCUSDT","openInterest":"1","sumOpenInterestValue":"1","timestamp":1734048000000}]`, 200, "[0].sumOpenInterest: not a number"},
		{"value NaN", oiHistEndpoint, "[" + hist("2024-12-12", `"NaN"`, `"1"`) + "]", 200, `[0].sumOpenInterest: "NaN" is not a decimal number`},
		{"value Infinity", oiHistEndpoint, "[" + hist("2024-12-12", `"1"`, `"Infinity"`) + "]", 200, "[0].sumOpenInterestValue"},
		{"value text", oiHistEndpoint, "[" + hist("2024-12-12", `"80k"`, `"1"`) + "]", 200, "[0].sumOpenInterest"},
		{"value null", oiHistEndpoint, "[" + hist("2024-12-12", `null`, `"1"`) + "]", 200, "[0].sumOpenInterest: not a number"},
		{"value negative", oiHistEndpoint, "[" + hist("2024-12-12", `"-5"`, `"1"`) + "]", 200, "negative"},
		{"value overflow", oiHistEndpoint, "[" + hist("2024-12-12", `"1"`, `"1e300"`) + "]", 200, "plausible range"},
		{"value without size", oiHistEndpoint, "[" + hist("2024-12-12", `"0"`, `"5000"`) + "]", 200, "5000 USD for 0 coins"},
		{"another symbol", oiHistEndpoint, `[{"symbol":"ETHUSDT","sumOpenInterest":"1","sumOpenInterestValue":"1","timestamp":1734048000000}]`, 200, "[0].symbol"},
		{"seconds not ms", oiHistEndpoint, `[{"symbol":"BTCUSDT","sumOpenInterest":"1","sumOpenInterestValue":"1","timestamp":1734048000}]`, 200, "[0].timestamp"},
		{"not midnight", oiHistEndpoint, `[{"symbol":"BTCUSDT","sumOpenInterest":"1","sumOpenInterestValue":"1","timestamp":1734048300000}]`, 200, "not 00:00 UTC"},
		{"after the fetch", oiHistEndpoint, "[" + hist("2024-12-14", `"1"`, `"1"`) + "]", 200, "after the fetch"},
		{"conflicting duplicate", oiHistEndpoint, "[" + hist("2024-12-12", `"1"`, `"1"`) + "," + hist("2024-12-12", `"2"`, `"2"`) + "]", 200, "listed twice"},
		{"empty history", oiHistEndpoint, `[]`, 200, "no daily statistic"},
		{"404", oiHistEndpoint, `{"code":-1121}`, 404, "HTTP 404"},
		{"400 bad period", oiHistEndpoint, `{"code":-1130,"msg":"Data sent for paramter 'period' is not valid."}`, 400, "HTTP 400"},
		{"5xx every time", oiHistEndpoint, `oops`, 503, "HTTP 503"},
		{"now: error object", oiNowEndpoint, `{"code":-1121,"msg":"Invalid symbol."}`, 200, "API error"},
		{"now: array", oiNowEndpoint, `[]`, 200, "body is not an object"},
		{"now: field renamed", oiNowEndpoint, `{"oi":"1","symbol":"BTCUSDT","time":1734080400123}`, 200, "openInterest: not a number"},
		{"now: NaN", oiNowEndpoint, `{"openInterest":"nan","symbol":"BTCUSDT","time":1734080400123}`, 200, "openInterest"},
		{"now: bad time", oiNowEndpoint, `{"openInterest":"1","symbol":"BTCUSDT","time":"soon"}`, 200, "time: not integer milliseconds"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			routes := map[string]http.HandlerFunc{oiHistEndpoint: sourcetest.JSON([]byte(okHist))}
			if c.status == 200 {
				routes[c.path] = sourcetest.JSON([]byte(c.body))
			} else {
				routes[c.path] = sourcetest.Status(c.status, c.body)
			}
			_, src := newEnv(t, routes, nil)
			bs, err := src.Fetch(context.Background(), time.Time{})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
				t.Fatalf("err %v, want one naming %s and %q", err, c.path, c.want)
			}
			// Open interest is all or nothing; funding, fetched apart, still commits.
			if _, ok := batchOf(bs, SourceOpenInterest); ok {
				t.Error("a failed open-interest fetch returned its batch")
			}
			if _, ok := batchOf(bs, SourceFunding); !ok {
				t.Error("the funding batch was lost with the open interest")
			}
		})
	}
}

// Numbers may come as JSON numbers and stamps as numeric strings (the documentation's example);
// identical duplicates are one snapshot.
func TestOpenInterestLenientShapes(t *testing.T) {
	body := `[{"symbol":"BTCUSDT","sumOpenInterest":80000.5,"sumOpenInterestValue":8000050000,"timestamp":"1734048000000"},` +
		hist("2024-12-13", `"80000.5"`, `"8000050000"`) + "]"
	_, src := newEnv(t, map[string]http.HandlerFunc{oiHistEndpoint: sourcetest.JSON([]byte(body))}, nil)
	bs, err := src.Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := batchOf(bs, SourceOpenInterest)
	if got := sourcetest.ObsMap(b); len(got) != 2 || got["contract:binance-btcusdt_perp.a open_interest_usd 2024-12-12"] != 8000050000 {
		t.Errorf("observations %v", got)
	}
}

// Every symbol or none: the second symbol's failure drops the first one's open interest too.
func TestOpenInterestAllSymbolsOrNone(t *testing.T) {
	eth := strings.ReplaceAll(string(sourcetest.Fixture(t, "binance-futures-openInterestHist.json")), "BTCUSDT", "ETHUSDT")
	calls := 0
	h := func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch r.URL.Query().Get("symbol") {
		case "BTCUSDT":
			w.Write(sourcetest.Fixture(t, "binance-futures-openInterestHist.json"))
		case "ETHUSDT":
			w.Write([]byte(strings.Replace(eth, `"sumOpenInterest": "`, `"sumOpenInterest": "x`, 1)))
		}
	}
	funding := func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.ReplaceAll(string(sourcetest.Fixture(t, "binance-fapi-fundingRate.json")), "BTCUSDT", r.URL.Query().Get("symbol"))))
	}
	_, src := newEnv(t, map[string]http.HandlerFunc{oiHistEndpoint: h, endpoint: funding}, nil, "BTCUSDT", "ETHUSDT")
	bs, err := src.Fetch(context.Background(), time.Time{})
	if err == nil || !strings.Contains(err.Error(), "ETHUSDT: [0].sumOpenInterest") {
		t.Fatalf("err %v", err)
	}
	if _, ok := batchOf(bs, SourceOpenInterest); ok || calls != 2 {
		t.Errorf("open interest returned after a failed symbol (%d calls)", calls)
	}
	if f, ok := batchOf(bs, SourceFunding); !ok || len(f.Entities) != 2 {
		t.Errorf("funding of both symbols must still commit: %v", bs)
	}
}

// 429 waits for Retry-After and recovers; 5xx recovers with backoff; 418 (an IP ban) and 451 are
// not retried, and they stop the run before another endpoint is asked.
func TestOpenInterestHTTPFaults(t *testing.T) {
	env, src := newEnv(t, nil, map[string][]http.HandlerFunc{
		oiHistEndpoint: {sourcetest.Status(429, `{"code":-1003,"msg":"Too many requests."}`, "Retry-After", "7")},
		oiNowEndpoint:  {sourcetest.Status(502, "bad gateway")},
	})
	bs, err := src.Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := batchOf(bs, SourceOpenInterest); !ok {
		t.Fatal("no open interest after a 429 and a 502")
	}
	if len(env.Sleeps) != 2 || env.Sleeps[0] != 7*time.Second {
		t.Errorf("sleeps %v, want Retry-After's 7s then a backoff", env.Sleeps)
	}

	// A ban on the history: no retry, and the current-value endpoint is not asked.
	env, src = newEnv(t, map[string]http.HandlerFunc{
		oiHistEndpoint: sourcetest.Status(418, `{"code":-1003,"msg":"Way too many requests; IP banned until 1734082200000."}`, "Retry-After", "1800"),
	}, nil)
	bs, err = src.Fetch(context.Background(), time.Time{})
	var he *httpx.HTTPError
	if !errors.As(err, &he) || he.Status != 418 || !strings.Contains(err.Error(), "banned this IP") {
		t.Fatalf("418: %v", err)
	}
	if env.Srv.Hits[oiHistEndpoint] != 1 || env.Srv.Hits[oiNowEndpoint] != 0 || len(env.Sleeps) != 0 {
		t.Errorf("418 retried or went on: hits %v, sleeps %v", env.Srv.Hits, env.Sleeps)
	}
	if _, ok := batchOf(bs, SourceFunding); !ok {
		t.Error("funding, fetched before the ban, must still commit")
	}

	// A ban on the first request: the open interest is not even tried.
	env, src = newEnv(t, map[string]http.HandlerFunc{endpoint: sourcetest.Status(418, "banned", "Retry-After", "600")}, nil)
	if bs, err := src.Fetch(context.Background(), time.Time{}); err == nil || len(bs) != 0 || env.Srv.Hits[oiHistEndpoint] != 0 {
		t.Errorf("418 on funding: %v, %d batches, %v", err, len(bs), env.Srv.Hits)
	}
	env, src = newEnv(t, map[string]http.HandlerFunc{endpoint: sourcetest.Status(451, `{"code":0,"msg":"Service unavailable from a restricted location"}`)}, nil)
	if _, err := src.Fetch(context.Background(), time.Time{}); err == nil || !strings.Contains(err.Error(), "refuses requests from this location") || env.Srv.Hits[oiHistEndpoint] != 0 {
		t.Errorf("451: %v, %v", err, env.Srv.Hits)
	}
}

func TestOIDailyDay(t *testing.T) {
	// The snapshot stamped 2024-12-13 00:00 UTC closes 2024-12-12.
	days, err := OIDaily([]OIPoint{{Time: day("2024-12-13"), Coins: 1, USD: 2}})
	if err != nil || days[day("2024-12-12")].USD != 2 || len(days) != 1 {
		t.Errorf("days %v, %v", days, err)
	}
}

func FuzzDecodeOIHist(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "binance-futures-openInterestHist.json"))
	f.Add([]byte(`{"code":-1121,"msg":"Invalid symbol."}`))
	f.Add([]byte(`[{"symbol":"BTCUSDT","sumOpenInterest":1e308,"sumOpenInterestValue":"0x10","timestamp":"1734048000000"}]`))
	f.Add([]byte(`[{"symbol":"BTCUSDT","sumOpenInterest":"0","sumOpenInterestValue":"0","timestamp":1734048000000},null]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		pts, err := DecodeOIHist(body, "BTCUSDT")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "binance: "+oiHistEndpoint+" BTCUSDT: ") {
				t.Fatalf("error without the source and endpoint: %v", err)
			}
			return
		}
		for _, p := range pts {
			if !p.Time.Equal(cw.Day(p.Time)) || cw.CheckValue(cw.MetricOpenInterestUSD, p.USD) != nil ||
				cw.CheckValue(MetricOpenInterestCoins, p.Coins) != nil || (p.USD == 0) != (p.Coins == 0) {
				t.Fatalf("implausible snapshot accepted: %+v", p)
			}
		}
		days, err := OIDaily(pts)
		if err != nil {
			return
		}
		for d := range days {
			if err := cw.CheckDay(d); err != nil {
				t.Fatalf("day %s: %v", d, err)
			}
		}
	})
}

func FuzzDecodeOINow(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "binance-fapi-openInterest.json"))
	f.Add([]byte(`{"code":-1121,"msg":"Invalid symbol."}`))
	f.Add([]byte(`{"openInterest":12,"symbol":"BTCUSDT","time":"1734080400123"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := DecodeOINow(body, "BTCUSDT")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "binance: "+oiNowEndpoint+" BTCUSDT: ") {
				t.Fatalf("error without the source and endpoint: %v", err)
			}
			return
		}
		if cw.CheckValue(MetricOpenInterestCoins, n.Coins) != nil || n.Time.IsZero() {
			t.Fatalf("implausible reading accepted: %+v", n)
		}
	})
}
