package fred

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/familytest"
	"cryptoweekly/internal/sourcetest"
)

func TestBundledSeries(t *testing.T) {
	raw := familytest.Raw(t)
	bs, err := familytest.Parse(t, raw, dirJonsflow)
	if err != nil {
		t.Fatal(err)
	}
	// CPIAUCSL.csv: 2024-11-01,316.528 and 2023-11-01,308.148 (YoY 2.7%).
	familytest.Want(t, bs, CPI.Entity, string(MetricPriceIndex), "2024-11-01", 316.528, 0)
	familytest.Want(t, bs, CPI.Entity, string(MetricPriceIndex), "2023-11-01", 308.148, 0)
	familytest.Want(t, bs, TargetUp.Entity, string(MetricRatePct), "2024-12-13", 4.75, 0)
	familytest.Want(t, bs, TargetLow.Entity, string(MetricRatePct), "2024-12-19", 4.25, 0)
	// October 2025 CPI was never published: no observation, not a zero.
	if _, ok := familytest.Obs(t, bs, CPI.Entity, string(MetricPriceIndex), "2025-10-01"); ok {
		t.Error("a CPI for October 2025 appeared")
	}
	// The cache extends the CSVs (CPIAUCSL.csv stops at 2026-04-01; the cache reaches 2026-07-01).
	familytest.Want(t, bs, CPI.Entity, string(MetricPriceIndex), "2026-07-01", 332.813, 0)
	// Nothing before the store's first day.
	if _, ok := familytest.Obs(t, bs, Payrolls.Entity, string(MetricEmployeesK), "2008-12-01"); ok {
		t.Error("a payrolls value before 2009 was kept")
	}
	// fred_cache.json: WALCL 6,897,485 (millions) on Wednesday 2024-12-11, ICSA 238,000 for the
	// week ending Saturday 2024-12-07, the 10-year at 4.40% on 2024-12-13.
	familytest.Want(t, bs, FedAssets.Entity, string(MetricUSDBn), "2024-12-11", 6897.485, 0)
	familytest.Want(t, bs, InitialClaims.Entity, string(MetricPersons), "2024-12-07", 238000, 0)
	familytest.Want(t, bs, Treasury10Y.Entity, string(MetricRatePct), "2024-12-13", 4.4, 0)
	ps, err := familytest.Parse(t, raw, dirPCEPI)
	if err != nil {
		t.Fatal(err)
	}
	// PCEPI.csv: 2024-11-01,123.9xx; 1995 is before the store's first day.
	if _, ok := familytest.Obs(t, ps, PCE.Entity, string(MetricPriceIndex), "1995-01-01"); ok {
		t.Error("a PCE value from 1995 was kept")
	}
	if _, ok := familytest.Obs(t, ps, PCE.Entity, string(MetricPriceIndex), "2024-11-01"); !ok {
		t.Error("no PCE for November 2024")
	}
}

// cacheOK holds every series the family reads: real points of fred_cache.json for CPI, WALCL
// (millions), ICSA and VIXCLS, and a null (FRED's missing value).
const cacheOK = `{"fetched_at":"2026-08-21T20:43:22Z","series":{"CPIAUCSL":[["2024-11-01",316.528],["2024-12-01",317.603]],"CPILFESL":[],"PCEPILFE":[],"PAYEMS":[],"UNRATE":[],"DFEDTARU":[],"DFEDTARL":[],` +
	`"EFFR":[["2024-12-13",4.58]],"DGS10":[["2024-12-13",4.4],["2024-12-16",null]],"T10Y2Y":[["2024-12-13",0.15],["2022-07-13",-0.22]],"T10YIE":[],"VIXCLS":[["2024-12-13",13.81]],"BAMLH0A0HYM2":[],` +
	`"WALCL":[["2024-12-11",6897485.0]],"RRPONTSYD":[["2024-12-13",135.777]],"ICSA":[["2024-12-07",238000.0]]}}`

func jonsFS(cpi, cache string) fstest.MapFS {
	m := fstest.MapFS{dirJonsflow + "/fred_cache.json": {Data: []byte(cache)}}
	for _, x := range jonsSeries {
		m[dirJonsflow+"/"+x.ID+".csv"] = &fstest.MapFile{Data: []byte("Date,Value\n2024-11-01,1.5\n")}
	}
	m[dirJonsflow+"/CPIAUCSL.csv"] = &fstest.MapFile{Data: []byte(cpi)}
	return m
}

func TestMerge(t *testing.T) {
	// "." is FRED's missing value: skipped. The cache overrides the overlapping month with its
	// later vintage and extends the series.
	bs, err := familytest.Parse(t, jonsFS("Date,Value\n2024-10-01,315.631\n2024-11-01,316.5\n2025-10-01,.\n", cacheOK), dirJonsflow)
	if err != nil {
		t.Fatal(err)
	}
	familytest.Want(t, bs, CPI.Entity, string(MetricPriceIndex), "2024-10-01", 315.631, 0)
	familytest.Want(t, bs, CPI.Entity, string(MetricPriceIndex), "2024-11-01", 316.528, 0)
	familytest.Want(t, bs, CPI.Entity, string(MetricPriceIndex), "2024-12-01", 317.603, 0)
	if _, ok := familytest.Obs(t, bs, CPI.Entity, string(MetricPriceIndex), "2025-10-01"); ok {
		t.Error(`"." became a value`)
	}
	// The market series come from the cache alone, on their observation days; WALCL is stored in
	// billions, a negative curve is a value like any other, null is no value.
	familytest.Want(t, bs, FedAssets.Entity, string(MetricUSDBn), "2024-12-11", 6897.485, 0)
	familytest.Want(t, bs, InitialClaims.Entity, string(MetricPersons), "2024-12-07", 238000, 0)
	familytest.Want(t, bs, Curve10Y2Y.Entity, string(MetricSpreadPct), "2022-07-13", -0.22, 0)
	familytest.Want(t, bs, VIX.Entity, string(MetricVolIndex), "2024-12-13", 13.81, 0)
	familytest.Want(t, bs, EFFR.Entity, string(MetricRatePct), "2024-12-13", 4.58, 0)
	if _, ok := familytest.Obs(t, bs, Treasury10Y.Entity, string(MetricRatePct), "2024-12-16"); ok {
		t.Error("a null DGS10 became a value")
	}
	if e, ok := familytest.Entity(bs, FedAssets.Entity); !ok || e.Attrs["fred_id"] != "WALCL" {
		t.Errorf("WALCL entity %+v", e)
	}
}

func TestBadFiles(t *testing.T) {
	for _, c := range []struct {
		name, cpi, cache string
		want             []string
	}{
		{"not a number", "Date,Value\n2024-11-01,31x.5\n", cacheOK, []string{"CPIAUCSL.csv", "Value", "31x.5"}},
		{"thousands separator", "Date,Value\n2024-11-01,\"1,316.5\"\n", cacheOK, []string{"CPIAUCSL.csv", "Value"}},
		{"bad date", "Date,Value\n11/01/2024,316.5\n", cacheOK, []string{"CPIAUCSL.csv", "Date"}},
		{"schema drift: renamed column", "observation_date,CPIAUCSL\n2024-11-01,316.5\n", cacheOK, []string{"CPIAUCSL.csv", "Date"}},
		{"duplicate month", "Date,Value\n2024-11-01,316.5\n2024-11-01,316.6\n", cacheOK, []string{"CPIAUCSL.csv", "duplicate"}},
		{"implausible", "Date,Value\n2024-11-01,3.2e7\n", cacheOK, []string{"CPIAUCSL.csv", "price_index"}},
		{"header only", "Date,Value\n", cacheOK, []string{"CPIAUCSL.csv", "no data rows"}},
		{"cache value a string", "Date,Value\n2024-11-01,316.5\n", strings.Replace(cacheOK, "317.603", `"317.603"`, 1), []string{"fred_cache.json", "CPIAUCSL", "value"}},
		{"cache series missing", "Date,Value\n2024-11-01,316.5\n", strings.Replace(cacheOK, `"UNRATE":[],`, "", 1), []string{"fred_cache.json", "UNRATE"}},
		{"cache not JSON", "Date,Value\n2024-11-01,316.5\n", `{"fetched_at":`, []string{"fred_cache.json"}},
		{"cache without fetched_at", "Date,Value\n2024-11-01,316.5\n", strings.Replace(cacheOK, `"fetched_at":"2026-08-21T20:43:22Z",`, "", 1), []string{"fred_cache.json", "fetched_at"}},
		{"market series missing", "Date,Value\n2024-11-01,316.5\n", strings.Replace(cacheOK, `"ICSA":[["2024-12-07",238000.0]]`, `"ICSB":[]`, 1), []string{"fred_cache.json", "series ICSA missing"}},
		{"market value NaN", "Date,Value\n2024-11-01,316.5\n", strings.Replace(cacheOK, "13.81", `"NaN"`, 1), []string{"fred_cache.json", "VIXCLS", "value"}},
		{"market value implausible", "Date,Value\n2024-11-01,316.5\n", strings.Replace(cacheOK, "13.81", "1e300", 1), []string{"fred_cache.json", "VIXCLS", "vol_index"}},
		{"market duplicate day", "Date,Value\n2024-11-01,316.5\n", strings.Replace(cacheOK, `"EFFR":[["2024-12-13",4.58]]`, `"EFFR":[["2024-12-13",4.58],["2024-12-13",4.59]]`, 1), []string{"fred_cache.json", "EFFR", "duplicate day 2024-12-13"}},
		// A day twice in one cache series, the CSV holding it or not, is refused, never last-wins.
		{"cache duplicate day over the CSV", "Date,Value\n2024-11-01,316.5\n", strings.Replace(cacheOK, `["2024-11-01",316.528]`, `["2024-11-01",316.528],["2024-11-01",999.9]`, 1), []string{"fred_cache.json", "CPIAUCSL", "2024-11-01 listed twice"}},
		{"cache duplicate day", "Date,Value\n2024-11-01,316.5\n", strings.Replace(cacheOK, `["2024-12-01",317.603]`, `["2024-12-01",317.603],["2024-12-01",999.9]`, 1), []string{"fred_cache.json", "CPIAUCSL", "2024-12-01 listed twice"}},
		{"market date not a day", "Date,Value\n2024-11-01,316.5\n", strings.Replace(cacheOK, `["2024-12-07",238000.0]`, `["12/07/2024",238000.0]`, 1), []string{"fred_cache.json", "ICSA", "date"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := familytest.Parse(t, jonsFS(c.cpi, c.cache), dirJonsflow)
			familytest.Err(t, err, c.want...)
		})
	}
	// PCEPI's own header.
	_, err := familytest.Parse(t, fstest.MapFS{dirPCEPI + "/PCEPI.csv": {Data: []byte("date,value\n2024-11-01,123.9\n")}}, dirPCEPI)
	familytest.Err(t, err, "PCEPI.csv", "PCEPI")
}

// moltovyMeta is the real DFF row of fred_series_metadata.csv (its notes cut short).
const moltovyMeta = "id,title,units,frequency,seasonal_adjustment,observation_start,observation_end,last_updated,notes,category,freq_tag,file,project_note\n" +
	`DFF,Federal Funds Effective Rate,%,"Daily, 7-Day",NSA,1954-07-01,2026-04-16,2026-04-17 15:16:44-05,"Daily Federal Funds Rate from 1928-1954 (https://fraser.stlouisfed.org/).",rates_policy,daily,DFF__daily.csv,Effective fed funds.` + "\n"

func moltovyFS(meta, dff string) fstest.MapFS {
	return fstest.MapFS{dirMoltovy + "/fred_series_metadata.csv": {Data: []byte(meta)}, dirMoltovy + "/DFF__daily.csv": {Data: []byte(dff)}}
}

func TestMoltovy(t *testing.T) {
	raw := familytest.Raw(t)
	bs, err := familytest.Parse(t, raw, dirMoltovy)
	if err != nil {
		t.Fatal(err)
	}
	// DFF__daily.csv: 4.58 on Friday 2024-12-13 and Saturday 2024-12-14 (the weekend carries
	// Friday's rate); 2009-01-02 is before the store's first day.
	familytest.Want(t, bs, FedFundsDaily.Entity, string(MetricRatePct), "2024-12-14", 4.58, 0)
	familytest.Want(t, bs, FedFundsDaily.Entity, string(MetricRatePct), "2009-01-03", 0.08, 0)
	if _, ok := familytest.Obs(t, bs, FedFundsDaily.Entity, string(MetricRatePct), "2009-01-02"); ok {
		t.Error("a DFF value before 2009-01-03 was kept")
	}
	if got := bs[0].Source.FetchedAt.Format("2006-01-02"); got != "2026-04-17" {
		t.Errorf("vintage %s, want the metadata's last_updated 2026-04-17", got)
	}

	good := "date,value\n2024-12-13,4.58\n2024-12-14,4.58\n2024-12-15,4.58\n"
	if _, err := familytest.Parse(t, moltovyFS(moltovyMeta, good), dirMoltovy); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, meta, dff string
		want            []string
	}{
		{"bad number", moltovyMeta, strings.Replace(good, "2024-12-14,4.58", "2024-12-14,4.5.8", 1), []string{"DFF__daily.csv:3", "value", "4.5.8"}},
		{"missing day", moltovyMeta, strings.Replace(good, "2024-12-14,4.58\n", "", 1), []string{"DFF__daily.csv", "gap", "2024-12-14"}},
		{"duplicate day", moltovyMeta, good + "2024-12-15,4.59\n", []string{"DFF__daily.csv:5", "duplicate day 2024-12-15"}},
		{"renamed column", moltovyMeta, strings.Replace(good, "value", "DFF", 1), []string{"DFF__daily.csv", "value"}},
		{"implausible", moltovyMeta, strings.Replace(good, "2024-12-14,4.58", "2024-12-14,458", 1), []string{"DFF__daily.csv:3", "rate_pct"}},
		// Rows before 2009 are not kept but are checked all the same.
		{"bad early value", moltovyMeta, "date,value\n1954-07-01,NaN\n1954-07-02,1.25\n" + good[len("date,value\n"):], []string{"DFF__daily.csv:2", "value"}},
		{"negative early value", moltovyMeta, "date,value\n1954-07-01,-5\n" + good[len("date,value\n"):], []string{"DFF__daily.csv:2", "value", "rate_pct"}},
		{"duplicate early day", moltovyMeta, "date,value\n1954-07-01,1.13\n1954-07-01,1.25\n" + good[len("date,value\n"):], []string{"DFF__daily.csv:3", "duplicate day 1954-07-01"}},
		{"cut before 2009", moltovyMeta, "date,value\n1954-07-01,1.13\n1954-07-02,1.25\n", []string{"DFF__daily.csv", "no value on or after 2009-01-03"}},
		{"metadata without DFF", strings.Replace(moltovyMeta, "\nDFF,", "\nDGS10,", 1), good, []string{"fred_series_metadata.csv", "no DFF row"}},
		{"metadata in basis points", strings.Replace(moltovyMeta, ",%,", ",bp,", 1), good, []string{"fred_series_metadata.csv:2", "units", "bp"}},
		{"metadata unknown vintage", strings.Replace(moltovyMeta, "2026-04-17 15:16:44-05", "yesterday", 1), good, []string{"fred_series_metadata.csv:2", "last_updated"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := familytest.Parse(t, moltovyFS(c.meta, c.dff), dirMoltovy)
			familytest.Err(t, err, c.want...)
		})
	}
}

func TestDecodeObservations(t *testing.T) {
	obs, err := DecodeObservations(sourcetest.Fixture(t, "fred-series-observations.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 4 || obs[2].Value != "." || obs[1] != (Observation{"2024-11-01", "316.528"}) {
		t.Fatalf("got %+v", obs)
	}
	for _, c := range []struct{ name, body, want string }{
		{"error object", `{"error_code":400,"error_message":"Bad Request.  The value for variable api_key is not registered."}`, "answered an error"},
		{"schema drift: no list", `{"count":1,"data":[]}`, "no \"observations\""},
		{"value a number", `{"observations":[{"date":"2024-11-01","value":316.5}]}`, "observations[0].value"},
		{"no date", `{"observations":[{"value":"316.5"}]}`, "observations[0]: no \"date\""},
		{"not JSON", `<html>`, "not a JSON object"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeObservations([]byte(c.body))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
		})
	}
}

const secretKey = "abcdef0123456789abcdef0123456789"

func TestFetch(t *testing.T) {
	fixture := sourcetest.Fixture(t, "fred-series-observations.json")
	var bad string
	srv := sourcetest.NewServer(map[string]http.HandlerFunc{
		"/series/observations": func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if q.Get("api_key") != secretKey || q.Get("file_type") != "json" || q.Get("observation_start") != "2024-10-01" {
				sourcetest.Status(400, `{"error_code":400,"error_message":"Bad Request."}`)(w, r)
				return
			}
			switch id := q.Get("series_id"); {
			case id == "CPIAUCSL":
				sourcetest.JSON(fixture)(w, r)
			case id == bad:
				sourcetest.JSON([]byte(`{"observations":[{"date":"2024-11-01","value":"4,1"}]}`))(w, r)
			default:
				sourcetest.JSON([]byte(`{"observations":[{"date":"2024-11-01","value":"4.5"},{"date":"2024-12-01","value":"."}]}`))(w, r)
			}
		},
	})
	env := sourcetest.NewEnv(t, srv, time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC))
	src, err := New(env.Client(30*time.Second, 0), Options{BaseURL: env.TS.URL, Key: secretKey})
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)
	bs, err := src.Fetch(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 || bs[0].Source.ID != SourceLive || len(bs[0].Entities) != len(AllSeries) {
		t.Fatalf("batches %+v", bs)
	}
	if err := bs[0].Validate(); err != nil {
		t.Fatal(err)
	}
	o := sourcetest.ObsMap(bs[0])
	// WALCL is published in millions and stored in billions, live as in the bundle.
	if o["index:us-cpi price_index 2024-11-01"] != 316.528 || o["index:us-unemployment rate_pct 2024-11-01"] != 4.5 ||
		o["index:fed-total-assets usd_bn 2024-11-01"] != 0.0045 || o["index:us-initial-claims persons 2024-11-01"] != 4.5 {
		t.Errorf("obs %v", o)
	}
	if _, ok := o["index:us-cpi price_index 2025-10-01"]; ok {
		t.Error(`"." became a value`)
	}
	if strings.Contains(bs[0].Source.Location, secretKey) {
		t.Error("key in provenance")
	}
	sourcetest.AssertNoSecretInArchive(t, env.Archive, secretKey)

	// A malformed value fails the fetch, naming the series; the key never shows.
	bad = "UNRATE"
	_, err = src.Fetch(context.Background(), since)
	if err == nil || !strings.Contains(err.Error(), "UNRATE") || !strings.Contains(err.Error(), "4,1") {
		t.Fatalf("err %v", err)
	}
	sourcetest.AssertNoSecret(t, err, secretKey)
	// A refused key: the HTTP error is reported without the key.
	src2, _ := New(env.Client(30*time.Second, 0), Options{BaseURL: env.TS.URL, Key: "wrong" + secretKey})
	_, err = src2.Fetch(context.Background(), since)
	if err == nil {
		t.Fatal("a refused key passed")
	}
	sourcetest.AssertNoSecret(t, err, "wrong"+secretKey)
}

func TestNoKey(t *testing.T) {
	p, ok := cw.ProviderByName(Name)
	if !ok {
		t.Fatal("fred not registered")
	}
	s, note, err := p.New(cw.ProviderEnv{Getenv: func(string) string { return "" }})
	if s != nil || err != nil || !strings.Contains(note, EnvKey) {
		t.Fatalf("no key: %v %q %v", s, note, err)
	}
	if _, err := newSource(nil, Options{}); !errors.Is(err, ErrNoKey) {
		t.Fatalf("err %v", err)
	}
}
