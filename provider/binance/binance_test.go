package binance

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
)

// The fetch day: 2024-12-13 has one settlement so far and is left out.
var now = time.Date(2024, 12, 13, 9, 0, 0, 0, time.UTC)

func day(s string) time.Time { d, _ := cw.ParseDay(s); return d }

// newEnv serves every endpoint the connector calls from the testdata payloads; routes replace a
// path's handler and faults answer a path's first requests.
func newEnv(t *testing.T, routes map[string]http.HandlerFunc, faults map[string][]http.HandlerFunc, symbols ...string) (*sourcetest.Env, *Source) {
	all := map[string]http.HandlerFunc{
		endpoint:       sourcetest.JSON(sourcetest.Fixture(t, "binance-fapi-fundingRate.json")),
		oiHistEndpoint: sourcetest.JSON(sourcetest.Fixture(t, "binance-futures-openInterestHist.json")),
		oiNowEndpoint:  sourcetest.JSON(sourcetest.Fixture(t, "binance-fapi-openInterest.json")),
	}
	for p, h := range routes {
		all[p] = h
	}
	srv := sourcetest.NewServer(all)
	for p, f := range faults {
		srv.Faults[p] = f
	}
	env := sourcetest.NewEnv(t, srv, now)
	if len(symbols) == 0 {
		symbols = []string{"BTCUSDT"}
	}
	return env, New(env.Client(5*time.Second, 2), env.TS.URL, symbols)
}

// fundingOnly is the setup of the funding tests: the given funding handler and faults.
func fundingOnly(t *testing.T, h http.HandlerFunc, faults ...http.HandlerFunc) (*sourcetest.Env, *Source) {
	return newEnv(t, map[string]http.HandlerFunc{endpoint: h}, map[string][]http.HandlerFunc{endpoint: faults})
}

func batchOf(bs []cw.Batch, id cw.SourceID) (cw.Batch, bool) {
	for _, b := range bs {
		if b.Source.ID == id {
			return b, true
		}
	}
	return cw.Batch{}, false
}

func TestFetchReplay(t *testing.T) {
	env, src := newEnv(t, nil, nil)
	bs, err := src.Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 || bs[0].Source.ID != SourceFunding || bs[1].Source.ID != SourceOpenInterest {
		t.Fatalf("batches %v", bs)
	}
	b := bs[0]
	got := sourcetest.ObsMap(b)
	// 12-11: (0.0001 + 0.000125 + 0.00009) / 3; 12-12: (0.0002 + 0.00018 + 0.00016) / 3; 12-13 has
	// one settlement of three and is not a day yet.
	want := map[string]float64{
		"contract:binance-btcusdt_perp.a funding_rate 2024-12-11": 0.000105,
		"contract:binance-btcusdt_perp.a funding_rate 2024-12-12": 0.00018,
	}
	if len(got) != len(want) {
		t.Fatalf("observations %v", got)
	}
	for k, v := range want {
		if d := got[k] - v; d > 1e-15 || d < -1e-15 {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	e := sourcetest.EntMap(b)["contract:binance-btcusdt_perp.a"]
	if e.Parent != "asset:btc" || e.Kind != cw.KindContract || e.Attrs["venue"] != "binance" {
		t.Errorf("entity %+v", e)
	}
	if b.Source.ID != SourceFunding || !b.Source.FetchedAt.Equal(now) || !strings.HasPrefix(b.Source.Location, env.TS.URL+endpoint+"?") {
		t.Errorf("provenance %+v", b.Source)
	}
	if cw.DefinitionOf(MetricFundingRate, SourceFunding) != DefFundingRate {
		t.Errorf("catalogue: %s", cw.DefinitionOf(MetricFundingRate, SourceFunding))
	}
	// The id is the one the bundled Coinalyze open interest gives the same Binance contract.
	if ContractID("BTCUSDT") != string(cw.KindContract)+":binance-"+cw.NormKey("BTCUSDT_PERP.A") {
		t.Errorf("contract id %s", ContractID("BTCUSDT"))
	}
}

func TestFetchSince(t *testing.T) {
	env, src := newEnv(t, nil, nil)
	bs, err := src.Fetch(context.Background(), day("2024-12-11"))
	if err != nil {
		t.Fatal(err)
	}
	got := sourcetest.ObsMap(bs[0])
	if len(got) != 1 || got["contract:binance-btcusdt_perp.a funding_rate 2024-12-12"] == 0 {
		t.Errorf("since 12-11: %v", got)
	}
	if q := env.Srv.Seen[0].URL.Query(); env.Srv.Seen[0].URL.Path != endpoint || q.Get("startTime") != fmt.Sprint(day("2024-12-11").UnixMilli()) || q.Get("symbol") != "BTCUSDT" {
		t.Errorf("query %v", q)
	}
}

// A full page asks for the next one from just after its last settlement.
func TestFetchPages(t *testing.T) {
	start := day("2024-01-01")
	page := func(from, n int) []byte {
		var b strings.Builder
		b.WriteString("[")
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"symbol":"BTCUSDT","fundingTime":%d,"fundingRate":"0.0001","markPrice":"1"}`, start.Add(time.Duration(from+i)*8*time.Hour).UnixMilli())
		}
		b.WriteString("]")
		return []byte(b.String())
	}
	env, src := fundingOnly(t, sourcetest.JSON(page(pageSize, 30)), sourcetest.JSON(page(0, pageSize)))
	bs, err := src.Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if n := env.Srv.Hits[endpoint]; n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	if got := env.Srv.Seen[1].URL.Query().Get("startTime"); got != fmt.Sprint(start.Add((pageSize-1)*8*time.Hour).UnixMilli()+1) {
		t.Errorf("second page from %s", got)
	}
	if n := len(bs[0].Observations); n != (pageSize+30)/3 {
		t.Errorf("%d days, want %d", n, (pageSize+30)/3)
	}
}

func TestFaults(t *testing.T) {
	one := func(rate string, ms int64) string {
		return fmt.Sprintf(`{"symbol":"BTCUSDT","fundingTime":%d,"fundingRate":%s,"markPrice":"1"}`, ms, rate)
	}
	d := day("2024-12-11").UnixMilli()
	cases := []struct {
		name string
		h    http.HandlerFunc
		want string
	}{
		{"restricted location", sourcetest.Status(451, `{"code":0,"msg":"Service unavailable from a restricted location"}`), "HTTP 451"},
		{"error object", sourcetest.JSON([]byte(`{"code":-1121,"msg":"Invalid symbol."}`)), "body is not an array"},
		{"rate not a string", sourcetest.JSON([]byte("[" + one(`0.0001`, d) + "]")), "[0].fundingRate"},
		{"rate garbage", sourcetest.JSON([]byte("[" + one(`"1e-4x"`, d) + "]")), "[0].fundingRate"},
		{"rate implausible", sourcetest.JSON([]byte("[" + one(`"0.5"`, d) + "]")), "not a plausible 8-hour rate"},
		{"rate NaN", sourcetest.JSON([]byte("[" + one(`"NaN"`, d) + "]")), "[0].fundingRate"},
		{"time in seconds", sourcetest.JSON([]byte("[" + one(`"0.0001"`, d/1000) + "]")), "[0].fundingTime"},
		{"another symbol", sourcetest.JSON([]byte(`[{"symbol":"ETHUSDT","fundingTime":` + fmt.Sprint(d) + `,"fundingRate":"0.0001"}]`)), "[0].symbol"},
		{"conflicting duplicate", sourcetest.JSON([]byte("[" + one(`"0.0001"`, d) + "," + one(`"0.0002"`, d+3) + "]")), "listed with rates"},
		{"truncated", sourcetest.Truncated(`[{"symbol":"BTCUSDT"`), "binance"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, src := fundingOnly(t, c.h)
			bs, err := src.Fetch(context.Background(), time.Time{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want one naming %q", err, c.want)
			}
			if _, ok := batchOf(bs, SourceFunding); ok {
				t.Errorf("a failed funding fetch returned its batch")
			}
		})
	}
	// Identical duplicates are one settlement.
	_, src := fundingOnly(t, sourcetest.JSON([]byte("["+one(`"0.0001"`, d)+","+one(`"0.0001"`, d+1)+"]")))
	if _, err := src.Fetch(context.Background(), time.Time{}); err != nil {
		t.Errorf("identical duplicate: %v", err)
	}
	// 500 then OK recovers.
	_, src = fundingOnly(t, sourcetest.JSON(sourcetest.Fixture(t, "binance-fapi-fundingRate.json")), sourcetest.Status(500, "oops"))
	if _, err := src.Fetch(context.Background(), time.Time{}); err != nil {
		t.Errorf("500 then OK: %v", err)
	}
	var he *httpx.HTTPError
	_, src = fundingOnly(t, sourcetest.Status(404, "{}"))
	if _, err := src.Fetch(context.Background(), time.Time{}); !errors.As(err, &he) || he.Status != 404 {
		t.Errorf("404: %v", err)
	}
}

func TestConfigSymbols(t *testing.T) {
	p, ok := cw.ProviderByName(Name)
	if !ok {
		t.Fatal("not registered")
	}
	_, _, err := p.New(cw.ProviderEnv{ConfigJSON: []byte(`{"binance":{"symbols":["BTC-USD"]}}`)})
	if err == nil || !strings.Contains(err.Error(), "binance.symbols") {
		t.Errorf("bad symbol accepted: %v", err)
	}
	s, _, err := p.New(cw.ProviderEnv{ConfigJSON: []byte(`{"binance":{"symbols":["DOGEUSDT"]}}`)})
	if err != nil || s.(*Source).symbols[0] != "DOGEUSDT" {
		t.Errorf("configured symbols: %v", err)
	}
	if cw.ProviderOf(SourceFunding) != Name {
		t.Errorf("ProviderOf = %q", cw.ProviderOf(SourceFunding))
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`[{"symbol":"BTCUSDT","fundingTime":1733875200000,"fundingRate":"0.00010000"}]`))
	f.Add([]byte(`{"code":-1121,"msg":"Invalid symbol."}`))
	f.Add([]byte(`[{"symbol":"BTCUSDT","fundingTime":1e300,"fundingRate":"-0.0300"}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		pts, err := Decode(body, "BTCUSDT")
		if err != nil {
			return
		}
		for _, p := range pts {
			if p.Rate > maxAbsRate || p.Rate < -maxAbsRate || p.Rate != p.Rate {
				t.Fatalf("implausible rate accepted: %v", p.Rate)
			}
		}
		if _, err := Daily(pts, now); err != nil {
			return
		}
	})
}
