package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"cryptoweekly/internal/httpx"
	"cryptoweekly/provider/defillama"
	rjson "cryptoweekly/render/json"
	rmd "cryptoweekly/render/markdown"
	"cryptoweekly/report"
	"cryptoweekly/section/derivatives"
	"cryptoweekly/section/dex"
	"cryptoweekly/store/duckdb"
	"cryptoweekly/store/storetest"
)

const shapesDir = "../../../shared/api-shapes"

// apiServer replays the example payloads of ../shared/api-shapes at the paths the real APIs use,
// one server per provider, so the connectors run unchanged against it.
type apiServer struct {
	srv  *httptest.Server
	fail atomic.Value // path prefix → status to return instead ("" = none)
	hits atomic.Int64
}

func shape(t *testing.T, name string) []byte {
	t.Helper()
	if _, err := os.Stat(filepath.Join(shapesDir, name+".json")); err != nil {
		t.Skip("../shared/api-shapes not present")
	}
	return shapeFile(t, filepath.Join(shapesDir, name+".json"))
}

// shapeFile is the "response" member of an api-shapes style file.
func shapeFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(path)
	var doc struct {
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc.Response
}

func newAPIServer(t *testing.T) *apiServer {
	t.Helper()
	routes := []struct {
		prefix, file string
	}{
		{"/fng/", "alternativeme-fng"},
		{"/protocols", "defillama-protocols"},
		{"/protocol/", "defillama-protocol-slug"},
		{"/v2/chains", "defillama-v2-chains"},
		{"/v2/historicalChainTvl/", "defillama-v2-historicalChainTvl-chain"},
		{"/v2/historicalChainTvl", "defillama-v2-historicalChainTvl"},
		{"/overview/dexs/", "defillama-overview-dexs-chain"},
		{"/overview/dexs", "defillama-overview-dexs"},
		{"/overview/derivatives", "defillama-overview-derivatives"},
		{"/fapi/v1/fundingRate", "binance-fapi-fundingRate"},
		{"/futures/data/openInterestHist", "binance-futures-openInterestHist"},
		{"/fapi/v1/openInterest", "binance-fapi-openInterest"},
		{"/stablecoins", "defillama-stablecoins"},
		{"/stablecoincharts/all", "defillama-stablecoincharts-all"},
		{"/chart/", "defillama-coins-percentage-chart"},
		{"/api/v3/coins/categories/list", "coingecko-coins-categories-list"},
		{"/api/v3/coins/markets", "coingecko-coins-markets"},
		{"/api/v3/search/trending", "coingecko-search-trending"},
		{"/api/v3/global", "coingecko-global"},
		{"/api/v3/coins/", "coingecko-coins-id-market_chart"},
	}
	bodies := map[string][]byte{}
	for _, r := range routes {
		if provider, _, _ := strings.Cut(r.file, "-"); r.file == "defillama-overview-derivatives" || provider == "binance" {
			// Not among the shared api-shapes: the connector's own test payload.
			bodies[r.file] = shapeFile(t, "../../provider/"+provider+"/testdata/"+r.file+".json")
			continue
		}
		bodies[r.file] = shape(t, r.file)
	}
	a := &apiServer{}
	a.fail.Store("")
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.hits.Add(1)
		if f := a.fail.Load().(string); f != "" && strings.HasPrefix(r.URL.Path, f) {
			http.Error(w, "upstream unavailable", http.StatusInternalServerError)
			return
		}
		for _, rt := range routes {
			if strings.HasPrefix(r.URL.Path, rt.prefix) {
				body := bodies[rt.file]
				if rt.file == "defillama-protocol-slug" && r.URL.Path != "/protocol/aave-v3" {
					// Another protocol: the same history under the slug's own name.
					slug := strings.TrimPrefix(r.URL.Path, "/protocol/")
					body = bytes.Replace(body, []byte(`"Aave V3"`), []byte(`"`+slug+`"`), 1)
				}
				if rt.file == "coingecko-coins-markets" && r.URL.Query().Get("page") != "" && r.URL.Query().Get("page") != "1" {
					body = []byte("[]") // past the last page
				}
				if rt.file == "defillama-coins-percentage-chart" {
					var doc map[string]json.RawMessage
					json.Unmarshal(body, &doc)
					if c, ok := doc["chart"]; ok {
						body = c
					}
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write(body)
				return
			}
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *apiServer) options(db, archive string) ingestOptions {
	return ingestOptions{
		db: db, archive: archive, full: true,
		sources: []string{"alternativeme", "defillama", "coingecko", "binance"},
		baseURLs: map[string]string{
			"alternativeme": a.srv.URL,
			"defillama":     a.srv.URL,
			"coingecko":     a.srv.URL + "/api/v3",
			"binance":       a.srv.URL,
		},
		// protocols: the shortlist from /protocols; Binance: the one symbol its payloads hold
		cfg:    Config{Raw: []byte(`{"chains": ["Ethereum", "Solana"], "binance": {"symbols": ["BTCUSDT"]}}`)},
		getenv: func(string) string { return "" },
		client: httpx.Options{Sleep: func(context.Context, time.Duration) error { return nil }, MaxRetries: 1, Timeout: 5 * time.Second},
	}
}

// dump is the store's observations, sorted, for equality checks.
func dump(t *testing.T, db string) []string {
	t.Helper()
	s, err := duckdb.Open(db, duckdb.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := storetest.Dump(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func reportJSON(t *testing.T, db, end string) []byte {
	t.Helper()
	s, err := duckdb.Open(db, duckdb.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, _ := time.Parse("2006-01-02", end)
	r, err := report.Build(context.Background(), s, report.DefaultConfig(), d, report.Inputs{Now: time.Unix(0, 0), StoreName: "x"})
	if err != nil {
		t.Fatal(err)
	}
	r.Ingest = nil // when each run happened is not data; the comparison is of what they stored
	var buf bytes.Buffer
	if err := rjson.Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestIngestThenReplay: a live ingest (against local servers) archives every response; a replay of
// that archive into a new store gives the same rows and the same report.
func TestIngestThenReplay(t *testing.T) {
	api := newAPIServer(t)
	dir := t.TempDir()
	live, replayed, archive := filepath.Join(dir, "live.duckdb"), filepath.Join(dir, "replay.duckdb"), filepath.Join(dir, "archive")
	var log bytes.Buffer
	res, err := ingest(context.Background(), api.options(live, archive), &log)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != "ok" {
			t.Errorf("%s: %s %s", r.Source, r.Status, r.Error)
		}
		if r.Rows == 0 {
			t.Errorf("%s stored no rows", r.Source)
		}
	}
	if keep := os.Getenv("CW_KEEP_ARCHIVE"); keep != "" {
		// For trying the CLI by hand: cryptoweekly ingest --replay $CW_KEEP_ARCHIVE --base-url …
		exec.Command("cp", "-r", archive, keep).Run()
		os.WriteFile(filepath.Join(keep, "BASE_URL"), []byte(api.srv.URL), 0o644)
	}
	hits := api.hits.Load()
	api.srv.Close() // replay must not touch the network
	o := api.options(replayed, "")
	o.replay = archive
	res, err = ingest(context.Background(), o, &log)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != "ok" {
			t.Errorf("replay %s: %s %s", r.Source, r.Status, r.Error)
		}
	}
	a, b := dump(t, live), dump(t, replayed)
	if len(a) == 0 || !reflect.DeepEqual(a, b) {
		t.Fatalf("replayed store differs: %d vs %d rows", len(a), len(b))
	}
	if hits < 10 {
		t.Fatalf("only %d requests reached the server", hits)
	}
	// The same report from both stores, for the week of the payloads' newest day.
	var end string
	for _, row := range a {
		if strings.HasPrefix(row, "index:fear-greed|value|") {
			end = strings.Split(row, "|")[2]
		}
	}
	if ra, rb := reportJSON(t, live, end), reportJSON(t, replayed, end); !bytes.Equal(ra, rb) {
		os.WriteFile("/tmp/ra.json", ra, 0o644)
		os.WriteFile("/tmp/rb.json", rb, 0o644)
		t.Fatal("report from the replayed archive differs from the live one")
	}
	// The live derivatives series reach the report from the replayed archive: Binance open
	// interest for the week its payload covers, DefiLlama perps volume for the fortnight its
	// payload covers.
	liveDerivatives(t, replayed)
	// No archived file may hold a key.
	filepath.Walk(archive, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			_, body, _ := httpx.ReadArchived(p)
			if bytes.Contains(body, []byte("CG-secret")) {
				t.Errorf("%s holds the key", p)
			}
		}
		return nil
	})
}

// TestIngestSourceFailureIsolated: one provider returning 500 fails alone; the others commit, the
// failure is recorded, and running again is a no-op on the stored rows.
func TestIngestSourceFailureIsolated(t *testing.T) {
	api := newAPIServer(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "cw.duckdb")
	api.fail.Store("/api/v3/")
	var log bytes.Buffer
	res, err := ingest(context.Background(), api.options(db, filepath.Join(dir, "a")), &log)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, r := range res {
		status[r.Source] = r.Status
		if r.Source == "coingecko" && !strings.Contains(r.Error, "500") {
			t.Errorf("coingecko error %q does not name the status", r.Error)
		}
	}
	if status["coingecko"] != "failed" || status["alternativeme"] != "ok" || status["defillama"] != "ok" {
		t.Fatalf("statuses %v", status)
	}
	before := dump(t, db)
	api.fail.Store("")
	o := api.options(db, filepath.Join(dir, "a"))
	o.sources = []string{"alternativeme", "defillama"}
	if _, err := ingest(context.Background(), o, &log); err != nil {
		t.Fatal(err)
	}
	if after := dump(t, db); !reflect.DeepEqual(before, after) {
		t.Fatalf("second identical ingest changed the store: %d → %d rows", len(before), len(after))
	}
	s, _ := duckdb.Open(db, duckdb.Options{ReadOnly: true})
	defer s.Close()
	runs, _ := s.LastRuns(context.Background())
	found := false
	for _, r := range runs {
		found = found || (r.Source == "coingecko" && r.Status == "failed" && r.Error != "")
	}
	if !found {
		t.Fatalf("failed coingecko run not recorded: %+v", runs)
	}
	// The report names the failure where the missing data shows.
	var r doc
	json.Unmarshal(reportJSON(t, db, "2026-01-10"), &r)
	if !strings.Contains(r.Social.Unavailable, "coingecko ingest") || !strings.Contains(r.Social.Unavailable, "500") {
		t.Errorf("social section does not name the failed source: %q", r.Social.Unavailable)
	}
}

// TestIngestCrash kills an ingest child process at random points; after each kill the store
// opens, passes the integrity check, and holds each source's rows whole or not at all.
func TestIngestCrash(t *testing.T) {
	if os.Getenv("CW_CRASH_CHILD") != "" {
		return // the child half, run below through crashChild
	}
	api := newAPIServer(t)
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.duckdb")
	archive := filepath.Join(dir, "archive")
	var log bytes.Buffer
	if _, err := ingest(context.Background(), api.options(ref, archive), &log); err != nil {
		t.Fatal(err)
	}
	want := countsBySource(t, ref)
	rng := rand.New(rand.NewPCG(1, 2))
	withData := 0 // kills that found committed batches: without any, the test proves nothing
	for i := 0; i < 6; i++ {
		db := filepath.Join(dir, fmt.Sprintf("crash%d.duckdb", i))
		cmd := exec.Command(os.Args[0], "-test.run", "^TestCrashChild$")
		cmd.Env = append(os.Environ(), "CW_CRASH_CHILD=1", "CW_DB="+db, "CW_ARCHIVE="+archive, "CW_BASE="+api.srv.URL)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(300+rng.IntN(2200)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if _, err := os.Stat(db); err != nil {
			continue // killed before the store existed
		}
		s, err := duckdb.Open(db, duckdb.Options{})
		if err != nil {
			t.Fatalf("kill %d: store does not open: %v", i, err)
		}
		s.Close()
		// The integrity check as a user runs it.
		if out, errs, code := runCLI(t, "check", "--db", db); code != 0 {
			t.Fatalf("kill %d: cryptoweekly check: exit %d: %s%s", i, code, out, errs)
		}
		got := countsBySource(t, db)
		for src, n := range got {
			if n != want[src] {
				t.Fatalf("kill %d: %s holds %d rows, a whole batch has %d", i, src, n, want[src])
			}
		}
		if len(got) > 0 {
			withData++
		}
	}
	if withData == 0 {
		t.Fatal("no kill landed after a commit; the crash test checked nothing")
	}
}

// TestCrashChild is the process TestIngestCrash kills: a replay ingest into CW_DB.
func TestCrashChild(t *testing.T) {
	if os.Getenv("CW_CRASH_CHILD") == "" {
		t.Skip("child process of TestIngestCrash")
	}
	a := &apiServer{srv: &httptest.Server{URL: os.Getenv("CW_BASE")}}
	o := a.options(os.Getenv("CW_DB"), "")
	o.replay = os.Getenv("CW_ARCHIVE")
	for i := 0; i < 50; i++ { // keep writing until killed
		o.full = true
		if _, err := ingest(context.Background(), o, os.Stderr); err != nil {
			t.Fatal(err)
		}
	}
}

func countsBySource(t *testing.T, db string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, row := range dump(t, db) {
		f := strings.Split(row, "|")
		out[f[4]]++
	}
	return out
}

// TestIngestNewsIntoReport: a configured feed's regulatory items reach the report's regulatory
// list, with hostile markup in a title printed as text.
func TestIngestNewsIntoReport(t *testing.T) {
	feed := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Reg watch</title>
<item><title>PBoC and regulators ban virtual-currency and RWA tokenization services &lt;script&gt;alert(1)&lt;/script&gt;</title>
<link>https://example.org/pboc-2026</link><guid>pboc-2026</guid>
<description>中国人民银行等部门发布通知，禁止虚拟货币和RWA代币化服务。</description>
<pubDate>Tue, 10 Feb 2026 09:00:00 +0800</pubDate></item>
<item><title>Exchange lists a new meme token</title><link>https://example.org/meme</link>
<pubDate>Wed, 11 Feb 2026 12:00:00 GMT</pubDate></item>
</channel></rss>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(feed))
	}))
	defer srv.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "cw.duckdb")
	o := ingestOptions{db: db, archive: filepath.Join(dir, "a"), sources: []string{"news"},
		cfg:    Config{Raw: []byte(`{"feeds": ["` + srv.URL + `/reg.rss"]}`)},
		getenv: func(string) string { return "" },
		client: httpx.Options{Sleep: func(context.Context, time.Duration) error { return nil }}}
	var log bytes.Buffer
	res, err := ingest(context.Background(), o, &log)
	if err != nil || res[0].Status != "ok" {
		t.Fatalf("ingest: %v %+v", err, res)
	}
	var r doc
	json.Unmarshal(reportJSON(t, db, "2026-02-13"), &r)
	if len(r.Events.Regulatory) != 1 {
		t.Fatalf("regulatory items = %+v", r.Events.Regulatory)
	}
	e := r.Events.Regulatory[0]
	if e.Date != "2026-02-10" || !strings.Contains(e.Title, "PBoC") || e.Link != "https://example.org/pboc-2026" || !contains(e.Tags, "china") {
		t.Errorf("item = %+v", e)
	}
	var full report.Report // read back through the registered sections, as the dashboard will
	if err := json.Unmarshal(reportJSON(t, db, "2026-02-13"), &full); err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := rmd.Write(&md, &full); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "<script>") {
		t.Error("markdown carries a raw <script> tag from a feed title")
	}
}

// liveDerivatives checks the report figures the replayed live payloads give: the BTCUSDT
// perpetual's open interest for the week ending 2024-12-12 (closes 2024-12-05 and 12-12 are the
// snapshots stamped 12-06 and 12-13 00:00) and the perps volume for the week ending 2026-01-10.
func liveDerivatives(t *testing.T, db string) {
	t.Helper()
	s, err := duckdb.Open(db, duckdb.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	block := func(end, name string) report.Block {
		r, err := report.Build(context.Background(), s, report.DefaultConfig(), day(end), report.Inputs{Now: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range r.Sections {
			if p.Name == name {
				return p.Block
			}
		}
		t.Fatalf("no %s section", name)
		return nil
	}
	d := block("2024-12-12", "derivatives").(*derivatives.Block)
	if len(d.Majors) != 2 || d.Majors[0].Label != "BTCUSDT perp (Binance USDⓈ-M), USD" || d.Majors[0].End == nil ||
		*d.Majors[0].End != 8044197741.62069988 || *d.Majors[0].Start != 7777909065.88800049 || *d.Majors[1].End != 80345.001 {
		t.Errorf("live open interest in the report: %+v", d.Majors)
	}
	x := block("2026-01-10", "dex").(*dex.Block)
	if !x.PerpsVolume.Available() || *x.PerpsVolume.End != 208.12e9 || *x.PerpsVolume.Start != 178.94e9 || x.PerpsVolume.Source != string(defillama.SourcePerpsVolume) {
		t.Errorf("live perps volume in the report: %+v", x.PerpsVolume)
	}
}

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}
