package coinmarketcap

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/sourcetest"
)

const secretKey = "cmc-0a1b2c3d-SECRET-4e5f-6789abcdef01"

var fetchDay = time.Date(2026, 1, 11, 11, 20, 0, 0, time.UTC)

func day(s string) time.Time {
	d, err := cw.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestDecodeListingsFixture(t *testing.T) {
	rows, st, skipped, err := DecodeListings(sourcetest.Fixture(t, "coinmarketcap-listings-latest.json"))
	if err != nil || skipped != 0 || len(rows) != 2 {
		t.Fatalf("%v %d %v", rows, skipped, err)
	}
	if !st.OK() || st.CreditCount.Value != 1 {
		t.Errorf("status %+v", st)
	}
	b := ListingsBatch(cw.Provenance{ID: SourceListings}, SortListings(rows), fetchDay)
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	ents := sourcetest.EntMap(b)
	btc, meme := ents["asset:btc"], ents["asset:meme"]
	if btc.Name != "Bitcoin" || btc.Attrs["cmc_id"] != "1" || btc.Attrs["cmc_slug"] != "bitcoin" || strings.Join(btc.Tags, ",") != "cmc:mineable,cmc:pow,cmc:store-of-value" {
		t.Errorf("btc %+v", btc)
	}
	if strings.Join(meme.Tags, ",") != "cmc:memes,cmc:solana-ecosystem" || meme.Attrs["cmc_id"] != "99999" {
		t.Errorf("meme %+v", meme)
	}
	o := sourcetest.ObsMap(b)
	want := map[string]float64{
		"asset:btc price 2026-01-11": 96450.12, "asset:btc market_cap 2026-01-11": 1.912e12, "asset:btc volume_24h 2026-01-11": 3.82e10,
		"asset:btc circulating_supply 2026-01-11": 19820000, "asset:btc rank 2026-01-11": 1, "asset:btc pct_change_7d 2026-01-11": 3.41,
		"asset:btc pct_change_24h 2026-01-11": 0.87, "asset:meme price 2026-01-11": 0.0000123, "asset:meme rank 2026-01-11": 180,
		"asset:meme pct_change_7d 2026-01-11": 64.7,
	}
	for k, v := range want {
		if o[k] != v {
			t.Errorf("%s = %v, want %v", k, o[k], v)
		}
	}
	if len(o) != 14 {
		t.Errorf("%d observations", len(o))
	}
}

func TestDecodeListingsDrift(t *testing.T) {
	body := `{"status":{"error_code":"0"},"data":[
	  {"id":5,"symbol":"ABC","name":"<script>x</script>","cmc_rank":"7","circulating_supply":"100","tags":[{"slug":"defi","name":"DeFi"},7,"AI Big Data"],
	   "quote":{"USD":{"price":"1.5","market_cap":{"v":1},"volume_24h":null,"percent_change_7d":-150}}},
	  {"id":6,"symbol":"abc","name":"Other","cmc_rank":2,"quote":{"EUR":{"price":9}}},
	  {"id":7,"symbol":"xyz","quote":"n/a","tags":"memes"},
	  {"symbol":"noid"}, "garbage"
	]}`
	rows, _, skipped, err := DecodeListings([]byte(body))
	if err != nil || skipped != 2 || len(rows) != 3 {
		t.Fatalf("%+v %d %v", rows, skipped, err)
	}
	b := ListingsBatch(cw.Provenance{ID: SourceListings}, SortListings(rows), fetchDay)
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	ents := sourcetest.EntMap(b)
	// id 6 has the better rank (2) so it owns asset:abc; id 5 is suffixed with its name, as the
	// snapshot files would name it
	if ents["asset:abc"].Attrs["cmc_id"] != "6" || ents["asset:abc-<script>x</script>"].Name != "<script>x</script>" {
		t.Errorf("%+v", ents)
	}
	if strings.Join(ents["asset:abc-<script>x</script>"].Tags, ",") != "cmc:ai-big-data,cmc:defi" || ents["asset:xyz"].Tags != nil {
		t.Errorf("tags %+v", ents)
	}
	o := sourcetest.ObsMap(b)
	if o["asset:abc-<script>x</script> price 2026-01-11"] != 1.5 || o["asset:abc-<script>x</script> rank 2026-01-11"] != 7 || o["asset:abc-<script>x</script> circulating_supply 2026-01-11"] != 100 {
		t.Errorf("%v", o)
	}
	for k := range o {
		if strings.Contains(k, "market_cap") || strings.Contains(k, "pct_change_7d") || strings.HasPrefix(k, "asset:abc price") {
			t.Errorf("unexpected %s", k)
		}
	}
}

func TestStatusErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"status":{"error_code":1002,"error_message":"API key missing."}}`, "coinmarketcap: /v1/cryptocurrency/listings/latest: error_code 1002: API key missing."},
		{`{"status":{"error_code":"1008","error_message":"You've exceeded your API Key's HTTP request rate limit."},"data":[]}`, "error_code 1008"},
		{`{"status":{"error_code":0},"data":null}`, "no data"},
		{`{"status":{"error_code":0},"data":{"id":1}}`, "data: body is not a JSON array"},
		{`[]`, "body is not a JSON object"},
		{`{"status":{"error_code":0},"data":[{"id":1`, "body is not a JSON object"},
	} {
		_, _, _, err := DecodeListings([]byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.body, err, tc.want)
		}
	}
	var se *StatusError
	_, _, _, err := DecodeListings([]byte(`{"status":{"error_code":"1001","error_message":"This API Key is invalid."}}`))
	if !errors.As(err, &se) || se.Code != "1001" {
		t.Errorf("%T %v", err, err)
	}
}

func TestFearGreed(t *testing.T) {
	hist, st, skipped, err := DecodeFearGreedHistorical(sourcetest.Fixture(t, "coinmarketcap-fear-and-greed.json", "historical"))
	if err != nil || skipped != 0 || len(hist) != 3 || !st.OK() {
		t.Fatalf("%v %v %v", hist, skipped, err)
	}
	latest, st, err := DecodeFearGreedLatest(sourcetest.Fixture(t, "coinmarketcap-fear-and-greed.json", "latest"))
	if err != nil || latest.Value != 35 || latest.Classification != "Fear" || !latest.Time.Equal(time.Date(2026, 1, 11, 11, 8, 10, 19e6, time.UTC)) {
		t.Fatalf("%+v %v", latest, err)
	}
	b := FearGreedBatch(cw.Provenance{ID: SourceFearGreed}, hist, latest, time.Time{})
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	o := sourcetest.ObsMap(b)
	want := map[string]float64{
		"index:fear-greed-cmc value 2026-01-04": 27, "index:fear-greed-cmc value 2026-01-10": 35,
		"index:fear-greed-cmc value 2026-01-11": 38, // history has 2026-01-11 00:00 (38): latest (35) does not override it
	}
	if len(o) != len(want) {
		t.Errorf("%v", o)
	}
	for k, v := range want {
		if o[k] != v {
			t.Errorf("%s = %v, want %v", k, o[k], v)
		}
	}
	if b.Entities[0].Attrs["latest_classification"] != "Fear" || b.Entities[0].Attrs["latest_value"] != "35" {
		t.Errorf("%+v", b.Entities[0])
	}
	// Duplicate, unsorted, ms, ISO, out-of-range and garbage timestamps.
	body := `{"status":{"error_code":"0"},"data":[
	  {"timestamp":"1768003200","value":35},
	  {"timestamp":1768089600,"value":"38"},
	  {"timestamp":"1768100000","value":60},
	  {"timestamp":1767484800000,"value":27},
	  {"timestamp":"2026-01-08T00:00:00Z","value":30},
	  {"timestamp":"yesterday","value":1},
	  {"timestamp":"1768003200","value":101},
	  {"timestamp":"1767571200","value":null}
	]}`
	hist, _, skipped, err = DecodeFearGreedHistorical([]byte(body))
	if err != nil || skipped != 3 {
		t.Fatalf("%v %d %v", hist, skipped, err)
	}
	b = FearGreedBatch(cw.Provenance{ID: SourceFearGreed}, hist, FearGreedPoint{Time: time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC), Value: 41}, day("2026-01-08"))
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	o = sourcetest.ObsMap(b)
	want = map[string]float64{
		"index:fear-greed-cmc value 2026-01-08": 30, "index:fear-greed-cmc value 2026-01-10": 35,
		"index:fear-greed-cmc value 2026-01-11": 38, "index:fear-greed-cmc value 2026-01-12": 41,
	}
	if len(o) != len(want) {
		t.Errorf("%v", o)
	}
	for k, v := range want {
		if o[k] != v {
			t.Errorf("%s = %v, want %v", k, o[k], v)
		}
	}
	for i := 1; i < len(b.Observations); i++ {
		if !b.Observations[i-1].Day.Before(b.Observations[i].Day) {
			t.Error("not sorted")
		}
	}
}

func routes(t *testing.T) map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"/v1/cryptocurrency/listings/latest": func(w http.ResponseWriter, r *http.Request) {
			if q := r.URL.Query(); q.Get("limit") != "1000" || q.Get("convert") != "USD" || q.Get("start") != "1" {
				t.Errorf("query %s", r.URL.RawQuery)
			}
			sourcetest.JSON(sourcetest.Fixture(t, "coinmarketcap-listings-latest.json"))(w, r)
		},
		"/v3/fear-and-greed/historical": sourcetest.JSON(sourcetest.Fixture(t, "coinmarketcap-fear-and-greed.json", "historical")),
		"/v3/fear-and-greed/latest":     sourcetest.JSON(sourcetest.Fixture(t, "coinmarketcap-fear-and-greed.json", "latest")),
	}
}

func (e *env) source(t *testing.T, timeout time.Duration) *Source {
	s, err := New(e.Client(timeout, 3), Options{BaseURL: e.TS.URL, Key: secretKey, Now: func() time.Time { return fetchDay }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFetchReplay(t *testing.T) {
	e := newEnv(t, routes(t))
	s := e.source(t, time.Second)
	var _ cw.Source = s
	bs, err := s.Fetch(context.Background(), day("2026-01-05"))
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 || bs[0].Source.ID != SourceListings || bs[1].Source.ID != SourceFearGreed {
		t.Fatalf("%+v", bs)
	}
	for _, b := range bs {
		if err := b.Validate(); err != nil {
			t.Error(err)
		}
		if b.Source.Provider != "CoinMarketCap" || !strings.Contains(b.Source.Note, "Credits charged") || strings.Contains(b.Source.Location, secretKey) {
			t.Errorf("%+v", b.Source)
		}
	}
	if o := sourcetest.ObsMap(bs[0]); o["asset:btc price 2026-01-11"] != 96450.12 {
		t.Errorf("%v", o)
	}
	// since 2026-01-05 drops the 2026-01-04 point
	if o := sourcetest.ObsMap(bs[1]); len(o) != 2 || o["index:fear-greed-cmc value 2026-01-10"] != 35 {
		t.Errorf("%v", o)
	}
	for _, r := range e.Srv.Seen {
		if r.Header.Get(KeyHeader) != secretKey || strings.Contains(r.URL.String(), secretKey) {
			t.Errorf("%s %v", r.URL, r.Header)
		}
		if r.URL.Path == "/v3/fear-and-greed/historical" && r.URL.Query().Get("limit") != "8" {
			t.Errorf("limit %s", r.URL.RawQuery)
		}
	}
	sourcetest.AssertNoSecretInArchive(t, e.Archive, secretKey)
}

func TestFetchFaults(t *testing.T) {
	const lp = "/v1/cryptocurrency/listings/latest"
	for _, tc := range []struct {
		name    string
		path    string
		faults  []http.HandlerFunc
		timeout time.Duration
		wantErr string
		check   func(*testing.T, *env, []cw.Batch)
	}{
		{name: "429 with Retry-After then success", path: lp,
			faults: []http.HandlerFunc{sourcetest.Status(429, `{"status":{"error_code":1008,"error_message":"rate limit"}}`, "Retry-After", "3")},
			check: func(t *testing.T, e *env, bs []cw.Batch) {
				if len(e.Sleeps) != 1 || e.Sleeps[0] != 3*time.Second {
					t.Errorf("sleeps %v", e.Sleeps)
				}
			}},
		{name: "500 then success", path: "/v3/fear-and-greed/latest", faults: []http.HandlerFunc{sourcetest.Status(500, "boom")}},
		{name: "timeout", path: lp, faults: []http.HandlerFunc{sourcetest.Hang, sourcetest.Hang, sourcetest.Hang, sourcetest.Hang}, timeout: 40 * time.Millisecond, wantErr: "timed out"},
		{name: "truncated then success", path: lp, faults: []http.HandlerFunc{truncated}},
		{name: "401 names code and message", path: lp,
			faults:  []http.HandlerFunc{sourcetest.Status(401, `{"status":{"error_code":1001,"error_message":"This API Key is invalid."}}`)},
			wantErr: "coinmarketcap: /v1/cryptocurrency/listings/latest: HTTP 401: error_code 1001: This API Key is invalid."},
		{name: "200 with string error code", path: "/v3/fear-and-greed/historical",
			faults:  []http.HandlerFunc{sourcetest.JSON([]byte(`{"status":{"error_code":"1006","error_message":"Your API Key subscription plan doesn't support this endpoint."}}`))},
			wantErr: "coinmarketcap: /v3/fear-and-greed/historical: error_code 1006: Your API Key subscription plan"},
		{name: "monthly credits exhausted (429, no retry-after)", path: lp,
			faults:  []http.HandlerFunc{sourcetest.Status(429, `{"status":{"error_code":1011,"error_message":"monthly limit"}}`), sourcetest.Status(429, `{"status":{"error_code":1011,"error_message":"monthly limit"}}`), sourcetest.Status(429, `{"status":{"error_code":1011,"error_message":"monthly limit"}}`), sourcetest.Status(429, `{"status":{"error_code":1011,"error_message":"monthly limit"}}`)},
			wantErr: "HTTP 429: error_code 1011"},
		{name: "schema drift: string numbers, object quote", path: lp,
			faults: []http.HandlerFunc{sourcetest.JSON([]byte(`{"status":{"error_code":"0"},"data":[{"id":"1","symbol":"BTC","name":"Bitcoin","cmc_rank":"1","quote":{"USD":{"price":"96450.12","market_cap":{}}}}]}`))},
			check: func(t *testing.T, e *env, bs []cw.Batch) {
				if o := sourcetest.ObsMap(bs[0]); len(o) != 2 || o["asset:btc price 2026-01-11"] != 96450.12 {
					t.Errorf("%v", o)
				}
			}},
		{name: "key echoed by server is redacted", path: lp,
			faults: []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
				sourcetest.Status(403, `{"status":{"error_code":1002,"error_message":"key `+r.Header.Get(KeyHeader)+` not allowed"}}`)(w, r)
			}},
			wantErr: "error_code 1002: key REDACTED not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, routes(t))
			e.Srv.Faults[tc.path] = tc.faults
			timeout := tc.timeout
			if timeout == 0 {
				timeout = time.Second
			}
			bs, err := e.source(t, timeout).Fetch(context.Background(), time.Time{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), secretKey) || !strings.HasPrefix(err.Error(), "coinmarketcap: ") {
					t.Errorf("error text %q", err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if tc.check != nil {
				tc.check(t, e, bs)
			}
			sourcetest.AssertNoSecretInArchive(t, e.Archive, secretKey)
		})
	}
}

func TestNew(t *testing.T) {
	if _, err := New(httpx.New(httpx.Options{}), Options{Key: "  "}); !errors.Is(err, ErrNoKey) {
		t.Errorf("%v", err)
	}
	if _, err := New(nil, Options{Key: "k"}); err == nil {
		t.Error("nil client")
	}
	s, err := New(httpx.New(httpx.Options{}), Options{Key: "k", Limit: 99999})
	if err != nil || s.o.BaseURL != Base || s.o.Limit != 5000 || s.Name() != "coinmarketcap" {
		t.Errorf("%+v %v", s, err)
	}
}
