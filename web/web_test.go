package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/bundle"
	_ "cryptoweekly/provider/all"
	"cryptoweekly/provider/coingecko"
	"cryptoweekly/report"
	_ "cryptoweekly/section/all"
	"cryptoweekly/store"
	"cryptoweekly/store/duckdb"
	"cryptoweekly/store/storetest"
)

// now is after every bundled week, so they are all finished.
var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func day(s string) time.Time { d, _ := cw.ParseDay(s); return d }

// newServer serves a DuckDB file holding batches, opened read-only per use as serve does.
func newServer(t testing.TB, path string) *httptest.Server {
	s := New(Config{
		Open: func(ctx context.Context) (cw.Store, error) {
			return store.Open(ctx, path, store.Options{ReadOnly: true, LockWait: 30 * time.Second})
		},
		Report: report.DefaultConfig(),
		Now:    func() time.Time { return now },
	})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts
}

func writeStore(t testing.TB, path string, bs ...cw.Batch) {
	t.Helper()
	st, err := duckdb.Open(path, duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Apply(context.Background(), bs...); err != nil {
		t.Fatal(err)
	}
}

var (
	bundleOnce sync.Once
	bundlePath string
)

// bundled is a store holding the embedded dataset, built once per test binary.
func bundled(t testing.TB) string {
	bundleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cryptoweekly-web-")
		if err != nil {
			t.Fatal(err)
		}
		bundlePath = filepath.Join(dir, "cw.duckdb")
		bs, err := bundle.Load()
		if err != nil {
			t.Fatal(err)
		}
		writeStore(t, bundlePath, bs...)
	})
	return bundlePath
}

func get(t testing.TB, ts *httptest.Server, path string, hdr ...string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestPagesAndAPI(t *testing.T) {
	ts := newServer(t, bundled(t))
	for _, c := range []struct {
		path string
		code int
		want string
	}{
		{"/", 200, "Crypto Market Weekly Report — week ending 2025-12-28"},
		{"/weeks", 200, `<a href="/report/2024-12-13">2024-12-13</a>`},
		{"/report/2024-12-13", 200, `<a href="/entity/chain:avalanche">Avalanche</a>`},
		{"/report/2024-12-13", 200, `<a href="/sector/2024-12-13/Exchange">`},
		{"/report/2024-12-13", 200, `<a href="/csv/2024-12-13/0" download>CSV</a>`},
		{"/entity/chain:ethereum", 200, "<h1>Ethereum</h1>"},
		{"/entity/protocol:suilend-protocol", 200, "<svg"},
		{"/sector/2024-12-13/Layer%201", 200, "<h1>Layer 1</h1>"},
		{"/api/weeks", 200, `"week_end": "2024-12-13"`},
		{"/api/reports/2024-12-13", 200, `"week_end": "2024-12-13"`},
		{"/api/sectors/2024-12-13", 200, `"weighting"`},
		{"/api/series/chain:ethereum?metric=tvl&from=2024-12-06&to=2024-12-13", 200, `"day": "2024-12-06"`},
		{"/healthz", 200, `"ok"`},
		// Bad input is a 4xx with a message, never a 500.
		{"/report/2099-01-02", 404, "the store covers"},
		{"/report/13-12-2024", 400, "YYYY-MM-DD"},
		{"/report/..%2F..%2Fetc%2Fpasswd", 400, "want YYYY-MM-DD"},
		{"/entity/..%2F..%2Fetc%2Fpasswd", 400, "kind:key"},
		{"/entity/chain:nope", 404, "not found"},
		{"/sector/2024-12-13/%3Cscript%3E", 404, "&lt;script&gt;"},
		{"/csv/2024-12-13/999", 404, "tables"},
		{"/csv/2024-12-13/-1", 400, "table number"},
		{"/api/reports/2024-13-45", 400, `"status":400`},
		{"/api/series/chain:ethereum?from=2024-12-13&to=2024-12-01", 400, "before"},
		{"/api/series/bogus", 400, `"error"`},
		{"/api/nope", 404, `"status":404`},
		{"/nope", 404, "no such page"},
	} {
		code, _, body := get(t, ts, c.path)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d, want %d and %q in:\n%.300s", c.path, code, c.code, c.want, body)
		}
	}
}

func TestETag(t *testing.T) {
	ts := newServer(t, bundled(t))
	code, h, _ := get(t, ts, "/api/reports/2024-12-13")
	if code != 200 || h.Get("ETag") == "" || h.Get("Cache-Control") != "public, max-age=3600" {
		t.Fatalf("%d %v", code, h)
	}
	if code, _, _ := get(t, ts, "/api/reports/2024-12-13", "If-None-Match", h.Get("ETag")); code != 304 {
		t.Errorf("If-None-Match: %d, want 304", code)
	}
}

// The cache follows the store: a write that commits is visible after the next version check,
// and a server never holds the file: a writer opens it while the server runs.
func TestCacheFollowsTheStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cw.duckdb")
	writeStore(t, path, storetest.Fixture()...)
	srv := New(Config{
		Open: func(ctx context.Context) (cw.Store, error) {
			return store.Open(ctx, path, store.Options{ReadOnly: true, LockWait: 30 * time.Second})
		},
		Report: report.DefaultConfig(), Now: func() time.Time { return now }, Refresh: time.Nanosecond,
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	_, _, before := get(t, ts, "/api/series/chain:ethereum?metric=tvl&from=2024-12-01&to=2024-12-20")
	// The writer gets the file at once: the server holds no handle between requests.
	w, err := duckdb.Open(path, duckdb.Options{LockWait: time.Second})
	if err != nil {
		t.Fatalf("writer blocked by the server: %v", err)
	}
	b := storetest.Fixture()[0]
	b.Observations = []cw.Observation{{Entity: "chain:ethereum", Metric: cw.MetricTVL, Day: day("2024-12-14"), Value: 120, Source: b.Source.ID}}
	if _, err := w.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	w.Close()
	_, _, after := get(t, ts, "/api/series/chain:ethereum?metric=tvl&from=2024-12-01&to=2024-12-20")
	if before == after || !strings.Contains(after, `"2024-12-14"`) {
		t.Errorf("the new value is not served:\n%s", after)
	}
}

// Hostile names stay text in HTML and JSON, and CSV cells cannot run as formulas.
func TestHostileNames(t *testing.T) {
	evil := `<script>alert(1)</script>`
	formula := `=HYPERLINK("http://x","click") | "quoted" & ` + "`tick`\nline"
	d0, d1 := day("2024-12-06"), day("2024-12-13")
	src := coingecko.SourceMarkets
	prov := cw.Provenance{ID: src, Provider: "Test", Location: "fixture", Licence: "test"}
	var obs []cw.Observation
	add := func(e string, m cw.Metric, d time.Time, v float64) {
		obs = append(obs, cw.Observation{Entity: e, Metric: m, Day: d, Value: v, Source: src})
	}
	for _, x := range []struct {
		id     string
		p0, p1 float64
	}{{"asset:evil", 1, 2}, {"asset:formula", 1, 3}} {
		add(x.id, cw.MetricPrice, d0, x.p0)
		add(x.id, cw.MetricPrice, d1, x.p1)
		add(x.id, cw.MetricMarketCap, d0, 1e9)
		add(x.id, cw.MetricMarketCap, d1, 2e9)
		add(x.id, cw.MetricVolume24h, d1, 5e7)
	}
	b := cw.Batch{Source: prov, Observations: obs, Entities: []cw.Entity{
		{ID: "asset:evil", Kind: cw.KindAsset, Name: evil, Symbol: evil},
		{ID: "asset:formula", Kind: cw.KindAsset, Name: formula, Symbol: "-1+1"},
	}}
	path := filepath.Join(t.TempDir(), "cw.duckdb")
	writeStore(t, path, append(storetest.Fixture(), b)...)
	ts := newServer(t, path)
	code, _, page := get(t, ts, "/report/2024-12-13")
	if code != 200 || strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("report page (%d) does not show the name as text", code)
	}
	if _, _, p := get(t, ts, "/entity/asset:evil"); strings.Contains(p, "<script>alert") || !strings.Contains(p, "&lt;script&gt;") {
		t.Errorf("entity page:\n%.500s", p)
	}
	_, _, js := get(t, ts, "/api/reports/2024-12-13")
	if strings.Contains(js, "<script>") || !json.Valid([]byte(js)) {
		t.Error("JSON carries a raw <script>")
	}
	// Find the gainers table among the report's tables and read it as a spreadsheet would.
	found := false
	for n := 0; n < 40 && !found; n++ {
		code, h, body := get(t, ts, "/csv/2024-12-13/"+strconv.Itoa(n))
		if code != 200 {
			break
		}
		if !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
			t.Fatalf("content type %s", h.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("table %d is not CSV: %v", n, err)
		}
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
					t.Errorf("table %d: cell %q would run as a formula", n, cell)
				}
				if strings.Contains(cell, "HYPERLINK") {
					found = true
					if !strings.HasPrefix(cell, "'=") {
						t.Errorf("formula not neutralised: %q", cell)
					}
				}
			}
		}
	}
	if !found {
		t.Error("the hostile token is in no CSV table")
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+cmd": "'+cmd", "-3.2%": "'-3.2%", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "BTC": "BTC", "": ""} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
