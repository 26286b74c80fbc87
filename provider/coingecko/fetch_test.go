package coingecko

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/sourcetest"
)

const secretKey = "CG-s3cr3tK3yDoNotLeak0123456789"

var fetchDay = time.Date(2026, 1, 11, 8, 30, 0, 0, time.UTC)

// truncated promises a full body but stops mid-row.
var truncated = sourcetest.Truncated(`[{"id":"bitcoin","sym`)

func newServer(t *testing.T) *sourcetest.Server {
	s := sourcetest.NewServer(nil)
	s.Prefix = "/api/v3"
	markets := sourcetest.Fixture(t, "coingecko-coins-markets.json")
	page2 := []byte(`[
	  {"id":"bitcoin-wormhole","symbol":"BTC","name":"Wormhole <b>Bitcoin</b>","current_price":96000,"market_cap":12000000,"market_cap_rank":900,"total_volume":null,"circulating_supply":125},
	  {"id":"some-meme","symbol":"meme","name":"Some Meme","current_price":0.0000124,"market_cap":400000000,"market_cap_rank":181}
	]`)
	s.Routes = map[string]http.HandlerFunc{
		"/coins/markets": func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("vs_currency") != "usd" || q.Get("order") != "market_cap_desc" || q.Get("price_change_percentage") != "24h,7d" {
				t.Errorf("bad markets query %s", r.URL.RawQuery)
			}
			switch cat := q.Get("category"); {
			case cat == "meme-token":
				sourcetest.JSON([]byte(`[{"id":"some-meme","symbol":"meme","name":"Some Meme","current_price":0.0000123,"market_cap":410000000,"market_cap_rank":180},
				  {"id":"tiny-meme","symbol":"tiny","name":"Tiny","current_price":"0.5","market_cap":1000,"market_cap_rank":4000}]`))(w, r)
			case cat == "layer-1":
				sourcetest.JSON([]byte(`[{"id":"bitcoin","symbol":"btc","name":"Bitcoin","current_price":96450.12,"market_cap":1912000000000,"market_cap_rank":1}]`))(w, r)
			case cat != "":
				sourcetest.JSON([]byte(`[]`))(w, r)
			case q.Get("page") == "1":
				sourcetest.JSON(markets)(w, r)
			case q.Get("page") == "2":
				sourcetest.JSON(page2)(w, r)
			default:
				sourcetest.JSON([]byte(`[]`))(w, r)
			}
		},
		"/coins/categories/list":         sourcetest.JSON(sourcetest.Fixture(t, "coingecko-coins-categories-list.json")),
		"/search/trending":               sourcetest.JSON(sourcetest.Fixture(t, "coingecko-search-trending.json")),
		"/global":                        sourcetest.JSON(sourcetest.Fixture(t, "coingecko-global.json")),
		"/coins/bitcoin/market_chart":    sourcetest.JSON(sourcetest.Fixture(t, "coingecko-coins-id-market_chart.json")),
		"/coins/not-listed/market_chart": sourcetest.JSON(sourcetest.Fixture(t, "coingecko-coins-id-market_chart.json")),
	}
	return s
}

// env is the shared replay environment (sourcetest.Env) on the CoinGecko routes.
type env struct{ *sourcetest.Env }

func newEnv(t *testing.T) *env { return &env{sourcetest.NewEnv(t, newServer(t), fetchDay)} }

func (e *env) source(t *testing.T, o Options) *Source {
	t.Helper()
	o.BaseURL = e.TS.URL + "/api/v3"
	if o.DemoKey == "" && o.ProKey == "" {
		o.DemoKey = secretKey
	}
	if o.PerPage == 0 {
		o.PerPage = 2
	}
	if o.ChartCoins == nil {
		o.ChartCoins = []string{"bitcoin", "not-listed"}
	}
	o.Now = func() time.Time { return fetchDay }
	s, err := New(e.Client(30*time.Second, 3), o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func byProv(bs []cw.Batch) map[cw.SourceID]cw.Batch {
	m := map[cw.SourceID]cw.Batch{}
	for _, b := range bs {
		m[b.Source.ID] = b
	}
	return m
}

func TestFetchReplay(t *testing.T) {
	e := newEnv(t)
	var warnings []string
	s := e.source(t, Options{Logf: func(f string, a ...any) { warnings = append(warnings, f) }})
	if s.Name() != "coingecko" {
		t.Fatal(s.Name())
	}
	var _ cw.Source = s
	bs, err := s.Fetch(context.Background(), time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	got := byProv(bs)
	for _, id := range []cw.SourceID{SourceMarkets, SourceCategories, SourceTrending, SourceGlobal, SourceMarketChart} {
		b, ok := got[id]
		if !ok {
			t.Fatalf("no %s batch", id)
		}
		if err := b.Validate(); err != nil {
			t.Error(err)
		}
		if b.Source.Provider != "CoinGecko" || b.Source.Licence == "" || !b.Source.FetchedAt.Equal(fetchDay) || strings.Contains(b.Source.Location, secretKey) {
			t.Errorf("%s provenance %+v", id, b.Source)
		}
	}
	// Markets: 3 distinct coins (some-meme repeated on page 2 is dropped), BTC collision.
	m := got[SourceMarkets]
	ents := sourcetest.EntMap(m)
	if len(ents) != 3 {
		t.Fatalf("markets entities %v", ents)
	}
	if ents["asset:btc"].Attrs["coingecko_id"] != "bitcoin" || ents["asset:btc-bitcoin-wormhole"].Name != "Wormhole <b>Bitcoin</b>" {
		t.Errorf("%+v", ents)
	}
	if tags := strings.Join(ents["asset:btc"].Tags, ","); tags != "cg:layer-1,sector:layer-1" {
		t.Errorf("btc tags %q", tags)
	}
	if tags := strings.Join(ents["asset:meme"].Tags, ","); tags != "cg:meme-token,sector:meme" {
		t.Errorf("meme tags %q", tags)
	}
	o := sourcetest.ObsMap(m)
	for k, v := range map[string]float64{
		"asset:btc price 2026-01-11": 96450.12, "asset:btc market_cap 2026-01-11": 1.912e12, "asset:btc rank 2026-01-11": 1,
		"asset:btc volume_24h 2026-01-11": 3.82e10, "asset:btc circulating_supply 2026-01-11": 1.982e7,
		"asset:btc pct_change_7d 2026-01-11": 3.41, "asset:btc pct_change_24h 2026-01-11": 0.868,
		"asset:meme price 2026-01-11": 0.0000123, "asset:btc-bitcoin-wormhole rank 2026-01-11": 900,
	} {
		if o[k] != v {
			t.Errorf("%s = %v, want %v", k, o[k], v)
		}
	}
	if _, ok := o["asset:btc-bitcoin-wormhole volume_24h 2026-01-11"]; ok {
		t.Error("null volume produced an observation")
	}
	if e.Srv.Hits["/coins/markets"] != 3+7 { // pages 1-3 (page 3 short) + 7 known categories
		t.Errorf("markets hits %d", e.Srv.Hits["/coins/markets"])
	}
	// Categories: unknown ids reported, not fatal.
	c := got[SourceCategories]
	if !strings.Contains(c.Source.Note, "not listed by CoinGecko (skipped): exchange-based-tokens, gaming, infrastructure, layer-2, real-world-assets-rwa") {
		t.Errorf("note %q", c.Source.Note)
	}
	if len(warnings) != 5+1+1 { // 5 categories + 1 chart coin + the global history (no Pro key)
		t.Errorf("warnings %v", warnings)
	}
	cents := sourcetest.EntMap(c)
	if cents["asset:tiny"].Tags[0] != "cg:meme-token" || sourcetest.ObsMap(c)["asset:tiny price 2026-01-11"] != 0.5 {
		t.Errorf("%+v", cents)
	}
	// Trending / global.
	tr := got[SourceTrending]
	if sourcetest.ObsMap(tr)["topic:bonk trend_rank 2026-01-11"] != 1 || !strings.Contains(tr.Source.Note, "search interest, not social volume") {
		t.Errorf("%+v", tr)
	}
	if _, ok := got[SourceGlobalChart]; ok || e.Srv.Hits["/global/market_cap_chart"] != 0 {
		t.Error("a Demo key requested the paid-only global history")
	}
	if n := got[SourceGlobal].Source.Note; !strings.Contains(n, "No history: /global/market_cap_chart is for CoinGecko paid plans only") || !strings.Contains(n, EnvProKey) {
		t.Errorf("global note does not say why there is no history: %q", n)
	}
	g := sourcetest.ObsMap(got[SourceGlobal])
	if g["index:crypto-market btc_dominance_pct 2026-01-11"] != 57.6 || g["index:crypto-market total_market_cap_usd 2026-01-11"] != 3.32e12 {
		t.Errorf("%v", g)
	}
	// Chart: since 2026-01-05 keeps Jan 5 and Jan 11 (00:00); "now" point dropped; not-listed skipped.
	ch := got[SourceMarketChart]
	co := sourcetest.ObsMap(ch)
	if len(co) != 6 || co["asset:btc price 2026-01-11"] != 14.92 || co["asset:btc price 2026-01-05"] != 13.88 {
		t.Errorf("chart %v", co)
	}
	if !strings.Contains(ch.Source.Note, "not-listed") || !strings.Contains(ch.Source.Location, "days=8") {
		t.Errorf("chart prov %+v", ch.Source)
	}
	// Key header on every request, never the pro header, never in the URL.
	for _, r := range e.Srv.Seen {
		if r.Header.Get(DemoKeyHeader) != secretKey || r.Header.Get(ProKeyHeader) != "" || strings.Contains(r.URL.String(), secretKey) {
			t.Errorf("request %s headers %v", r.URL, r.Header)
		}
	}
	sourcetest.AssertNoSecretInArchive(t, e.Archive, secretKey)
}

func TestFetchFaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    string
		faults  []http.HandlerFunc
		timeout time.Duration
		wantErr string // "" = success
		check   func(t *testing.T, e *env, bs []cw.Batch)
	}{
		{name: "429 then success honours Retry-After", path: "/coins/markets",
			faults: []http.HandlerFunc{sourcetest.Status(429, `{"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit"}}`, "Retry-After", "7")},
			check: func(t *testing.T, e *env, bs []cw.Batch) {
				if len(e.Sleeps) == 0 || e.Sleeps[0] != 7*time.Second {
					t.Errorf("sleeps %v", e.Sleeps)
				}
			}},
		{name: "500 then success", path: "/global", faults: []http.HandlerFunc{sourcetest.Status(500, "oops"), sourcetest.Status(502, "<html>bad gateway</html>")},
			check: func(t *testing.T, e *env, bs []cw.Batch) {
				if e.Srv.Hits["/global"] != 3 || len(byProv(bs)[SourceGlobal].Observations) != 4 {
					t.Errorf("hits %d", e.Srv.Hits["/global"])
				}
			}},
		{name: "truncated body then success", path: "/coins/markets", faults: []http.HandlerFunc{truncated}},
		{name: "truncated body every time", path: "/search/trending", faults: []http.HandlerFunc{truncated, truncated, truncated, truncated},
			wantErr: "truncated body"},
		{name: "timeout", path: "/global", faults: []http.HandlerFunc{sourcetest.Hang, sourcetest.Hang, sourcetest.Hang, sourcetest.Hang}, timeout: 50 * time.Millisecond,
			wantErr: "timed out"},
		{name: "404 is not retried", path: "/coins/categories/list", faults: []http.HandlerFunc{sourcetest.Status(404, `{"error":"coin not found"}`)},
			wantErr: "coingecko: /coins/categories/list: HTTP 404"},
		{name: "10012 history limit is reported", path: "/coins/bitcoin/market_chart",
			faults:  []http.HandlerFunc{sourcetest.Status(401, `{"error":{"status":{"error_code":10012,"error_message":"Your request exceeds the allowed time range. Public API users are limited to querying historical data within the past 365 days."}}}`)},
			wantErr: "10012"},
		{name: "200 with error object instead of array", path: "/coins/markets", faults: []http.HandlerFunc{sourcetest.JSON([]byte(`{"status":{"error_code":10002,"error_message":"API Key Missing"}}`))},
			wantErr: `coingecko: /coins/markets: the API answered an error instead of a list: "API Key Missing"`},
		{name: "schema drift in markets", path: "/coins/markets",
			faults: []http.HandlerFunc{sourcetest.JSON([]byte(`[{"id":"bitcoin","symbol":"btc","name":"Bitcoin","current_price":"96450.12","market_cap":{"usd":1},"market_cap_rank":"1"},{"id":"x","symbol":"\u202eevil\u0000","name":"<script>alert(1)</script>"}]`))},
			check: func(t *testing.T, e *env, bs []cw.Batch) {
				o := sourcetest.ObsMap(byProv(bs)[SourceMarkets])
				if o["asset:btc price 2026-01-11"] != 96450.12 || o["asset:btc rank 2026-01-11"] != 1 {
					t.Errorf("%v", o)
				}
				if _, ok := o["asset:btc market_cap 2026-01-11"]; ok {
					t.Error("object market cap observed")
				}
				if ent := sourcetest.EntMap(byProv(bs)[SourceMarkets])["asset:evil"]; ent.Name != "<script>alert(1)</script>" || ent.Symbol != "EVIL" {
					t.Errorf("%+v", ent)
				}
			}},
		{name: "chart with duplicate and unsorted timestamps", path: "/coins/bitcoin/market_chart",
			faults: []http.HandlerFunc{sourcetest.JSON([]byte(`{"prices":[[1768089600000,14.92],[1767571200000,13.88],[1768089600000,99],[1767600000000,50],[1768120000000,15.01]],"market_caps":[],"total_volumes":null}`))},
			check: func(t *testing.T, e *env, bs []cw.Batch) {
				o := sourcetest.ObsMap(byProv(bs)[SourceMarketChart])
				if len(o) != 2 || o["asset:btc price 2026-01-11"] != 14.92 || o["asset:btc price 2026-01-05"] != 13.88 {
					t.Errorf("%v", o)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.Srv.Faults[tc.path] = tc.faults
			o := Options{}
			o.BaseURL = e.TS.URL + "/api/v3"
			o.DemoKey = secretKey
			o.PerPage = 2
			o.ChartCoins = []string{"bitcoin"}
			o.Now = func() time.Time { return fetchDay }
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 30 * time.Second
			}
			s, err := New(e.Client(timeout, 3), o)
			if err != nil {
				t.Fatal(err)
			}
			bs, err := s.Fetch(context.Background(), time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "coingecko: ") || strings.Contains(err.Error(), secretKey) {
					t.Errorf("error text %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, e, bs)
			}
		})
	}
}

func TestKeyNeverLeaks(t *testing.T) {
	e := newEnv(t)
	// A hostile or buggy server echoes the key in the body and a header, and then fails.
	echo := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get(DemoKeyHeader))
		w.WriteHeader(401)
		io.WriteString(w, `{"status":{"error_code":10002,"error_message":"invalid key `+r.Header.Get(DemoKeyHeader)+`"}}`)
	}
	e.Srv.Routes["/global"] = echo
	s := e.source(t, Options{})
	_, err := s.Fetch(context.Background(), time.Time{})
	if err == nil {
		t.Fatal("want error")
	}
	var he *httpx.HTTPError
	if !errors.As(err, &he) || he.Status != 401 {
		t.Errorf("err %T %v", err, err)
	}
	if strings.Contains(err.Error(), secretKey) || !strings.Contains(err.Error(), "REDACTED") {
		t.Errorf("error leaks or is not redacted: %v", err)
	}
	sourcetest.AssertNoSecretInArchive(t, e.Archive, secretKey)
}

func TestKeyOptions(t *testing.T) {
	c := httpx.New(httpx.Options{})
	for _, tc := range []struct {
		o       Options
		wantErr string
		base    string
		header  string
	}{
		{o: Options{DemoKey: "d", ProKey: "p"}, wantErr: "both"},
		{o: Options{ProKey: "p", BaseURL: DemoBase}, wantErr: "Pro key must not"},
		{o: Options{DemoKey: "d", BaseURL: ProBase + "/"}, wantErr: "Demo key must not"},
		{o: Options{BaseURL: "::"}, wantErr: "invalid base URL"},
		{o: Options{}, base: DemoBase},
		{o: Options{DemoKey: " d "}, base: DemoBase, header: DemoKeyHeader},
		{o: Options{ProKey: "p"}, base: ProBase, header: ProKeyHeader},
	} {
		s, err := New(c, tc.o)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%+v: err %v", tc.o, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.o.BaseURL != tc.base || len(s.header) != map[bool]int{true: 1, false: 0}[tc.header != ""] {
			t.Errorf("%+v: %s %v", tc.o, s.o.BaseURL, s.header)
		}
		if tc.header != "" && (s.header.Get(tc.header) == "" || s.secret[0] != tc.header) {
			t.Errorf("%+v: header %v secret %v", tc.o, s.header, s.secret)
		}
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("nil client accepted")
	}
}

// TestChartTop: the largest coins of the listing get daily charts too, each once.
func TestChartTop(t *testing.T) {
	e := newEnv(t)
	s := e.source(t, Options{ChartCoins: []string{"bitcoin"}, ChartTop: 2})
	bs, err := s.Fetch(context.Background(), time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	// The fixture server has no chart for the second coin: that coin alone fails, and the rest
	// of the source comes back with the error (ingest stores it as a partial run).
	if err == nil || !strings.Contains(err.Error(), "some-meme") {
		t.Fatalf("err = %v, want the failed coin named", err)
	}
	got := byProv(bs)
	if _, ok := got[SourceMarkets]; !ok {
		t.Fatal("markets lost because one chart failed")
	}
	if co := sourcetest.ObsMap(got[SourceMarketChart]); co["asset:btc price 2026-01-11"] != 14.92 {
		t.Errorf("bitcoin chart lost: %v", co)
	}
	if !strings.Contains(got[SourceMarketChart].Source.Note, "Failed to fetch (skipped): some-meme") {
		t.Errorf("chart note %q", got[SourceMarketChart].Source.Note)
	}
	var charted []string
	for _, r := range e.Srv.Seen {
		if strings.HasSuffix(r.URL.Path, "/market_chart") {
			charted = append(charted, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v3/coins/"), "/market_chart"))
		}
	}
	// bitcoin is both configured and the largest: charted once; the second largest is added.
	if len(charted) != 2 || charted[0] != "bitcoin" || charted[1] == "bitcoin" {
		t.Errorf("charted %v", charted)
	}
}
