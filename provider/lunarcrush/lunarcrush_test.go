package lunarcrush

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/sourcetest"
)

const secretKey = "lc_live_9f8e7d6c5b4a3210SECRETzyxwvut"

var fetchDay = time.Date(2026, 1, 11, 8, 40, 0, 0, time.UTC)

func TestTopicsFixture(t *testing.T) {
	topics, skipped, err := DecodeTopics(sourcetest.Fixture(t, "lunarcrush-topics-list.json"))
	if err != nil || skipped != 0 || len(topics) != 2 {
		t.Fatalf("%v %d %v", topics, skipped, err)
	}
	b := TopicsBatch(cw.Provenance{ID: SourceTopics}, topics, fetchDay)
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	ents := sourcetest.EntMap(b)
	if ents["topic:bitcoin"].Name != "Bitcoin" || ents["topic:hyperliquid"].Kind != cw.KindTopic {
		t.Errorf("%+v", ents)
	}
	o := sourcetest.ObsMap(b)
	for k, v := range map[string]float64{
		"topic:bitcoin topic_rank 2026-01-11": 3, "topic:bitcoin interactions_24h 2026-01-11": 83998832, "topic:bitcoin num_contributors 2026-01-11": 90751,
		"topic:hyperliquid topic_rank 2026-01-11": 11, "topic:hyperliquid interactions_24h 2026-01-11": 9100000, "topic:hyperliquid num_contributors 2026-01-11": 8100,
	} {
		if o[k] != v {
			t.Errorf("%s = %v, want %v", k, o[k], v)
		}
	}
	if len(o) != 6 {
		t.Errorf("%v", o)
	}
}

func TestCoinsFixture(t *testing.T) {
	coins, skipped, err := DecodeCoins(sourcetest.Fixture(t, "lunarcrush-coins-list-v2.json"))
	if err != nil || skipped != 0 || len(coins) != 1 {
		t.Fatalf("%v %d %v", coins, skipped, err)
	}
	b := CoinsBatch(cw.Provenance{ID: SourceCoins}, coins, fetchDay)
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	e := b.Entities[0]
	if e.ID != "asset:btc" || e.Symbol != "BTC" || e.Name != "Bitcoin" || strings.Join(e.Tags, ",") != "lc:bitcoin-ecosystem,lc:layer-1,lc:pow" || e.Attrs["lunarcrush_id"] != "1" || e.Attrs["lunarcrush_topic"] != "btc bitcoin" {
		t.Errorf("%+v", e)
	}
	o := sourcetest.ObsMap(b)
	for k, v := range map[string]float64{
		"asset:btc galaxy_score 2026-01-11": 61.2, "asset:btc alt_rank 2026-01-11": 212,
		"asset:btc social_dominance 2026-01-11": 25.43, "asset:btc interactions_24h 2026-01-11": 83998832,
	} {
		if o[k] != v {
			t.Errorf("%s = %v, want %v", k, o[k], v)
		}
	}
}

func TestDrift(t *testing.T) {
	coins, skipped, err := DecodeCoins([]byte(`{"data":[
	  {"id":2,"symbol":"eth","name":"<b>Ether</b>\u0007","market_cap_rank":"2","galaxy_score":"70.5","alt_rank":{},"social_dominance":150,"interactions_24h":null,"categories":["layer-1","Layer 1"," defi "]},
	  {"id":9,"symbol":"ETH","name":"Fake Ether","market_cap_rank":900,"categories":null},
	  {"id":3,"symbol":"","name":"no symbol"},
	  17
	]}`))
	if err != nil || skipped != 2 || len(coins) != 2 {
		t.Fatalf("%+v %d %v", coins, skipped, err)
	}
	b := CoinsBatch(cw.Provenance{ID: SourceCoins}, coins, fetchDay)
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	ents := sourcetest.EntMap(b)
	if ents["asset:eth"].Name != "<b>Ether</b>" || strings.Join(ents["asset:eth"].Tags, ",") != "lc:defi,lc:layer-1" || ents["asset:eth-lc-9"].Name != "Fake Ether" {
		t.Errorf("%+v", ents)
	}
	if o := sourcetest.ObsMap(b); len(o) != 1 || o["asset:eth galaxy_score 2026-01-11"] != 70.5 {
		t.Errorf("%v", o) // object alt_rank, >100 dominance and null interactions dropped
	}
	// Topics that normalise to one key keep the better rank.
	topics, _, err := DecodeTopics([]byte(`{"data":[{"topic":"Solana ","title":"Solana","topic_rank":9},{"topic":"solana","title":"dup","topic_rank":"4"},{"title":"no topic"}]}`))
	if err != nil || len(topics) != 2 {
		t.Fatal(topics, err)
	}
	tb := TopicsBatch(cw.Provenance{ID: SourceTopics}, topics, fetchDay)
	if len(tb.Entities) != 1 || tb.Entities[0].Name != "dup" || sourcetest.ObsMap(tb)["topic:solana topic_rank 2026-01-11"] != 4 {
		t.Errorf("%+v", tb)
	}
	for _, tc := range []struct{ body, want string }{
		{`{"error":"Your plan does not include this endpoint"}`, "API error: Your plan does not include this endpoint"},
		{`{"data":null}`, "no data array"},
		{`{"data":{"topic":"x"}}`, "data: body is not a JSON array"},
		{`[1,2]`, "body is not a JSON object"},
		{`{"data":[{"topic":"bit`, "body is not a JSON object"},
	} {
		if _, _, err := DecodeTopics([]byte(tc.body)); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "lunarcrush: ") {
			t.Errorf("%s: %v", tc.body, err)
		}
	}
}

func routes(t *testing.T) map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"/api4/public/category/cryptocurrencies/topics/v1": sourcetest.JSON(sourcetest.Fixture(t, "lunarcrush-topics-list.json")),
		"/api4/public/topics/list/v1": func(w http.ResponseWriter, r *http.Request) {
			t.Error("the global (not crypto-only) topics list was requested")
		},
		"/api4/public/coins/list/v2": func(w http.ResponseWriter, r *http.Request) {
			if q := r.URL.Query(); q.Get("sort") != "market_cap_rank" || q.Get("limit") != "1000" {
				t.Errorf("query %s", r.URL.RawQuery)
			}
			sourcetest.JSON(sourcetest.Fixture(t, "lunarcrush-coins-list-v2.json"))(w, r)
		},
	}
}

func TestFetch(t *testing.T) {
	const tp = "/api4/public/category/cryptocurrencies/topics/v1"
	const cp = "/api4/public/coins/list/v2"
	for _, tc := range []struct {
		name    string
		path    string
		faults  []http.HandlerFunc
		timeout time.Duration
		wantErr string
		check   func(*testing.T, *env, []cw.Batch)
	}{
		{name: "replay", check: func(t *testing.T, e *env, bs []cw.Batch) {
			if len(bs) != 2 || bs[0].Source.ID != SourceTopics || bs[1].Source.ID != SourceCoins || len(bs[0].Observations) != 6 || len(bs[1].Observations) != 4 {
				t.Fatalf("%+v", bs)
			}
			for _, b := range bs {
				if b.Source.Provider != "LunarCrush" || !b.Source.FetchedAt.Equal(fetchDay) || strings.Contains(b.Source.Location, secretKey) {
					t.Errorf("%+v", b.Source)
				}
			}
			for _, r := range e.Srv.Seen {
				if r.Header.Get("Authorization") != "Bearer "+secretKey {
					t.Errorf("auth header %q", r.Header.Get("Authorization"))
				}
			}
		}},
		{name: "429 Retry-After", path: cp, faults: []http.HandlerFunc{sourcetest.Status(429, `{"error":"Too many requests"}`, "Retry-After", "12")},
			check: func(t *testing.T, e *env, bs []cw.Batch) {
				if len(e.Sleeps) != 1 || e.Sleeps[0] != 12*time.Second {
					t.Errorf("%v", e.Sleeps)
				}
			}},
		{name: "500 then success", path: tp, faults: []http.HandlerFunc{sourcetest.Status(500, "x"), sourcetest.Status(503, "y")}},
		{name: "truncated then success", path: tp, faults: []http.HandlerFunc{truncated}},
		{name: "timeout", path: cp, faults: []http.HandlerFunc{sourcetest.Hang, sourcetest.Hang, sourcetest.Hang, sourcetest.Hang}, timeout: 40 * time.Millisecond, wantErr: "timed out"},
		{name: "401 echoing the key", path: tp, faults: []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
			sourcetest.Status(401, `{"error":"invalid token `+r.Header.Get("Authorization")+`"}`)(w, r)
		}}, wantErr: "lunarcrush: /api4/public/category/cryptocurrencies/topics/v1: HTTP 401"},
		{name: "200 with error body", path: cp, faults: []http.HandlerFunc{sourcetest.JSON([]byte(`{"error":"key ` + secretKey + ` is not subscribed"}`))},
			wantErr: "API error: key REDACTED is not subscribed"},
		{name: "schema drift", path: cp, faults: []http.HandlerFunc{sourcetest.JSON([]byte(`{"config":{},"data":[{"id":"1","symbol":"btc","galaxy_score":"61.2","alt_rank":"212","social_dominance":{"x":1},"categories":7}]}`))},
			check: func(t *testing.T, e *env, bs []cw.Batch) {
				if o := sourcetest.ObsMap(bs[1]); len(o) != 2 || o["asset:btc alt_rank 2026-01-11"] != 212 {
					t.Errorf("%v", o)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, routes(t))
			if tc.path != "" {
				e.Srv.Faults[tc.path] = tc.faults
			}
			timeout := tc.timeout
			if timeout == 0 {
				timeout = time.Second
			}
			s, err := New(e.Client(timeout, 3), Options{BaseURL: e.TS.URL, Key: secretKey})
			if err != nil {
				t.Fatal(err)
			}
			var _ cw.Source = s
			bs, err := s.Fetch(context.Background(), time.Time{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), secretKey) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			} else {
				for _, b := range bs {
					if err := b.Validate(); err != nil {
						t.Error(err)
					}
				}
				if tc.check != nil {
					tc.check(t, e, bs)
				}
			}
			sourcetest.AssertNoSecretInArchive(t, e.Archive, secretKey)
		})
	}
}

func TestNew(t *testing.T) {
	if _, err := New(httpx.New(httpx.Options{}), Options{}); !errors.Is(err, ErrNoKey) {
		t.Error(err)
	}
	s, err := New(httpx.New(httpx.Options{}), Options{Key: "k"})
	if err != nil || s.o.BaseURL != Base || s.Name() != "lunarcrush" || s.o.CoinsLimit != 1000 {
		t.Error(s, err)
	}
}

func checkBatch(t *testing.T, b cw.Batch) {
	t.Helper()
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, e := range b.Entities {
		for _, s := range append([]string{e.ID, e.Name, e.Symbol}, e.Tags...) {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\n\r\t") {
				t.Fatalf("unclean text %q", s)
			}
		}
	}
}

func FuzzDecodeTopics(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "lunarcrush-topics-list.json"))
	f.Add([]byte(`{"data":[{"topic":"a b","topic_rank":1},{"topic":"A  B","topic_rank":"1"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		topics, _, err := DecodeTopics(body)
		if err != nil {
			return
		}
		checkBatch(t, TopicsBatch(cw.Provenance{ID: SourceTopics}, topics, fetchDay))
	})
}

func FuzzDecodeCoins(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "lunarcrush-coins-list-v2.json"))
	f.Add([]byte(`{"data":[{"id":1,"symbol":"a"},{"id":1,"symbol":"A"},{"id":"x","symbol":"a-lc-1"},{"id":1,"symbol":"a"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		coins, _, err := DecodeCoins(body)
		if err != nil {
			return
		}
		checkBatch(t, CoinsBatch(cw.Provenance{ID: SourceCoins}, coins, fetchDay))
	})
}
