package defillama

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

// replayServer serves the api-shapes fixtures (and one real /protocol/{slug} file) on the
// DefiLlama paths. fault, when set, may answer a request itself (return true).
type replayServer struct {
	t      *testing.T
	mu     sync.Mutex
	hits   map[string]int
	reqs   []string
	bodies map[string][]byte
	fault  func(path string, hit int, w http.ResponseWriter, r *http.Request) bool
}

func newReplayServer(t *testing.T) (*replayServer, *httptest.Server) {
	rs := &replayServer{t: t, hits: map[string]int{}, bodies: map[string][]byte{
		"/protocols":                 fixture(t, "defillama-protocols.json"),
		"/protocol/aave-v3":          fixture(t, "defillama-protocol-slug.json"),
		"/v2/historicalChainTvl":     fixture(t, "defillama-v2-historicalChainTvl.json"),
		"/v2/historicalChainTvl/*":   fixture(t, "defillama-v2-historicalChainTvl-chain.json"),
		"/v2/chains":                 fixture(t, "defillama-v2-chains.json"),
		"/overview/dexs":             fixture(t, "defillama-overview-dexs.json"),
		"/overview/dexs/*":           fixture(t, "defillama-overview-dexs-chain.json"),
		"/overview/derivatives":      localFixture(t, "defillama-overview-derivatives.json"),
		"/stablecoins":               fixture(t, "defillama-stablecoins.json"),
		"/stablecoincharts/all":      fixture(t, "defillama-stablecoincharts-all.json"),
		"/chart/*":                   fixture(t, "defillama-coins-percentage-chart.json", "chart"),
		"/v2/historicalChainTvl/Bad": []byte(`{"message":"There is no chain with that name: bad"}`),
	}}
	if raw, err := os.ReadFile(rawProtocols + "kamino-lend.json"); err == nil {
		rs.bodies["/protocol/kamino-lend"] = raw
	}
	srv := httptest.NewServer(rs)
	t.Cleanup(srv.Close)
	return rs, srv
}

func (rs *replayServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.EscapedPath()
	rs.mu.Lock()
	rs.hits[p]++
	hit := rs.hits[p]
	rs.reqs = append(rs.reqs, r.URL.RequestURI())
	rs.mu.Unlock()
	if rs.fault != nil && rs.fault(p, hit, w, r) {
		return
	}
	body, ok := rs.bodies[p]
	if !ok {
		if i := strings.LastIndex(p, "/"); i > 0 {
			body, ok = rs.bodies[p[:i]+"/*"]
		}
	}
	if !ok {
		w.WriteHeader(404)
		fmt.Fprintf(w, `{"message":"no route %s"}`, p)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

type sleepRec struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleepRec) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func testClient(archive string, rt http.RoundTripper, now func() time.Time) (*httpx.Client, *sleepRec) {
	s := &sleepRec{}
	if now == nil {
		now = func() time.Time { return fetchDay }
	}
	return httpx.New(httpx.Options{
		ArchiveDir: archive, Transport: rt, Sleep: s.sleep, Now: now, Timeout: 200 * time.Millisecond,
		Limits: map[string]httpx.Limit{"127.0.0.1": {}},
	}), s
}

func testOptions(base string) Options {
	return Options{APIURL: base, StablecoinsURL: base, CoinsURL: base, Protocols: []string{"aave-v3", "kamino-lend"}}
}

func byID(bs []cw.Batch) map[cw.SourceID]cw.Batch {
	m := map[cw.SourceID]cw.Batch{}
	for _, b := range bs {
		m[b.Source.ID] = b
	}
	return m
}

func TestFetchAllFamilies(t *testing.T) {
	rs, srv := newReplayServer(t)
	c, _ := testClient("", nil, nil)
	src := New(c, testOptions(srv.URL))
	var _ cw.Source = src
	if src.Name() != "defillama" {
		t.Fatal(src.Name())
	}
	bs, err := src.Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []cw.SourceID
	for _, b := range bs {
		ids = append(ids, b.Source.ID)
		mustValid(t, b)
		if b.Source.Provider != "DefiLlama" || b.Source.Licence != Licence || b.Source.Note == "" || !b.Source.FetchedAt.Equal(fetchDay) ||
			!strings.HasPrefix(b.Source.Location, srv.URL) {
			t.Errorf("provenance %+v", b.Source)
		}
	}
	want := []cw.SourceID{SourceProtocols, SourceProtocolTVL, SourceDefiTVL, SourceChainTVL, SourceDexVolume, SourcePerpsVolume, SourceStablecoins}
	if !reflect.DeepEqual(ids, want) {
		t.Fatalf("families %v, want %v", ids, want)
	}
	m := byID(bs)
	if m[SourceProtocols].Source.Location != srv.URL+"/protocols" {
		t.Errorf("location %q", m[SourceProtocols].Source.Location)
	}
	// protocol histories: fixture + real kamino-lend
	po := obsMap(m[SourceProtocolTVL])
	if po["protocol:aave-v3 tvl 2026-01-10"] != 23610000000 || po["protocol:kamino-lend tvl 2023-10-12"] != 10252 {
		t.Errorf("protocol tvl missing values")
	}
	// chain TVL: every /v2/chains chain (4 < top 20), 8 days each
	ct := m[SourceChainTVL]
	perEntity := map[string]int{}
	for _, o := range ct.Observations {
		perEntity[o.Entity]++
	}
	if !reflect.DeepEqual(perEntity, map[string]int{"chain:ethereum": 8, "chain:solana": 8, "chain:bsc": 8, "chain:hyperevm": 8}) {
		t.Errorf("chain tvl per entity %v", perEntity)
	}
	if e := entity(ct, "chain:bsc"); e == nil || e.Name != "BSC" || e.Attrs["gecko_id"] != "binancecoin" {
		t.Errorf("bsc entity %+v", e)
	}
	// DEX: HyperEVM is not in allChains -> not requested; today's bar dropped
	dx := m[SourceDexVolume]
	perEntity = map[string]int{}
	for _, o := range dx.Observations {
		perEntity[o.Entity+" "+string(o.Metric)]++
	}
	if !reflect.DeepEqual(perEntity, map[string]int{"chain:ethereum dex_volume": 7, "chain:solana dex_volume": 7, "chain:bsc dex_volume": 7, "protocol:uniswap-v3 dex_volume_24h": 1}) {
		t.Errorf("dex per entity %v", perEntity)
	}
	for _, r := range rs.reqs {
		if strings.Contains(r, "HyperEVM") && strings.HasPrefix(r, "/overview") {
			t.Errorf("requested DEX volume of a chain without DEX data: %s", r)
		}
	}
	// stablecoins: USDT/USDC series (fetch-day points dropped), snapshot only for EURC, total series
	sm := obsMap(m[SourceStablecoins])
	if _, ok := sm["stablecoin:usdt circulating_usd 2026-01-11"]; ok {
		t.Error("USDT snapshot must yield to its series")
	}
	if sm["stablecoin:usdt circulating_usd 2026-01-04"] == 0 || sm["stablecoin:usdc circulating_usd 2026-01-04"] == 0 ||
		sm["stablecoin:eurc circulating_usd 2026-01-11"] == 0 || sm["index:stablecoins-usd-total circulating_usd 2026-01-04"] != 300080000000 {
		t.Errorf("stablecoins %v", sm)
	}
	var sreqs []string
	for _, r := range rs.reqs {
		if strings.HasPrefix(r, "/stablecoin") {
			sreqs = append(sreqs, r)
		}
	}
	sort.Strings(sreqs)
	if strings.Join(sreqs, " ") != "/stablecoincharts/all /stablecoincharts/all?stablecoin=1 /stablecoincharts/all?stablecoin=2 /stablecoins?includePrices=true" {
		t.Errorf("stablecoin requests %v", sreqs)
	}
	// the DEX requests ask for the full chart
	for _, r := range rs.reqs {
		if strings.HasPrefix(r, "/overview/dexs") && !strings.HasSuffix(r, "?excludeTotalDataChart=false&excludeTotalDataChartBreakdown=true") {
			t.Errorf("dex request %s", r)
		}
	}

	// since: only days after 2026-01-08
	bs2, err := src.Fetch(context.Background(), time.Date(2026, 1, 8, 23, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs2 {
		for _, o := range b.Observations {
			if !o.Day.After(day("2026-01-08")) {
				t.Fatalf("%s: %+v not after since", b.Source.ID, o)
			}
		}
	}
}

func TestFetchUnknownChainAndStablecoin(t *testing.T) {
	_, srv := newReplayServer(t)
	c, _ := testClient("", nil, nil)
	o := testOptions(srv.URL)
	o.Chains = []string{"Ethereum", "Bad"}
	o.Stablecoins = []string{"DAI"}
	bs, err := New(c, o).Fetch(context.Background(), time.Time{})
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{`defillama: /v2/historicalChainTvl/Bad: chain "Bad"`, `stablecoin "DAI" not listed`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	m := byID(bs)
	if _, ok := m[SourceChainTVL]; ok {
		t.Error("failed family must not be returned")
	}
	if _, ok := m[SourceStablecoins]; ok {
		t.Error("failed family must not be returned")
	}
	// the other families still arrive; DEX falls back to the configured chains
	dx, ok := m[SourceDexVolume]
	if !ok || len(m) != 5 {
		t.Fatalf("families %v", m)
	}
	if n := len(obsMap(dx)); n != 8 { // ethereum 7 bars + uniswap snapshot; Bad skipped
		t.Errorf("dex obs %d", n)
	}
}

// TestFetchFaults: for every endpoint, each fault hits the first request to it; the fetch must
// recover and produce exactly the batches of a clean run.
func TestFetchFaults(t *testing.T) {
	cleanRS, cleanSrv := newReplayServer(t)
	c0, _ := testClient("", nil, nil)
	clean, err := New(c0, testOptions(cleanSrv.URL)).Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	endpoints := []string{"/protocols", "/protocol/aave-v3", "/v2/historicalChainTvl", "/v2/chains", "/v2/historicalChainTvl/Solana",
		"/overview/dexs", "/overview/dexs/Ethereum", "/overview/derivatives", "/stablecoins", "/stablecoincharts/all"}
	faults := map[string]func(w http.ResponseWriter, r *http.Request){
		"429 Retry-After": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(429)
		},
		"503 Retry-After date": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", fetchDay.Add(5*time.Second).Format(http.TimeFormat))
			w.WriteHeader(503)
		},
		"500": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			w.Write([]byte(`<html>Internal Server Error</html>`))
		},
		"timeout": func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		"truncated": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "5000")
			w.Write([]byte(`[{"date":1767484800,"tvl":`))
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		},
	}
	wantSleep := map[string]time.Duration{"429 Retry-After": 3 * time.Second, "503 Retry-After date": 5 * time.Second}
	for _, ep := range endpoints {
		for name, fault := range faults {
			t.Run(ep+" "+name, func(t *testing.T) {
				rs, srv := newReplayServer(t)
				rs.fault = func(path string, hit int, w http.ResponseWriter, r *http.Request) bool {
					if path == ep && hit == 1 {
						fault(w, r)
						return true
					}
					return false
				}
				c, sl := testClient("", nil, nil)
				got, err := New(c, testOptions(srv.URL)).Fetch(context.Background(), time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				if rs.hits[ep] != cleanRS.hits[ep]+1 {
					t.Errorf("hits on %s = %d, want %d (one retry)", ep, rs.hits[ep], cleanRS.hits[ep]+1)
				}
				if len(got) != len(clean) {
					t.Fatalf("%d batches, want %d", len(got), len(clean))
				}
				for i := range got {
					if !reflect.DeepEqual(got[i].Observations, clean[i].Observations) {
						t.Errorf("%s differs from a clean run", got[i].Source.ID)
					}
				}
				if d, ok := wantSleep[name]; ok {
					found := false
					for _, s := range sl.d {
						found = found || s == d
					}
					if !found {
						t.Errorf("sleeps %v lack Retry-After %s", sl.d, d)
					}
				}
			})
		}
	}
}

func TestFetchGivesUpOnPersistent500(t *testing.T) {
	rs, srv := newReplayServer(t)
	rs.fault = func(path string, hit int, w http.ResponseWriter, r *http.Request) bool {
		if path == "/v2/historicalChainTvl" {
			w.WriteHeader(502)
			return true
		}
		return false
	}
	c, _ := testClient("", nil, nil)
	bs, err := New(c, testOptions(srv.URL)).Fetch(context.Background(), time.Time{})
	if err == nil || !strings.Contains(err.Error(), "defillama: /v2/historicalChainTvl: HTTP 502") {
		t.Fatalf("err = %v", err)
	}
	if rs.hits["/v2/historicalChainTvl"] != 5 || len(bs) != 6 {
		t.Errorf("hits %d batches %d", rs.hits["/v2/historicalChainTvl"], len(bs))
	}
}

func TestFetchContextCancelled(t *testing.T) {
	_, srv := newReplayServer(t)
	c, _ := testClient("", nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	bs, err := New(c, testOptions(srv.URL)).Fetch(ctx, time.Time{})
	if err == nil || len(bs) != 0 || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("bs=%d err=%v", len(bs), err)
	}
}

func TestArchiveReplayReproducesBatches(t *testing.T) {
	_, srv := newReplayServer(t)
	dir := t.TempDir()
	c, _ := testClient(dir, nil, nil)
	orig, err := New(c, testOptions(srv.URL)).Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	rt, err := httpx.NewReplayTransport(dir)
	if err != nil {
		t.Fatal(err)
	}
	// a later run, another day: replay must reproduce the archived fetch day exactly
	rc, _ := testClient("", rt, func() time.Time { return fetchDay.AddDate(0, 1, 0) })
	again, err := New(rc, testOptions(srv.URL)).Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(orig, again) {
		for i := range orig {
			if i < len(again) && !reflect.DeepEqual(orig[i], again[i]) {
				t.Errorf("batch %s differs after replay", orig[i].Source.ID)
			}
		}
		t.Fatal("replayed batches differ")
	}
}

func TestPriceHistory(t *testing.T) {
	rs, srv := newReplayServer(t)
	c, _ := testClient("", nil, nil)
	b, err := New(c, testOptions(srv.URL)).PriceHistory(context.Background(), []string{"chainlink"}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, b)
	m := obsMap(b)
	// the fetch-day sample (2026-01-11) is dropped
	if len(m) != 2 || m["asset:link price 2026-01-05"] != 13.88 || b.Source.ID != SourceCoins {
		t.Errorf("prices %v", m)
	}
	last := rs.reqs[len(rs.reqs)-1]
	if !strings.HasPrefix(last, "/chart/coingecko:chainlink?start=") || !strings.HasSuffix(last, "&period=1d") {
		t.Errorf("request %s", last)
	}
}

// Fetch backfills prices only for configured ids, as one more family of the run.
func TestFetchPriceHistoryWhenConfigured(t *testing.T) {
	_, srv := newReplayServer(t)
	c, _ := testClient("", nil, nil)
	o := testOptions(srv.URL)
	bs, err := New(c, o).Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := byID(bs)[SourceCoins]; ok {
		t.Fatal("prices fetched without price_history")
	}
	o.PriceHistory = []string{"chainlink"}
	bs, err = New(c, o).Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	b, ok := byID(bs)[SourceCoins]
	if !ok || obsMap(b)["asset:link price 2026-01-05"] != 13.88 {
		t.Fatalf("price history missing from Fetch: %v", ok)
	}
}
