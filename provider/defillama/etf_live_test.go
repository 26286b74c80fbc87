package defillama

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

const proKey = "4b4fd225f408d49fSECRETc984ca64fad9d948bbaa1833"

// The fixtures' snapshot was taken on Saturday 2026-04-11 at 09:12 UTC: the last complete
// trading day is Friday 2026-04-10.
var etfFetch = time.Date(2026, 4, 11, 9, 30, 0, 0, time.UTC)

func etfRoutes(t *testing.T) map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"/" + proKey + "/etfs/flows":    sourcetest.JSON(sourcetest.Fixture(t, "defillama-etfs-flows.json")),
		"/" + proKey + "/etfs/snapshot": sourcetest.JSON(sourcetest.Fixture(t, "defillama-etfs-snapshot.json")),
	}
}

func TestETFFixtures(t *testing.T) {
	flows, skipped, err := DecodeETFFlows(sourcetest.Fixture(t, "defillama-etfs-flows.json"))
	if err != nil || len(skipped) != 0 || len(flows) != 15 {
		t.Fatalf("%d flows, skipped %v, %v", len(flows), skipped, err)
	}
	snaps, skipped, err := DecodeETFSnapshot(sourcetest.Fixture(t, "defillama-etfs-snapshot.json"))
	if err != nil || len(skipped) != 0 || len(snaps) != 27 {
		t.Fatalf("%d funds, skipped %v, %v", len(snaps), skipped, err)
	}
	fb := ETFFlowsBatch(flows, nil, "loc", etfFetch)
	sb := ETFSnapshotBatch(snaps, nil, flows, "loc", etfFetch)
	for _, b := range []cw.Batch{fb, sb} {
		if err := b.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	o := sourcetest.ObsMap(fb)
	for k, v := range map[string]float64{
		"index:spot-etf-btc etf_flow_usd 2026-04-06": 471.4e6, "index:spot-etf-eth etf_flow_usd 2026-04-10": 64.9e6,
		"index:spot-etf-sol etf_flow_usd 2026-04-07": -15.3e6, "index:spot-etf-sol etf_flow_usd 2026-04-09": 0,
	} {
		if got, ok := o[k]; !ok || got != v {
			t.Errorf("%s = %v (%v), want %v", k, got, ok, v)
		}
	}
	// Each asset's funds add up to its 2026-04-10 total, so their flows are that day's.
	o = sourcetest.ObsMap(sb)
	for k, v := range map[string]float64{
		"fund:ibit etf_flow_usd 2026-04-10": 137.6e6, "fund:feth etf_flow_usd 2026-04-10": -0.6e6, "fund:bsol etf_flow_usd 2026-04-10": 11.5e6,
		"fund:gbtc etf_flow_usd 2026-04-10": 0, "fund:ibit etf_aum_usd 2026-04-11": 53052862464,
	} {
		if got, ok := o[k]; !ok || got != v {
			t.Errorf("%s = %v (%v), want %v", k, got, ok, v)
		}
	}
	if _, ok := o["fund:bsol etf_aum_usd 2026-04-11"]; ok {
		t.Error("BSOL's null AUM became a value")
	}
	if n := len(sb.Observations); n != 27+23 {
		t.Errorf("%d snapshot observations, want 27 flows and 23 AUMs (BSOL, FSOL, ETHB and TETH have none)", n)
	}
	ibit := sourcetest.EntMap(sb)["fund:ibit"]
	if ibit.Parent != "asset:btc" || ibit.Name != "IBIT" || ibit.Attrs["fund_name"] != "iShares Bitcoin Trust" || ibit.Attrs["fee_pct"] != "0.25" || ibit.Attrs["custodian"] != "Coinbase" {
		t.Errorf("IBIT %+v", ibit)
	}
	if !strings.Contains(sb.Source.Note, "Fund flows stored: BTC on 2026-04-10, ETH on 2026-04-10, SOL on 2026-04-10.") {
		t.Errorf("note %q", sb.Source.Note)
	}
}

// The fetch day's row is not complete yet and is not stored; a snapshot whose funds do not add
// up to the latest day's total keeps its AUM but not its flows, and says why.
func TestETFDating(t *testing.T) {
	flows := []ETFFlow{
		{"btc", cw.Day(etfFetch).AddDate(0, 0, -2), 100e6},
		{"btc", cw.Day(etfFetch).AddDate(0, 0, -1), 40e6},
		{"btc", cw.Day(etfFetch), 7e6},
		{"eth", cw.Day(etfFetch).AddDate(0, 0, -1), 10e6},
	}
	v := func(f float64) *float64 { return &f }
	snaps := []ETFSnap{
		{Ticker: "IBIT", Asset: "btc", At: etfFetch, Flows: v(30e6), AUM: v(5e10)},
		{Ticker: "FBTC", Asset: "btc", At: etfFetch, Flows: v(10.04e6)},
		{Ticker: "ETHA", Asset: "eth", At: etfFetch, Flows: v(9e6), AUM: v(6e9)},
		{Ticker: "BSOL", Asset: "sol", At: etfFetch, Flows: v(1e6)},
	}
	fb := ETFFlowsBatch(flows, []string{"2 rows of stellar (no asset key)"}, "loc", etfFetch)
	if len(fb.Observations) != 3 || !strings.Contains(fb.Source.Note, "1 rows dated on the fetch day or later") || !strings.Contains(fb.Source.Note, "stellar") {
		t.Errorf("flows %+v", fb)
	}
	sb := ETFSnapshotBatch(snaps, nil, flows, "loc", etfFetch)
	o := sourcetest.ObsMap(sb)
	if o["fund:ibit etf_flow_usd 2026-04-10"] != 30e6 || o["fund:fbtc etf_flow_usd 2026-04-10"] != 10.04e6 {
		t.Errorf("BTC funds within rounding of the 2026-04-10 total not stored: %v", o)
	}
	if _, ok := o["fund:etha etf_flow_usd 2026-04-10"]; ok || o["fund:etha etf_aum_usd 2026-04-11"] != 6e9 {
		t.Errorf("ETH: %v", o)
	}
	for _, want := range []string{"ETH (funds add up to 9000000, the 2026-04-10 total is 10000000)", "SOL (no /etfs/flows day to match)"} {
		if !strings.Contains(sb.Source.Note, want) {
			t.Errorf("note %q lacks %q", sb.Source.Note, want)
		}
	}
}

func TestETFDecodeErrors(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"not an array", `{"error":"invalid api key"}`, "want a JSON array"},
		{"malformed", `[{"gecko_id":"bitcoin","day":"2024-01-11T00:00:00.000Z","total_flow_usd":6553`, "/etfs/flows"},
		{"missing flow", `[{"gecko_id":"bitcoin","day":"2024-01-11T00:00:00.000Z"}]`, "field [0].total_flow_usd: missing"},
		{"renamed day", `[{"gecko_id":"bitcoin","date":"2024-01-11","total_flow_usd":1}]`, "field [0].day: missing"},
		{"NaN string", `[{"gecko_id":"bitcoin","day":"2024-01-11","total_flow_usd":"NaN"}]`, "[0].total_flow_usd: not a finite number"},
		{"text", `[{"gecko_id":"bitcoin","day":"2024-01-11","total_flow_usd":"12abc"}]`, "[0].total_flow_usd: not a number"},
		{"object", `[{"gecko_id":"bitcoin","day":"2024-01-11","total_flow_usd":{"usd":1}}]`, "[0].total_flow_usd: want a number"},
		{"intraday", `[{"gecko_id":"bitcoin","day":"2024-01-11T14:00:00Z","total_flow_usd":1}]`, "not a UTC midnight"},
		{"day as a number", `[{"gecko_id":"bitcoin","day":1704931200,"total_flow_usd":1}]`, "want an ISO day string"},
		{"conflict", `[{"gecko_id":"bitcoin","day":"2024-01-11","total_flow_usd":1},{"gecko_id":"bitcoin","day":"2024-01-11T00:00:00Z","total_flow_usd":2}]`, "two flows on 2024-01-11"},
		{"unit error", `[{"gecko_id":"bitcoin","day":"2024-01-11","total_flow_usd":6.553e14}]`, "plausible range"},
		{"no asset", `[{"gecko_id":null,"day":"2024-01-11","total_flow_usd":1}]`, "[0].gecko_id"},
	} {
		_, _, err := DecodeETFFlows([]byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "defillama: /etfs/flows") {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// Nulls are no value, new assets are left out and named, a repeated identical row is one.
	rows, skipped, err := DecodeETFFlows([]byte(`[{"gecko_id":"bitcoin","day":"2024-01-11","total_flow_usd":null},{"gecko_id":"stellar","day":"2024-01-11","total_flow_usd":5},
		{"gecko_id":"bitcoin","day":"2024-01-12","total_flow_usd":"203000000"},{"gecko_id":"bitcoin","day":"2024-01-12T00:00:00.000Z","total_flow_usd":203000000}]`))
	if err != nil || len(rows) != 1 || rows[0].USD != 203e6 || strings.Join(skipped, "; ") != "1 rows of stellar (no asset key); 1 null flows" {
		t.Errorf("%+v %v %v", rows, skipped, err)
	}
	for _, c := range []struct{ name, body, want string }{
		{"no ticker", `[{"timestamp":1775898724,"asset":"bitcoin","flows":1,"aum":1}]`, "[0].ticker: missing"},
		{"no aum field", `[{"ticker":"IBIT","timestamp":1775898724,"asset":"bitcoin","flows":1}]`, "[0].aum: missing"},
		{"ticker with a newline", `[{"ticker":"IB\nIT x","timestamp":1775898724,"asset":"bitcoin","flows":1,"aum":1}]`, "[0].ticker"},
		{"negative aum", `[{"ticker":"IBIT","timestamp":1775898724,"asset":"bitcoin","flows":1,"aum":-5}]`, "[0].aum"},
		{"flows NaN", `[{"ticker":"IBIT","timestamp":1775898724,"asset":"bitcoin","flows":"NaN","aum":1}]`, "[0].flows: not a finite number"},
		{"timestamp text", `[{"ticker":"IBIT","timestamp":"yesterday","asset":"bitcoin","flows":1,"aum":1}]`, "[0].timestamp"},
		{"twice", `[{"ticker":"IBIT","timestamp":1775898724,"asset":"bitcoin","flows":1,"aum":1},{"ticker":"ibit","timestamp":1775898724,"asset":"bitcoin","flows":1,"aum":1}]`, "listed twice"},
	} {
		_, _, err := DecodeETFSnapshot([]byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "defillama: /etfs/snapshot") {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// Names are data: markup stays as inert text for the renderers to escape.
	snaps, skipped, err := DecodeETFSnapshot([]byte(`[{"ticker":"IBIT","timestamp":1775898724,"asset":"bitcoin","etf_name":"<img src=x onerror=alert(1)>","flows":null,"aum":null},
		{"ticker":"XRPZ","timestamp":1775898724,"asset":"stellar","flows":1,"aum":1}]`))
	if err != nil || len(snaps) != 1 || snaps[0].Name != "<img src=x onerror=alert(1)>" || snaps[0].Flows != nil || len(skipped) != 1 {
		t.Errorf("%+v %v %v", snaps, skipped, err)
	}
}

func TestETFFetch(t *testing.T) {
	const fp, sp = "/" + proKey + "/etfs/flows", "/" + proKey + "/etfs/snapshot"
	for _, tc := range []struct {
		name    string
		path    string
		faults  []http.HandlerFunc
		wantErr string
		check   func(*testing.T, *sourcetest.Env, []cw.Batch)
	}{
		{name: "replay", check: func(t *testing.T, e *sourcetest.Env, bs []cw.Batch) {
			if len(bs) != 2 || bs[0].Source.ID != SourceETFFlows || bs[1].Source.ID != SourceETFSnapshot || len(bs[0].Observations) != 15 || len(bs[1].Observations) != 50 {
				t.Fatalf("%d batches", len(bs))
			}
			for _, b := range bs {
				if !strings.Contains(b.Source.Location, "/REDACTED/etfs/") || !b.Source.FetchedAt.Equal(etfFetch) {
					t.Errorf("%+v", b.Source)
				}
			}
		}},
		{name: "429 with Retry-After", path: sp, faults: []http.HandlerFunc{sourcetest.Status(429, `{"message":"Too many requests"}`, "Retry-After", "7")},
			check: func(t *testing.T, e *sourcetest.Env, bs []cw.Batch) {
				if len(e.Sleeps) != 1 || e.Sleeps[0] != 7*time.Second {
					t.Errorf("sleeps %v", e.Sleeps)
				}
			}},
		{name: "5xx then success", path: fp, faults: []http.HandlerFunc{sourcetest.Status(502, "bad gateway"), sourcetest.Status(500, "x")}},
		{name: "5xx to the end: nothing", path: sp, faults: []http.HandlerFunc{sourcetest.Status(500, "a"), sourcetest.Status(500, "b"), sourcetest.Status(500, "c"), sourcetest.Status(500, "d")},
			wantErr: "defillama-pro: /etfs/snapshot: HTTP 500"},
		{name: "key refused, message shown", path: fp, faults: []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
			sourcetest.Status(401, `{"message":"API key `+strings.Split(r.URL.Path, "/")[1]+` is not valid"}`)(w, r)
		}}, wantErr: "HTTP 401 from http://"},
		{name: "malformed JSON", path: fp, faults: []http.HandlerFunc{sourcetest.JSON([]byte(`[{"gecko_id":"bitcoin","day":`))}, wantErr: "defillama: /etfs/flows"},
		{name: "schema drift", path: sp, faults: []http.HandlerFunc{sourcetest.JSON([]byte(`{"data":[]}`))}, wantErr: "/etfs/snapshot: want a JSON array"},
		{name: "NaN", path: fp, faults: []http.HandlerFunc{sourcetest.JSON([]byte(`[{"gecko_id":"bitcoin","day":"2026-04-10","total_flow_usd":"NaN"}]`))}, wantErr: "not a finite number"},
		{name: "truncated then success", path: sp, faults: []http.HandlerFunc{sourcetest.Truncated(`[{"ticker":"IBIT",`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := sourcetest.NewEnv(t, sourcetest.NewServer(etfRoutes(t)), etfFetch)
			if tc.path != "" {
				e.Srv.Faults[tc.path] = tc.faults
			}
			s, err := NewPro(e.Client(30*time.Second, 3), ProOptions{BaseURL: e.TS.URL, Key: proKey})
			if err != nil {
				t.Fatal(err)
			}
			var _ cw.Source = s
			bs, err := s.Fetch(context.Background(), time.Time{})
			if tc.wantErr != "" {
				// All or nothing: a failed route leaves no batch to commit.
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || bs != nil {
					t.Fatalf("err %v, batches %d, want %q and none", err, len(bs), tc.wantErr)
				}
				sourcetest.AssertNoSecret(t, err, proKey)
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
			sourcetest.AssertNoSecretInArchive(t, e.Archive, proKey)
		})
	}
}

func TestNewPro(t *testing.T) {
	c := httpx.New(httpx.Options{})
	if _, err := NewPro(c, ProOptions{Key: "  "}); !errors.Is(err, ErrNoProKey) {
		t.Error(err)
	}
	if _, err := NewPro(c, ProOptions{Key: "abc/def"}); err == nil || strings.Contains(err.Error(), "abc/def") {
		t.Errorf("a key with a slash: %v", err)
	}
	s, err := NewPro(c, ProOptions{Key: " k123 "})
	if err != nil || s.o.BaseURL != ProBase || s.o.Key != "k123" || s.Name() != ProName {
		t.Error(s, err)
	}
	// Without a key the provider is skipped with its reason, and the keyless one is untouched.
	p, ok := cw.ProviderByName(ProName)
	if !ok {
		t.Fatal("not registered")
	}
	src, note, err := p.New(cw.ProviderEnv{Client: c, Getenv: func(string) string { return "" }})
	if src != nil || err != nil || !strings.Contains(note, ProEnvKey) {
		t.Errorf("no key: %v %q %v", src, note, err)
	}
	src, _, err = p.New(cw.ProviderEnv{Client: c, ConfigJSON: []byte(`{"keys":{"defillama_pro":"fromfile"}}`), Getenv: func(string) string { return "" }})
	if err != nil || src.(*ProSource).o.Key != "fromfile" {
		t.Errorf("config key: %v %v", src, err)
	}
}

func FuzzDecodeETFFlows(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "defillama-etfs-flows.json"))
	f.Add([]byte(`[{"gecko_id":"bitcoin","day":"2024-01-11","total_flow_usd":"1e3"},{"gecko_id":"Solana","day":"2026-01-12T00:00:00.000Z","total_flow_usd":null}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rows, _, err := DecodeETFFlows(body)
		checkBatch(t, ETFFlowsBatch(rows, nil, "loc", etfFetch), err, false)
	})
}

func FuzzDecodeETFSnapshot(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "defillama-etfs-snapshot.json"))
	f.Add([]byte(`[{"ticker":"IBIT","timestamp":"1775898724000","asset":"bitcoin","flows":"5","aum":null,"pct_fee":"x"}]`))
	flows, _, _ := DecodeETFFlows(sourcetest.Fixture(f, "defillama-etfs-flows.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		snaps, _, err := DecodeETFSnapshot(body)
		checkBatch(t, ETFSnapshotBatch(snaps, nil, flows, "loc", etfFetch), err, false)
	})
}
