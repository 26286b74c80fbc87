package coingecko

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/sourcetest"
)

const proKey = "CG-pr0K3yDoNotLeak9876543210"

// The fixture's fetch day: its last point is the intraday "now" sample of 2024-12-20.
var chartFetchDay = time.Date(2024, 12, 20, 9, 14, 7, 123e6, time.UTC)

func TestDecodeGlobalChart(t *testing.T) {
	d := func(s string) time.Time { return day(t, s) }
	for _, tc := range []struct {
		name    string
		body    string
		wantErr string
		want    map[string]float64 // "metric day" → value; nil: not checked
		n       int                // observations, when want is set
	}{
		{name: "fixture", body: string(sourcetest.Fixture(t, "coingecko-global-market_cap_chart.json")),
			// 21 days of both series; the 09:14 "now" point of the fetch day is dropped.
			n: 42, want: map[string]float64{"total_market_cap_usd 2024-12-06": 3.80e12, "total_market_cap_usd 2024-12-13": 3.70e12,
				"total_market_cap_usd 2024-12-20": 3430287157025.816}},
		{name: "numbers as strings, NaN, null and junk dropped",
			body: `{"market_cap_chart":{"market_cap":[[1733443200000,"3.8e12"],[1733529600000,"NaN"],[1733616000000,null],[1733702400000,{"usd":1}],["x",5],[1733788800000]],"volume":[[1733443200000,"1.5e11"]]}}`,
			n:    2, want: map[string]float64{"total_market_cap_usd 2024-12-06": 3.8e12, "total_volume_usd 2024-12-06": 1.5e11}},
		{name: "ms not at midnight: the 00:00 point wins its day, else the earliest; the fetch day's intraday point is dropped",
			// 2024-12-06 01:00 before 00:00 in the response; 2024-12-07 only 06:30 and 18:00;
			// 2024-12-20 00:00 and 09:14.
			body: `{"market_cap_chart":{"market_cap":[[1733446800000,1],[1733443200000,3.8e12],[1733553000000,3.81e12],[1733594400000,9],[1734652800000,3.43e12],[1734686047123,7]],"volume":[]}}`,
			n:    3, want: map[string]float64{"total_market_cap_usd 2024-12-06": 3.8e12, "total_market_cap_usd 2024-12-07": 3.81e12, "total_market_cap_usd 2024-12-20": 3.43e12}},
		{name: "seconds instead of ms", body: `{"market_cap_chart":{"market_cap":[[1733443200,3.8e12]]}}`,
			n: 1, want: map[string]float64{"total_market_cap_usd 2024-12-06": 3.8e12}},
		{name: "zero and negative totals are no value", body: `{"market_cap_chart":{"market_cap":[[1733443200000,0],[1733529600000,-5],[1733616000000,3.8e12]],"volume":[[1733443200000,-1]]}}`,
			n: 1, want: map[string]float64{"total_market_cap_usd 2024-12-08": 3.8e12}},
		{name: "Pro-only refusal in a 200", body: `{"status":{"error_code":10005,"error_message":"You request exceeds the allowed plan: this endpoint is for paid plans"}}`,
			wantErr: `coingecko: /global/market_cap_chart: the API answered an error instead of a chart: "You request exceeds the allowed plan: this endpoint is for paid plans"`},
		{name: "error string", body: `{"error":"invalid vs_currency"}`, wantErr: `"invalid vs_currency"`},
		{name: "not an object", body: `[[1733443200000,3.8e12]]`, wantErr: "coingecko: /global/market_cap_chart: body is not a JSON object"},
		{name: "truncated", body: `{"market_cap_chart":{"market_cap":[[1733443200000,3.8e`, wantErr: "body is not a JSON object"},
		{name: "drift: the chart is a bare series", body: `{"market_cap_chart":[[1733443200000,3.8e12]]}`, wantErr: "market_cap_chart is not an object of series"},
		{name: "drift: renamed series", body: `{"market_cap_chart":{"total_market_cap":[[1733443200000,3.8e12]]}}`, wantErr: "market_cap_chart has no market_cap series"},
		{name: "no usable point", body: `{"market_cap_chart":{"market_cap":[["a","b"],[1,2]]}}`, wantErr: "market_cap_chart.market_cap has no usable [timestamp, value] point"},
		{name: "no chart at all", body: `{"data":{}}`, wantErr: "no market_cap_chart object"},
		{name: "drift: volume not an array", body: `{"market_cap_chart":{"market_cap":[[1733443200000,3.8e12]],"volume":{"1733443200000":1}}}`, wantErr: "market_cap_chart.volume is missing or not an array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := DecodeGlobalChart([]byte(tc.body))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b := GlobalChartBatch(cw.Provenance{ID: SourceGlobalChart, Provider: "CoinGecko", Location: "x", Licence: "x"}, g, chartFetchDay, time.Time{})
			if err := b.Validate(); err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{}
			for _, o := range b.Observations {
				if o.Entity != GlobalEntityID || o.Source != SourceGlobalChart {
					t.Fatalf("observation %+v", o)
				}
				got[string(o.Metric)+" "+cw.DayString(o.Day)] = o.Value
			}
			if len(got) != tc.n {
				t.Errorf("%d observations, want %d: %v", len(got), tc.n, got)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
	// since keeps the days on or after it.
	g, _ := DecodeGlobalChart(sourcetest.Fixture(t, "coingecko-global-market_cap_chart.json"))
	if b := GlobalChartBatch(cw.Provenance{ID: SourceGlobalChart}, g, chartFetchDay, d("2024-12-18")); len(b.Observations) != 6 {
		t.Errorf("since 2024-12-18: %d observations, want 3 days × 2", len(b.Observations))
	}
}

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := cw.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// proEnv is the replay server with the paid-only route, for a connector with a Pro key.
func proEnv(t *testing.T) *env {
	e := newEnv(t)
	e.Srv.Routes["/global/market_cap_chart"] = sourcetest.JSON(sourcetest.Fixture(t, "coingecko-global-market_cap_chart.json"))
	return e
}

// With a Pro key the history is fetched (days=max on a first ingest, the smallest window the
// endpoint takes otherwise) and stored under its own provenance; the configured chart coins
// follow its window on a first ingest.
func TestFetchGlobalChartPro(t *testing.T) {
	e := proEnv(t)
	s := e.source(t, Options{ProKey: proKey})
	bs, err := s.Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	got := byProv(bs)
	b, ok := got[SourceGlobalChart]
	if !ok {
		t.Fatal("no coingecko-global-chart batch")
	}
	o := sourcetest.ObsMap(b)
	if o["index:crypto-market total_market_cap_usd 2024-12-06"] != 3.8e12 || o["index:crypto-market total_market_cap_usd 2024-12-13"] != 3.7e12 || len(o) != 42 {
		t.Errorf("history %d rows: %v", len(o), o)
	}
	if !strings.Contains(b.Source.Location, "/global/market_cap_chart?days=max&vs_currency=usd") || !strings.Contains(b.Source.Note, "00:00 UTC point") {
		t.Errorf("provenance %+v", b.Source)
	}
	if n := got[SourceGlobal].Source.Note; strings.Contains(n, "No history") {
		t.Errorf("global note with a Pro key: %q", n)
	}
	for _, r := range e.Srv.Seen {
		switch {
		case r.Header.Get(ProKeyHeader) != proKey || r.Header.Get(DemoKeyHeader) != "":
			t.Errorf("request %s headers %v", r.URL, r.Header)
		case strings.HasSuffix(r.URL.Path, "/bitcoin/market_chart") && r.URL.Query().Get("days") != "max":
			t.Errorf("bitcoin charted with days=%s on a first Pro ingest", r.URL.Query().Get("days"))
		}
	}
	if !strings.Contains(got[SourceMarketChart].Source.Note, "bitcoin, not-listed charted with days=max") {
		t.Errorf("chart note %q", got[SourceMarketChart].Source.Note)
	}
	sourcetest.AssertNoSecretInArchive(t, e.Archive, proKey)

	// A later ingest asks for the smallest window that reaches since.
	for since, want := range map[string]string{"2026-01-05": "14", "2025-12-01": "90", "2025-01-15": "365", "2024-06-01": "max"} {
		e := proEnv(t)
		if _, err := e.source(t, Options{ProKey: proKey, HistoryDays: 30}).Fetch(context.Background(), day(t, since)); err != nil {
			t.Fatal(err)
		}
		for _, r := range e.Srv.Seen {
			if strings.HasSuffix(r.URL.Path, "/global/market_cap_chart") && r.URL.Query().Get("days") != want {
				t.Errorf("since %s: days=%s, want %s", since, r.URL.Query().Get("days"), want)
			}
			if strings.HasSuffix(r.URL.Path, "/market_chart") && r.URL.Query().Get("days") == "max" {
				t.Errorf("since %s: a coin charted with days=max", since)
			}
		}
	}
	// HistoryDays bounds a first ingest.
	e = proEnv(t)
	if _, err := e.source(t, Options{ProKey: proKey, HistoryDays: 100}).Fetch(context.Background(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Srv.Seen {
		if p, d := r.URL.Path, r.URL.Query().Get("days"); (strings.HasSuffix(p, "/global/market_cap_chart") && d != "180") || (strings.HasSuffix(p, "/bitcoin/market_chart") && d != "100") {
			t.Errorf("HistoryDays 100: %s days=%s", p, d)
		}
	}
	// SkipGlobalChart: no request, no note.
	e = proEnv(t)
	if _, err := e.source(t, Options{ProKey: proKey, SkipGlobalChart: true}).Fetch(context.Background(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if e.Srv.Hits["/global/market_cap_chart"] != 0 {
		t.Error("SkipGlobalChart requested the history")
	}
}

// A failing history costs that part only: the rest of the source comes back with an error that
// names the route and quotes CoinGecko's message (ingest stores it as a partial run).
func TestFetchGlobalChartFaults(t *testing.T) {
	refusal := `{"status":{"error_code":10005,"error_message":"You request exceeds the allowed plan. Please upgrade to a paid plan: https://www.coingecko.com/en/api/pricing"}}`
	for _, tc := range []struct {
		name    string
		faults  []http.HandlerFunc
		wantErr string // "" = success
		check   func(t *testing.T, e *env, b cw.Batch)
	}{
		{name: "401 paid-plan refusal", faults: []http.HandlerFunc{sourcetest.Status(401, refusal)},
			wantErr: `coingecko: /global/market_cap_chart: HTTP 401, CoinGecko says "You request exceeds the allowed plan. Please upgrade to a paid plan: https://www.coingecko.com/en/api/pricing": this history needs a paid plan's Pro key`},
		{name: "403 CDN firewall without JSON", faults: []http.HandlerFunc{sourcetest.Status(403, "<html>error code: 1020</html>")},
			wantErr: "HTTP 403, no message"},
		{name: "401 echoing the key is redacted", faults: []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(401)
			w.Write([]byte(`{"status":{"error_code":10002,"error_message":"invalid key ` + r.Header.Get(ProKeyHeader) + `"}}`))
		}}, wantErr: `CoinGecko says "invalid key REDACTED"`},
		{name: "429 then success", faults: []http.HandlerFunc{sourcetest.Status(429, `{"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit"}}`, "Retry-After", "3")},
			check: func(t *testing.T, e *env, b cw.Batch) {
				if len(e.Sleeps) == 0 || e.Sleeps[0] != 3*time.Second || len(b.Observations) != 42 {
					t.Errorf("sleeps %v, %d rows", e.Sleeps, len(b.Observations))
				}
			}},
		{name: "5xx then success", faults: []http.HandlerFunc{sourcetest.Status(502, "<html>bad gateway</html>"), sourcetest.Status(503, "")},
			check: func(t *testing.T, e *env, b cw.Batch) {
				if e.Srv.Hits["/global/market_cap_chart"] != 3 || len(b.Observations) != 42 {
					t.Errorf("hits %d, %d rows", e.Srv.Hits["/global/market_cap_chart"], len(b.Observations))
				}
			}},
		{name: "5xx every time", faults: []http.HandlerFunc{sourcetest.Status(500, "oops"), sourcetest.Status(500, "oops"), sourcetest.Status(500, "oops"), sourcetest.Status(500, "oops")},
			wantErr: "coingecko: /global/market_cap_chart: HTTP 500"},
		{name: "truncated every time", faults: []http.HandlerFunc{truncated, truncated, truncated, truncated}, wantErr: "truncated body"},
		{name: "malformed JSON", faults: []http.HandlerFunc{sourcetest.JSON([]byte(`{"market_cap_chart":{"market_cap":[[1733443200000,3.8e12],]}}`))},
			wantErr: "coingecko: /global/market_cap_chart: body is not a JSON object"},
		{name: "schema drift", faults: []http.HandlerFunc{sourcetest.JSON([]byte(`{"market_cap_chart":{"caps":[[1733443200000,3.8e12]]}}`))},
			wantErr: "market_cap_chart has no market_cap series"},
		{name: "implausible total fails the part, naming it", faults: []http.HandlerFunc{sourcetest.JSON([]byte(`{"market_cap_chart":{"market_cap":[[1733443200000,1e30]]}}`))},
			wantErr: "index:crypto-market total_market_cap_usd 2024-12-06: value 1e+30 is outside the plausible range"},
		{name: "strings and NaN", faults: []http.HandlerFunc{sourcetest.JSON([]byte(`{"market_cap_chart":{"market_cap":[[1733443200000,"3800000000000"],[1733529600000,"NaN"]],"volume":[["1733443200000","1.2e11"]]}}`))},
			check: func(t *testing.T, e *env, b cw.Batch) {
				o := sourcetest.ObsMap(b)
				if len(o) != 2 || o["index:crypto-market total_market_cap_usd 2024-12-06"] != 3.8e12 || o["index:crypto-market total_volume_usd 2024-12-06"] != 1.2e11 {
					t.Errorf("%v", o)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := proEnv(t)
			e.Srv.Faults["/global/market_cap_chart"] = tc.faults
			s := e.source(t, Options{ProKey: proKey, ChartCoins: []string{"bitcoin"}})
			bs, err := s.Fetch(context.Background(), time.Time{})
			got := byProv(bs)
			for _, id := range []cw.SourceID{SourceMarkets, SourceGlobal, SourceMarketChart, SourceTrending} {
				if _, ok := got[id]; !ok {
					t.Errorf("%s lost with the history", id)
				}
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), proKey) {
					t.Errorf("key in error %q", err)
				}
				if _, ok := got[SourceGlobalChart]; ok {
					t.Error("a failed history still returned a batch")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, e, got[SourceGlobalChart])
			}
		})
	}
}

// TestGlobalChartNotesWhatItLeavesOut: points the decoder or the batch leave out, and a missing
// volume series, are counted in the provenance note, never dropped without a word.
func TestGlobalChartNotesWhatItLeavesOut(t *testing.T) {
	g, err := DecodeGlobalChart([]byte(`{"market_cap_chart":{"market_cap":[[1733443200000,3.8e12],["x",1],[1733529600000,null],[1733616000000,-5]]}}`))
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2024, 12, 20, 0, 0, 0, 0, time.UTC)
	b := GlobalChartBatch(cw.Provenance{ID: SourceGlobalChart, Note: "chart."}, g, today, time.Time{})
	if len(b.Observations) != 1 || !strings.Contains(b.Source.Note, "2 unusable points") || !strings.Contains(b.Source.Note, "1 days with a negative total") ||
		!strings.Contains(b.Source.Note, "no volume series") {
		t.Errorf("%d observations, note %q", len(b.Observations), b.Source.Note)
	}
}
