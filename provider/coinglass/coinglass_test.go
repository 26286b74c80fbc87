package coinglass

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/sourcetest"
	"cryptoweekly/provider/binance"
)

// The fetch day: its bar (2024-12-13) is still filling.
var now = time.Date(2024, 12, 13, 9, 0, 0, 0, time.UTC)

const secret = "cg-SECRET-key-0123456789"

func day(s string) time.Time { d, _ := cw.ParseDay(s); return d }

func newEnv(t *testing.T, h http.HandlerFunc, faults ...http.HandlerFunc) (*sourcetest.Env, *Source) {
	t.Helper()
	if h == nil {
		h = sourcetest.JSON(sourcetest.Fixture(t, "coinglass-liquidation-history.json"))
	}
	srv := sourcetest.NewServer(map[string]http.HandlerFunc{endpoint: h})
	srv.Faults[endpoint] = faults
	env := sourcetest.NewEnv(t, srv, now)
	s, err := New(env.Client(5*time.Second, 2), Options{BaseURL: env.TS.URL, Key: secret, Symbols: []string{"BTCUSDT"}})
	if err != nil {
		t.Fatal(err)
	}
	return env, s
}

func TestFetchReplay(t *testing.T) {
	env, src := newEnv(t, nil)
	bs, err := src.Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 || bs[0].Source.ID != SourceLiquidations {
		t.Fatalf("batches %v", bs)
	}
	b := bs[0]
	got := sourcetest.ObsMap(b)
	id := binance.ContractID("BTCUSDT")
	// 15 bars 2024-11-29..2024-12-13; the fetch day's is left out: 14 days, long and short.
	if len(got) != 28 {
		t.Fatalf("%d observations, want 28", len(got))
	}
	for k, v := range map[string]float64{
		id + " liquidations_long_usd 2024-12-12":  41823590.22817,
		id + " liquidations_short_usd 2024-12-12": 47702165.93104,
		id + " liquidations_long_usd 2024-12-05":  143902117.66104,
		id + " liquidations_short_usd 2024-11-29": 21937706.54418,
	} {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if _, ok := got[id+" liquidations_long_usd 2024-12-13"]; ok {
		t.Error("the fetch day's bar is still filling")
	}
	// The contract is the one funding and open interest describe.
	if e := sourcetest.EntMap(b)[id]; e.Parent != "asset:btc" || e.Attrs["venue"] != "binance" || e.Attrs["margin"] != "usdt" {
		t.Errorf("entity %+v", e)
	}
	r := env.Srv.Seen[0]
	if r.Header.Get(keyHeader) != secret {
		t.Error("key not sent in CG-API-KEY")
	}
	if q := r.URL.Query(); q.Get("exchange") != "Binance" || q.Get("symbol") != "BTCUSDT" || q.Get("interval") != "1d" || q.Get("limit") != "1000" || q.Has("start_time") {
		t.Errorf("query %v", q)
	}
	if strings.Contains(b.Source.Location, secret) || !strings.HasPrefix(b.Source.Location, env.TS.URL+endpoint) {
		t.Errorf("location %q", b.Source.Location)
	}
	sourcetest.AssertNoSecretInArchive(t, env.Archive, secret)
	if cw.DefinitionOf(MetricLiquidationsLongUSD, SourceLiquidations) != DefLiquidations || cw.DefinitionOf(MetricLiquidationsShortUSD, SourceLiquidations) != DefLiquidations {
		t.Error("catalogue")
	}
}

func TestFetchSince(t *testing.T) {
	env, src := newEnv(t, nil)
	bs, err := src.Fetch(context.Background(), day("2024-12-10"))
	if err != nil {
		t.Fatal(err)
	}
	if got := sourcetest.ObsMap(bs[0]); len(got) != 4 {
		t.Errorf("since 12-10: %v", got)
	}
	if q := env.Srv.Seen[0].URL.Query(); q.Get("start_time") != fmt.Sprint(day("2024-12-11").UnixMilli()) {
		t.Errorf("start_time %s", q.Get("start_time"))
	}
}

func bar(d, long, short string) string {
	return fmt.Sprintf(`{"time":%d,"long_liquidation_usd":%s,"short_liquidation_usd":%s}`, day(d).UnixMilli(), long, short)
}

func ok(bars ...string) string {
	return `{"code":"0","msg":"success","data":[` + strings.Join(bars, ",") + `]}`
}

func TestFaults(t *testing.T) {
	cases := []struct {
		name string
		h    http.HandlerFunc
		want string
	}{
		{"refused in the body", sourcetest.JSON([]byte(`{"code":"30001","msg":"API key missing"}`)), `code: API error "30001": "API key missing"`},
		{"plan too small", sourcetest.JSON([]byte(`{"code":"40001","msg":"Upgrade plan"}`)), "Upgrade plan"},
		{"401", sourcetest.Status(401, `{"code":"401","msg":"Invalid API key"}`), "HTTP 401"},
		{"429 for good", sourcetest.Status(429, `{"code":"429","msg":"Too Many Requests"}`, "Retry-After", "1"), "HTTP 429"},
		{"5xx for good", sourcetest.Status(500, `oops`), "HTTP 500"},
		{"malformed", sourcetest.JSON([]byte(`{"code":"0","data":[{"time":`)), "body is not a response object"},
		{"array", sourcetest.JSON([]byte(`[]`)), "body is not a response object"},
		{"data missing", sourcetest.JSON([]byte(`{"code":"0","msg":"success"}`)), "data: missing"},
		{"data object", sourcetest.JSON([]byte(`{"code":"0","data":{"time":1}}`)), "data: missing or not an array"},
		{"field renamed", sourcetest.JSON([]byte(`{"code":"0","data":[{"time":1733961600000,"longLiquidationUsd":"1","short_liquidation_usd":"1"}]}`)), "data[0].long_liquidation_usd: not a number"},
		{"NaN", sourcetest.JSON([]byte(ok(bar("2024-12-12", `"NaN"`, `"1"`)))), `data[0].long_liquidation_usd: "NaN" is not a decimal number`},
		{"text", sourcetest.JSON([]byte(ok(bar("2024-12-12", `"1"`, `"$5M"`)))), "data[0].short_liquidation_usd"},
		{"negative", sourcetest.JSON([]byte(ok(bar("2024-12-12", `"-1"`, `"1"`)))), "plausible range"},
		{"overflow", sourcetest.JSON([]byte(ok(bar("2024-12-12", `1e300`, `"1"`)))), "plausible range"},
		{"null amount", sourcetest.JSON([]byte(ok(bar("2024-12-12", `null`, `"1"`)))), "not a number"},
		{"seconds", sourcetest.JSON([]byte(`{"code":"0","data":[{"time":1733961600,"long_liquidation_usd":"1","short_liquidation_usd":"1"}]}`)), "data[0].time"},
		{"4h bar", sourcetest.JSON([]byte(`{"code":"0","data":[{"time":1733976000000,"long_liquidation_usd":"1","short_liquidation_usd":"1"}]}`)), "not 00:00 UTC"},
		{"conflicting day", sourcetest.JSON([]byte(ok(bar("2024-12-12", `"1"`, `"1"`), bar("2024-12-12", `"2"`, `"1"`)))), "listed twice"},
		{"truncated", sourcetest.Truncated(`{"code":"0","data":[`), "coinglass"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env, src := newEnv(t, c.h)
			bs, err := src.Fetch(context.Background(), time.Time{})
			if err == nil || !strings.Contains(err.Error(), c.want) || len(bs) != 0 {
				t.Fatalf("err %v (%d batches), want one naming %q", err, len(bs), c.want)
			}
			sourcetest.AssertNoSecret(t, err, secret)
			sourcetest.AssertNoSecretInArchive(t, env.Archive, secret)
		})
	}
	// Numbers as JSON numbers, identical duplicates: accepted.
	_, src := newEnv(t, sourcetest.JSON([]byte(ok(bar("2024-12-12", `5.5`, `"6"`), bar("2024-12-12", `"5.5"`, `6`)))))
	if bs, err := src.Fetch(context.Background(), time.Time{}); err != nil || len(bs[0].Observations) != 2 {
		t.Errorf("lenient shapes: %v", err)
	}
	// 429 with Retry-After, then 503: both waited out.
	env, src := newEnv(t, nil, sourcetest.Status(429, "slow down", "Retry-After", "4"), sourcetest.Status(503, "busy"))
	if _, err := src.Fetch(context.Background(), time.Time{}); err != nil {
		t.Fatalf("429 then 503 then OK: %v", err)
	}
	if len(env.Sleeps) != 2 || env.Sleeps[0] != 4*time.Second {
		t.Errorf("sleeps %v", env.Sleeps)
	}
	// Every symbol or none.
	calls := 0
	h := func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.URL.Query().Get("symbol") == "ETHUSDT" {
			w.Write([]byte(`{"code":"0","data":[{"time":"soon"}]}`))
			return
		}
		w.Write(sourcetest.Fixture(t, "coinglass-liquidation-history.json"))
	}
	_, src = newEnv(t, h)
	src.o.Symbols = []string{"BTCUSDT", "ETHUSDT"}
	if bs, err := src.Fetch(context.Background(), time.Time{}); err == nil || len(bs) != 0 || calls != 2 {
		t.Errorf("a failed symbol must drop the batch: %v, %d batches, %d calls", err, len(bs), calls)
	}
	var he *httpx.HTTPError
	_, src = newEnv(t, sourcetest.Status(404, "{}"))
	if _, err := src.Fetch(context.Background(), time.Time{}); !errors.As(err, &he) || he.Status != 404 {
		t.Errorf("404: %v", err)
	}
}

func TestProviderConfig(t *testing.T) {
	p, found := cw.ProviderByName(Name)
	if !found {
		t.Fatal("not registered")
	}
	noEnv := func(string) string { return "" }
	s, note, err := p.New(cw.ProviderEnv{Getenv: noEnv})
	if s != nil || err != nil || !strings.Contains(note, EnvKey) {
		t.Errorf("without a key: %v %q %v", s, note, err)
	}
	c := httpx.New(httpx.Options{})
	s, _, err = p.New(cw.ProviderEnv{Client: c, Getenv: noEnv, ConfigJSON: []byte(`{"keys":{"coinglass":"k-123456"},"binance":{"symbols":["DOGEUSDT"]}}`)})
	if err != nil || s == nil || strings.Join(s.(*Source).o.Symbols, ",") != "DOGEUSDT" {
		t.Errorf("symbols from the binance config: %v %v", s, err)
	}
	s, _, err = p.New(cw.ProviderEnv{Client: c, Getenv: func(k string) string { return map[string]string{EnvKey: "env-key-1"}[k] }})
	if err != nil || s.(*Source).o.Key != "env-key-1" || strings.Join(s.(*Source).o.Symbols, ",") != strings.Join(binance.DefaultSymbols, ",") {
		t.Errorf("key from the environment, default symbols: %v", err)
	}
	if _, _, err := p.New(cw.ProviderEnv{Client: c, Getenv: noEnv, ConfigJSON: []byte(`{"keys":{"coinglass":"k-123456"},"coinglass":{"symbols":["BTC-USD"]}}`)}); err == nil || !strings.Contains(err.Error(), "coinglass.symbols") {
		t.Errorf("bad symbol: %v", err)
	}
	if cw.ProviderOf(SourceLiquidations) != Name {
		t.Errorf("ProviderOf = %q", cw.ProviderOf(SourceLiquidations))
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "coinglass-liquidation-history.json"))
	f.Add([]byte(`{"code":"30001","msg":"API key missing"}`))
	f.Add([]byte(`{"code":0,"data":[{"time":"1733961600000","long_liquidation_usd":1e15,"short_liquidation_usd":"0x1p3"},null]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		bars, err := Decode(body, "BTCUSDT")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "coinglass: "+endpoint+" BTCUSDT: ") {
				t.Fatalf("error without the source and endpoint: %v", err)
			}
			return
		}
		for i, b := range bars {
			if !b.Day.Equal(cw.Day(b.Day)) || cw.CheckDay(b.Day) != nil || cw.CheckValue(MetricLiquidationsLongUSD, b.Long) != nil || cw.CheckValue(MetricLiquidationsShortUSD, b.Short) != nil {
				t.Fatalf("implausible bar accepted: %+v", b)
			}
			if i > 0 && !bars[i-1].Day.Before(b.Day) {
				t.Fatalf("bars not one per day in order: %v", bars)
			}
		}
	})
}
