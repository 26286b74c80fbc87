package main

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/provider/coingecko"
	rmd "cryptoweekly/render/markdown"
	"cryptoweekly/report"
	"cryptoweekly/section/market"
	"cryptoweekly/store/duckdb"
)

// cgPast serves CoinGecko as it answered on 2024-12-20: the connector's test payloads, the
// December 2024 excerpts of /global/market_cap_chart and the bitcoin and ethereum charts, and a
// listing of the two coins. The paid-only route refuses anything but the Pro key with
// CoinGecko's error, as the real one does.
func cgPast(t *testing.T, proKey string) (*httptest.Server, *int) {
	t.Helper()
	const td = "../../provider/coingecko/testdata/"
	listing := []byte(`[
	  {"id":"bitcoin","symbol":"btc","name":"Bitcoin","current_price":97756.41,"market_cap":1935600000000,"market_cap_rank":1,"total_volume":87120000000,"circulating_supply":19800290,"price_change_percentage_24h_in_currency":-3.1,"price_change_percentage_7d_in_currency":-2.4},
	  {"id":"ethereum","symbol":"eth","name":"Ethereum","current_price":3422.17,"market_cap":412300000000,"market_cap_rank":2,"total_volume":41870000000,"circulating_supply":120457251,"price_change_percentage_24h_in_currency":-5.2,"price_change_percentage_7d_in_currency":-12.9}
	]`)
	bodies := map[string][]byte{
		"/api/v3/coins/categories/list":       shapeFile(t, td+"coingecko-coins-categories-list.json"),
		"/api/v3/search/trending":             shapeFile(t, td+"coingecko-search-trending.json"),
		"/api/v3/global":                      shapeFile(t, td+"coingecko-global.json"),
		"/api/v3/global/market_cap_chart":     shapeFile(t, td+"coingecko-global-market_cap_chart.json"),
		"/api/v3/coins/bitcoin/market_chart":  shapeFile(t, td+"coingecko-coins-bitcoin-market_chart-2024-12.json"),
		"/api/v3/coins/ethereum/market_chart": shapeFile(t, td+"coingecko-coins-ethereum-market_chart-2024-12.json"),
	}
	historyHits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, q := r.URL.Path, r.URL.Query()
		body, ok := bodies[p]
		switch {
		case p == "/api/v3/global/market_cap_chart":
			historyHits++
			if r.Header.Get(coingecko.ProKeyHeader) != proKey {
				w.WriteHeader(401)
				w.Write([]byte(`{"status":{"error_code":10005,"error_message":"You request exceeds the allowed plan. Please upgrade to a paid plan."}}`))
				return
			}
		case p == "/api/v3/coins/markets" && q.Get("category") == "" && q.Get("page") == "1":
			body, ok = listing, true
		case p == "/api/v3/coins/markets":
			body, ok = []byte(`[]`), true
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &historyHits
}

func marketSection(t *testing.T, db, end string) (*market.Block, string) {
	t.Helper()
	s, err := duckdb.Open(db, duckdb.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, _ := cw.ParseDay(end)
	r, err := report.Build(context.Background(), s, report.DefaultConfig(), d, report.Inputs{Now: time.Unix(0, 0), StoreName: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := rmd.Write(&md, r); err != nil {
		t.Fatal(err)
	}
	// The section's own part of the page: from its heading to the next one.
	text := md.String()
	i := strings.Index(text, "Whole market")
	if i < 0 {
		t.Fatal("no market section in the page")
	}
	i = strings.LastIndex(text[:i], "\n") + 1
	j := strings.Index(text[i+1:], "\n## ")
	if j < 0 {
		j = len(text) - i - 1
	}
	return r.Block("market").(*market.Block), text[i : i+1+j]
}

// A past week's whole market from the history a Pro key ingests: live ingest (against the local
// server, archived), replay of the archive into a new store, then the report of the week to
// 2024-12-13 — every figure from the daily history with the numbers worked out by hand in
// section/all/market_test.go. A Demo key's ingest of the same server never asks for the paid
// route and leaves the week unavailable, saying what fills it.
func TestMarketHistoryIngestReplay(t *testing.T) {
	const proKey, demoKey = "CG-pro-e2e-key-0123456789", "CG-demo-e2e-key-0123456789"
	srv, historyHits := cgPast(t, proKey)
	dir := t.TempDir()
	archive := filepath.Join(dir, "archive")
	opts := func(db, key, env string) ingestOptions {
		return ingestOptions{db: db, archive: archive, full: true, sources: []string{coingecko.Name},
			baseURLs: map[string]string{coingecko.Name: srv.URL + "/api/v3"},
			getenv:   func(k string) string { return map[string]string{env: key}[k] },
			client: httpx.Options{Sleep: func(context.Context, time.Duration) error { return nil }, MaxRetries: 1, Timeout: 5 * time.Second,
				Now: func() time.Time { return time.Date(2024, 12, 20, 9, 14, 7, 0, time.UTC) }},
		}
	}
	run := func(o ingestOptions) {
		t.Helper()
		res, err := ingest(context.Background(), o, os.Stderr)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 1 || res[0].Status != "ok" || res[0].Rows == 0 {
			t.Fatalf("ingest: %+v", res)
		}
	}

	// Before: a Demo key stores the /global snapshot only.
	demoDB := filepath.Join(dir, "demo.duckdb")
	o := opts(demoDB, demoKey, coingecko.EnvDemoKey)
	o.archive = filepath.Join(dir, "demo-archive")
	run(o)
	if *historyHits != 0 {
		t.Fatalf("a Demo key asked for the paid route %d times", *historyHits)
	}
	before, beforeMD := marketSection(t, demoDB, "2024-12-13")
	if !strings.Contains(before.Unavailable, "a CoinGecko paid-plan key (COINGECKO_PRO_API_KEY) lets `cryptoweekly ingest` fill past weeks from /global/market_cap_chart") {
		t.Errorf("before: %q", before.Unavailable)
	}

	// After: the Pro key's live ingest, then its replay with the server gone.
	live, replayed := filepath.Join(dir, "live.duckdb"), filepath.Join(dir, "replay.duckdb")
	run(opts(live, proKey, coingecko.EnvProKey))
	if *historyHits != 1 {
		t.Fatalf("paid route asked %d times", *historyHits)
	}
	srv.Close()
	o = opts(replayed, proKey, coingecko.EnvProKey)
	o.archive, o.replay = "", archive
	run(o)
	if a, b := dump(t, live), dump(t, replayed); len(a) == 0 || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("replayed store differs: %d vs %d rows", len(a), len(b))
	}
	after, afterMD := marketSection(t, replayed, "2024-12-13")
	if after.Unavailable != "" {
		t.Fatalf("after: %s", after.Unavailable)
	}
	want := map[string][3]float64{ // start, end, abs
		"Total crypto market cap":             {3.80e12, 3.70e12, -1e11},
		"BTC dominance":                       {51, 53, 2},
		"ETH dominance":                       {12.3, 12.7, 0.4},
		"Altcoin market cap (total less BTC)": {1.862e12, 1.739e12, -1.23e11},
	}
	for _, c := range after.Figures {
		w, ok := want[c.Label]
		if !ok || !c.Available() || c.From != "2024-12-06" || c.To != "2024-12-13" || c.Source != string(coingecko.SourceGlobalChart) {
			t.Errorf("figure %+v", c)
			continue
		}
		for i, got := range []float64{*c.Start, *c.End, *c.Abs} {
			if math.Abs(got-w[i]) > 1e-9*math.Max(1, math.Abs(w[i])) {
				t.Errorf("%s: %v, want %v", c.Label, []float64{*c.Start, *c.End, *c.Abs}, w)
				break
			}
		}
		delete(want, c.Label)
	}
	if len(want) != 0 {
		t.Errorf("figures missing: %v", want)
	}
	for _, s := range []string{"coingecko-global-chart", "coingecko-market-chart", "51.00%", "53.00%"} {
		if !strings.Contains(afterMD, s) {
			t.Errorf("the section's markdown lacks %q:\n%s", s, afterMD)
		}
	}
	if out := os.Getenv("CW_MARKET_MD"); out != "" {
		// For reading the section by hand: CW_MARKET_MD=/tmp/m go test -run MarketHistory ./cmd/cryptoweekly
		os.WriteFile(out+"-before.md", []byte(beforeMD), 0o644)
		os.WriteFile(out+"-after.md", []byte(afterMD), 0o644)
		// and for the CLI: cryptoweekly ingest --replay <out>-archive --sources coingecko
		// --base-url coingecko=<BASE_URL>/api/v3 with COINGECKO_PRO_API_KEY set
		exec.Command("cp", "-r", archive, out+"-archive").Run()
		os.WriteFile(filepath.Join(out+"-archive", "BASE_URL"), []byte(srv.URL), 0o644)
	}
}
