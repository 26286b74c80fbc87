package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/bundle"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/provider/defillama"
	"cryptoweekly/provider/farside"
	rmd "cryptoweekly/render/markdown"
	"cryptoweekly/report"
	"cryptoweekly/section/etf"
	"cryptoweekly/store/duckdb"
)

// etfAPI serves the live ETF connectors' test payloads (provider/*/testdata: the month to
// 2026-04-10, Farside's real flows in each API's shape) at the paths SoSoValue and DefiLlama Pro
// use, under /soso and /llama.
func etfAPI(t *testing.T, sosoKey, llamaKey string) *httptest.Server {
	t.Helper()
	fixture := func(file string, key ...string) []byte {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		for _, k := range append(key, "response") {
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			b = m[k]
		}
		return b
	}
	const soso, llama = "../../provider/sosovalue/testdata/", "../../provider/defillama/testdata/"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, sym := r.URL.Path, r.URL.Query().Get("symbol")
		var body []byte
		switch {
		case strings.HasPrefix(p, "/soso/") && r.Header.Get("x-soso-api-key") != sosoKey:
			w.WriteHeader(401)
			w.Write([]byte(`{"code":40100,"message":"invalid api key"}`))
			return
		case p == "/soso/etfs/summary-history":
			body = fixture(soso+"sosovalue-etfs-summary-history.json", sym)
		case p == "/soso/etfs":
			body = fixture(soso+"sosovalue-etfs.json", sym)
		case strings.HasPrefix(p, "/soso/etfs/") && strings.HasSuffix(p, "/history"):
			body = fixture(soso+"sosovalue-etfs-ticker-history.json", strings.TrimSuffix(strings.TrimPrefix(p, "/soso/etfs/"), "/history"))
		case p == "/llama/"+llamaKey+"/etfs/flows":
			body = fixture(llama + "defillama-etfs-flows.json")
		case p == "/llama/"+llamaKey+"/etfs/snapshot":
			body = fixture(llama + "defillama-etfs-snapshot.json")
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func etfBlock(t *testing.T, rd cw.Reader, end string) *etf.Block {
	t.Helper()
	d, _ := cw.ParseDay(end)
	r, err := report.Build(context.Background(), rd, report.DefaultConfig(), d, report.Inputs{Now: time.Unix(0, 0), StoreName: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("CW_ETF_MD"); out != "" {
		// For reading the live block by hand: CW_ETF_MD=/tmp/x go test -run ETFLive ./cmd/cryptoweekly
		var md bytes.Buffer
		if err := rmd.Write(&md, r); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(fmt.Sprintf("%s-%d.md", out, time.Now().UnixNano()), md.Bytes(), 0o644)
	}
	return r.Block("etf").(*etf.Block)
}

// A week ingested live gets the ETF block the bundled tables give: an ingest of SoSoValue and
// DefiLlama Pro into an empty store, then the report of the week to Friday 2026-04-10, against a
// store holding only the bundled ETF families. The payloads carry Farside's real flows, so the
// figures must agree; the block names the live sources instead of Farside.
func TestETFLiveWeekMatchesBundled(t *testing.T) {
	const sosoKey, llamaKey = "soso-test-key-0123456789", "llama-test-key-abcdef0123"
	srv := etfAPI(t, sosoKey, llamaKey)
	dir := t.TempDir()
	run := func(db string, sources ...string) {
		t.Helper()
		o := ingestOptions{db: db, archive: filepath.Join(dir, "archive"), full: true, sources: sources,
			baseURLs: map[string]string{"sosovalue": srv.URL + "/soso", defillama.ProName: srv.URL + "/llama"},
			getenv: func(k string) string {
				return map[string]string{"SOSOVALUE_API_KEY": sosoKey, defillama.ProEnvKey: llamaKey}[k]
			},
			client: httpx.Options{Sleep: func(context.Context, time.Duration) error { return nil }, MaxRetries: 1, Timeout: 5 * time.Second,
				Now: func() time.Time { return time.Date(2026, 4, 11, 9, 30, 0, 0, time.UTC) }},
		}
		res, err := ingest(context.Background(), o, os.Stderr)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Status != "ok" || r.Rows == 0 {
				t.Fatalf("%s: %s, %d rows, %s", r.Source, r.Status, r.Rows, r.Error)
			}
		}
	}
	both, llamaOnly := filepath.Join(dir, "live.duckdb"), filepath.Join(dir, "llama.duckdb")
	run(both, "sosovalue", defillama.ProName)
	run(llamaOnly, defillama.ProName)

	bs, err := bundle.Load()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := duckdb.Open("", duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	for _, b := range bs {
		if b.Source.ID == farside.SourceFlows || b.Source.ID == defillama.SourceETFHistory || b.Source.ID == defillama.SourceETFOverview {
			if _, err := ref.Apply(context.Background(), b); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := etfBlock(t, ref, "2026-04-10")
	if len(want.Assets) != 3 {
		t.Fatalf("bundled block: %+v", want)
	}
	for _, db := range []string{both, llamaOnly} {
		s, err := duckdb.Open(db, duckdb.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		got := etfBlock(t, s, "2026-04-10")
		s.Close()
		if len(got.Assets) != 3 {
			t.Fatalf("%s: %d assets, gaps %+v", db, len(got.Assets), got.Gaps)
		}
		for i, w := range want.Assets {
			g := got.Assets[i]
			if g.Asset != w.Asset || math.Abs(*g.Week.End-*w.Week.End) > 1 || g.Streak != w.Streak || g.Days != 5 {
				t.Errorf("%s %s: week %v, streak %d, %d days; bundled %v, %d",
					filepath.Base(db), g.Asset, *g.Week.End, g.Streak, g.Days, *w.Week.End, w.Streak)
			}
			// SoSoValue's month has the week before; the DefiLlama payload only this week.
			switch {
			case db == both && (g.Week.Start == nil || math.Abs(*g.Week.Start-*w.Week.Start) > 1):
				t.Errorf("%s week before %v, bundled %v", g.Asset, g.Week.Start, *w.Week.Start)
			case db == llamaOnly && (g.Week.Start != nil || !strings.Contains(g.Week.Note, "none published the week before")):
				t.Errorf("%s: a week before from nowhere: %v %q", g.Asset, g.Week.Start, g.Week.Note)
			}
			if g.Week.Source == string(farside.SourceFlows) {
				t.Errorf("%s %s: the live week cites Farside", filepath.Base(db), g.Asset)
			}
			// Fund by fund: SoSoValue has every day of the week, DefiLlama's snapshot the last.
			fw := map[string]float64{}
			for _, f := range w.Funds {
				fw[f.Label] = f.Value
			}
			if db == both {
				if g.FundDays != 5 || len(g.Funds) == 0 {
					t.Errorf("%s funds from %s over %d days", g.Asset, g.FundSource, g.FundDays)
				}
				for _, f := range g.Funds {
					if v, ok := fw[f.Label]; ok && math.Abs(v-f.Value) > 1 {
						t.Errorf("%s %s: %v live, %v bundled", g.Asset, f.Label, f.Value, v)
					}
				}
			} else if g.FundSource != string(defillama.SourceETFSnapshot) || g.FundDays != 1 {
				t.Errorf("%s: DefiLlama-only funds from %s over %d days", g.Asset, g.FundSource, g.FundDays)
			}
		}
		// BTC's and ETH's cumulative flow since launch: SoSoValue reports it, the bundled store
		// sums Farside's days since launch.
		if db == both {
			for i := 0; i < 2; i++ {
				g, w := got.Assets[i], want.Assets[i]
				if g.CumulativeFrom != "launch" || math.Abs(g.Cumulative-w.Cumulative) > 1 {
					t.Errorf("%s cumulative %v from %s; bundled %v", g.Asset, g.Cumulative, g.CumulativeFrom, w.Cumulative)
				}
			}
		}
	}
}
