package alternativeme

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

const shapes = "/work/shared/api-shapes/"

// fixture returns the "response" member of an api-shapes file, the body as the API returns it.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(shapes + name)
	if err != nil {
		t.Skipf("fixture %s: %v", name, err)
	}
	var f struct {
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f.Response
}

type sleeps struct{ d []time.Duration }

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.d = append(s.d, d)
	return ctx.Err()
}

func client(t *testing.T, archive string, rt http.RoundTripper, timeout time.Duration) (*httpx.Client, *sleeps) {
	s := &sleeps{}
	return httpx.New(httpx.Options{
		ArchiveDir: archive, Transport: rt, Sleep: s.sleep, Timeout: timeout,
		Limits: map[string]httpx.Limit{"127.0.0.1": {}},
	}), s
}

func TestDecodeFixture(t *testing.T) {
	b, err := DecodeFNG(fixture(t, "alternativeme-fng.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(b.Observations) != 8 {
		t.Fatalf("got %d observations", len(b.Observations))
	}
	first, last := b.Observations[0], b.Observations[7]
	if cw.DayString(first.Day) != "2026-01-04" || first.Value != 27 || cw.DayString(last.Day) != "2026-01-11" || last.Value != 62 {
		t.Errorf("first %+v last %+v", first, last)
	}
	if first.Entity != "index:fear-greed" || first.Metric != "value" || first.Source != "alternativeme-fng" {
		t.Errorf("conventions: %+v", first)
	}
	if b.Entities[0].Attrs["latest_classification"] != "Greed" || b.Source.Provider != "alternative.me" ||
		b.Source.Licence != "alternative.me API terms: free, attribution required" {
		t.Errorf("entity/provenance: %+v %+v", b.Entities[0], b.Source)
	}
}

// TestDecodeRealHistory rebuilds an API body from the real recorded history (the repo dumped
// api.alternative.me/fng/ to CSV) and checks the documented check-week values.
func TestDecodeRealHistory(t *testing.T) {
	f, err := os.Open("/work/shared/data/raw/alternativeme-fng-MuLancer/fear_and_greed_index_2.csv")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type pt struct {
		Value string `json:"value"`
		Class string `json:"value_classification"`
		TS    string `json:"timestamp"`
	}
	var pts []pt
	for _, r := range rows[1:] {
		d, err := time.Parse(time.RFC3339, r[0])
		if err != nil {
			t.Fatal(err)
		}
		pts = append(pts, pt{r[1], r[2], fmt.Sprint(d.Unix())})
	}
	body, _ := json.Marshal(map[string]any{"name": "Fear and Greed Index", "data": pts, "metadata": map[string]any{"error": nil}})
	b, err := DecodeFNG(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Observations) != len(rows)-1 {
		t.Errorf("%d observations from %d rows", len(b.Observations), len(rows)-1)
	}
	want := map[string]float64{"2024-12-06": 72, "2024-12-07": 75, "2024-12-08": 79, "2024-12-12": 83, "2024-12-13": 76, "2024-12-14": 83}
	got := map[string]float64{}
	for _, o := range b.Observations {
		got[cw.DayString(o.Day)] = o.Value
	}
	for d, v := range want {
		if got[d] != v {
			t.Errorf("%s = %v, want %v", d, got[d], v)
		}
	}
	if _, ok := got["2024-10-26"]; ok {
		t.Error("2024-10-26 is missing upstream and must not be invented")
	}
}

func TestDecodeQuirks(t *testing.T) {
	wrap := func(data string) string {
		return `{"name":"Fear and Greed Index","data":` + data + `,"metadata":{"error":null}}`
	}
	cases := []struct {
		name    string
		body    string
		wantN   int
		wantErr string
		check   func(t *testing.T, b cw.Batch)
	}{
		{name: "string numbers newest first", body: wrap(`[{"value":"40","timestamp":"1767571200"},{"value":"30","timestamp":"1767484800"}]`), wantN: 2},
		{name: "plain numbers", body: wrap(`[{"value":40,"timestamp":1767571200}]`), wantN: 1},
		{name: "milliseconds", body: wrap(`[{"value":"40","timestamp":"1767571200000"}]`), wantN: 1},
		{name: "unsorted input sorted ascending", body: wrap(`[{"value":"1","timestamp":"1767484800"},{"value":"3","timestamp":"1767657600"},{"value":"2","timestamp":"1767571200"}]`), wantN: 3,
			check: func(t *testing.T, b cw.Batch) {
				for i, o := range b.Observations {
					if o.Value != float64(i+1) {
						t.Errorf("obs %d = %v", i, o.Value)
					}
				}
			}},
		{name: "identical duplicate deduped", body: wrap(`[{"value":"40","timestamp":"1767571200"},{"value":"40","timestamp":"1767571200"}]`), wantN: 1},
		{name: "same day different hour identical", body: wrap(`[{"value":"40","timestamp":"1767571200"},{"value":"40","timestamp":"1767574800"}]`), wantN: 1},
		{name: "conflicting duplicate", body: wrap(`[{"value":"40","timestamp":"1767571200"},{"value":"41","timestamp":"1767571200"}]`),
			wantErr: "alternativeme: /fng/: field data[1].value: day 2026-01-05 has conflicting values 40 (data[0]) and 41"},
		{name: "value above 100", body: wrap(`[{"value":"101","timestamp":"1767571200"}]`), wantErr: "field data[0].value: 101 outside 0..100"},
		{name: "negative value", body: wrap(`[{"value":"-1","timestamp":"1767571200"}]`), wantErr: "outside 0..100"},
		{name: "NaN string", body: wrap(`[{"value":"NaN","timestamp":"1767571200"}]`), wantErr: "data[0].value: not a finite number"},
		{name: "missing value", body: wrap(`[{"timestamp":"1767571200"}]`), wantErr: "data[0].value: missing"},
		{name: "garbage timestamp", body: wrap(`[{"value":"5","timestamp":"05-01-2026"}]`), wantErr: "data[0].timestamp: not a number"},
		{name: "metadata error", body: `{"name":"Fear and Greed Index","data":[],"metadata":{"error":"Invalid limit"}}`, wantErr: `field metadata.error: API error: "Invalid limit"`},
		{name: "data is object", body: `{"data":{"value":"1"},"metadata":{"error":null}}`, wantErr: "field data: want an array"},
		{name: "data is 0", body: `{"data":0}`, wantErr: "field data: want an array"},
		{name: "data missing", body: `{"metadata":{"error":null}}`, wantErr: "field data: want an array"},
		{name: "empty data", body: wrap(`[]`), wantErr: "field data: empty"},
		{name: "not JSON", body: `<html>502 Bad Gateway</html>`, wantErr: "alternativeme: /fng/:"},
		{name: "HTML in classification kept as text", body: wrap(`[{"value":"40","value_classification":"<script>alert(1)</script>\u0007","timestamp":"1767571200"}]`), wantN: 1,
			check: func(t *testing.T, b cw.Batch) {
				if got := b.Entities[0].Attrs["latest_classification"]; got != "<script>alert(1)</script>" {
					t.Errorf("classification = %q", got)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := DecodeFNG([]byte(tc.body))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Observations) != tc.wantN {
				t.Errorf("n = %d want %d", len(b.Observations), tc.wantN)
			}
			if err := b.Validate(); err != nil {
				t.Error(err)
			}
			if tc.check != nil {
				tc.check(t, b)
			}
		})
	}
}

func serve(body []byte, hits *atomic.Int32, path *atomic.Value) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		path.Store(r.URL.RequestURI())
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
}

func TestFetchReplayArchiveAndSince(t *testing.T) {
	body := fixture(t, "alternativeme-fng.json")
	var hits atomic.Int32
	var path atomic.Value
	srv := serve(body, &hits, &path)
	defer srv.Close()
	dir := t.TempDir()
	c, _ := client(t, dir, nil, 0)
	src := New(c, WithBaseURL(srv.URL+"/"))
	var _ cw.Source = src
	if src.Name() != "alternativeme" {
		t.Fatal(src.Name())
	}
	bs, err := src.Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got := path.Load().(string); got != "/fng/?limit=0&format=json" {
		t.Errorf("request = %q", got)
	}
	if len(bs) != 1 || len(bs[0].Observations) != 8 {
		t.Fatalf("batches = %+v", bs)
	}
	p := bs[0].Source
	if p.Location != srv.URL+"/fng/?limit=0&format=json" || p.FetchedAt.IsZero() || p.ID != SourceFearGreed {
		t.Errorf("provenance = %+v", p)
	}
	// since: only days strictly after since's day
	since := time.Date(2026, 1, 8, 15, 0, 0, 0, time.UTC)
	bs2, err := src.Fetch(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(bs2[0].Observations); n != 3 || cw.DayString(bs2[0].Observations[0].Day) != "2026-01-09" {
		t.Errorf("since filter: %d obs, first %v", n, bs2[0].Observations)
	}
	// replay from the archive reproduces the batch without the server
	srv.Close()
	rt, err := httpx.NewReplayTransport(dir)
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := client(t, "", rt, 0)
	rb, err := New(rc, WithBaseURL(srv.URL)).Fetch(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rb[0].Observations, bs[0].Observations) || !reflect.DeepEqual(rb[0].Entities, bs[0].Entities) {
		t.Error("replayed batch differs")
	}
}

func TestFetchFaults(t *testing.T) {
	body := fixture(t, "alternativeme-fng.json")
	cases := []struct {
		name      string
		handler   func(n int32, w http.ResponseWriter, r *http.Request)
		wantErr   string
		wantSleep time.Duration
		wantHits  int32
	}{
		{name: "429 Retry-After", wantSleep: 11 * time.Second, wantHits: 2, handler: func(n int32, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				w.Header().Set("Retry-After", "11")
				w.WriteHeader(429)
				return
			}
			w.Write(body)
		}},
		{name: "500 then success", wantHits: 2, handler: func(n int32, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				w.WriteHeader(500)
				return
			}
			w.Write(body)
		}},
		{name: "timeout then success", wantHits: 2, handler: func(n int32, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				<-r.Context().Done()
				return
			}
			w.Write(body)
		}},
		{name: "truncated then success", wantHits: 2, handler: func(n int32, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				w.Write(body[:len(body)/2])
				hj, _ := w.(http.Hijacker)
				conn, _, _ := hj.Hijack()
				conn.Close()
				return
			}
			w.Write(body)
		}},
		{name: "404 reported", wantHits: 1, wantErr: "alternativeme: /fng/: HTTP 404", handler: func(n int32, w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(404)
			io.WriteString(w, "not found")
		}},
		{name: "200 with API error", wantHits: 1, wantErr: "metadata.error", handler: func(n int32, w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"data":[],"metadata":{"error":"Internal error"}}`)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tc.handler(hits.Add(1), w, r)
			}))
			defer srv.Close()
			c, sl := client(t, "", nil, 100*time.Millisecond)
			bs, err := New(c, WithBaseURL(srv.URL)).Fetch(context.Background(), time.Time{})
			if hits.Load() != tc.wantHits {
				t.Errorf("hits = %d want %d", hits.Load(), tc.wantHits)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				var he *httpx.HTTPError
				_ = errors.As(err, &he)
				return
			}
			if err != nil || len(bs[0].Observations) != 8 {
				t.Fatalf("err = %v", err)
			}
			if tc.wantSleep != 0 && (len(sl.d) == 0 || sl.d[0] != tc.wantSleep) {
				t.Errorf("sleeps = %v, want Retry-After %s", sl.d, tc.wantSleep)
			}
		})
	}
}

func FuzzDecodeFNG(f *testing.F) {
	f.Add(fixture(f, "alternativeme-fng.json"))
	f.Add([]byte(`{"data":[{"value":"40","timestamp":"1767571200"},{"value":40,"timestamp":1767571200}],"metadata":{"error":null}}`))
	f.Add([]byte(`{"data":0,"metadata":{"error":"x"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := DecodeFNG(body)
		if err != nil {
			return
		}
		if err := b.Validate(); err != nil {
			t.Fatalf("decoded batch fails Validate: %v", err)
		}
		for i, o := range b.Observations {
			if o.Value < 0 || o.Value > 100 {
				t.Fatalf("value %v", o.Value)
			}
			if i > 0 && !o.Day.After(b.Observations[i-1].Day) {
				t.Fatal("not strictly ascending")
			}
		}
	})
}
