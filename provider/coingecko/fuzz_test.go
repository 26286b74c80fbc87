package coingecko

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	cw "cryptoweekly"
	"cryptoweekly/internal/familytest"
	"cryptoweekly/internal/sourcetest"
)

// Each fuzz target checks the decoder never panics and that whatever it accepts turns into a
// batch that passes Validate (no NaN/Inf, no duplicate entity/metric/day, UTC-midnight days,
// kind-prefixed IDs, valid UTF-8 without control characters in names).

var fuzzDay = time.Date(2026, 1, 11, 8, 30, 0, 0, time.UTC)

func checkBatch(t *testing.T, b cw.Batch) {
	t.Helper()
	// A number outside the plausibility table (a $10M "price") is garbage the decoder passes on
	// and Validate refuses, naming source, entity, metric and day, so the ingest fails whole:
	// the designed outcome, not a decoder bug.
	for _, o := range b.Observations {
		if cw.CheckValue(o.Metric, o.Value) != nil {
			if b.Validate() == nil {
				t.Fatalf("implausible %s %g passed Validate", o.Metric, o.Value)
			}
			return
		}
	}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, e := range b.Entities {
		for _, s := range []string{e.ID, e.Name, e.Symbol} {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\n\r\t") {
				t.Fatalf("unclean text %q", s)
			}
		}
	}
}

func FuzzDecodeMarkets(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "coingecko-coins-markets.json"))
	f.Add([]byte(`[{"id":"a","symbol":"x","market_cap":"1e3","market_cap_rank":{}},{"id":"b","symbol":"X "},{"id":"c","symbol":"x-b"}]`))
	f.Add([]byte(`[{"id":"\u0000","symbol":"\ud800"}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rows, _, err := DecodeMarkets(body)
		if err != nil {
			return
		}
		checkBatch(t, MarketsBatch(cw.Provenance{ID: SourceMarkets}, SortByMarketCap(rows), NewIDs(), fuzzDay, nil))
	})
}

func FuzzDecodeMarketChart(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "coingecko-coins-id-market_chart.json"))
	f.Add([]byte(`{"prices":[[1768089600000,1],[1768089600000,2],[1768089600001,3],[1e11,4],[-1,5]]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := DecodeMarketChart(body)
		if err != nil {
			return
		}
		obs := ChartObservations(SourceMarketChart, "asset:x", c, fuzzDay, time.Time{})
		checkBatch(t, cw.Batch{Source: cw.Provenance{ID: SourceMarketChart}, Observations: obs})
		for _, o := range obs {
			if !o.Day.Before(cw.Day(fuzzDay).Add(24 * time.Hour)) {
				t.Fatalf("future day %v", o.Day)
			}
		}
	})
}

func FuzzDecodeTrending(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "coingecko-search-trending.json"))
	f.Add([]byte(`{"coins":[{"item":{"id":"a","symbol":"X"}},{"item":{"id":"b","symbol":"x"}},{"item":{"id":"b","symbol":"x"}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		coins, err := DecodeTrending(body)
		if err != nil {
			return
		}
		checkBatch(t, TrendingBatch(cw.Provenance{ID: SourceTrending}, coins, fuzzDay))
	})
}

func FuzzDecodeGlobal(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "coingecko-global.json"))
	f.Add([]byte(`{"data":{"total_market_cap":5,"market_cap_percentage":{"btc":"57.6"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		g, err := DecodeGlobal(body)
		if err != nil {
			return
		}
		checkBatch(t, GlobalBatch(cw.Provenance{ID: SourceGlobal}, g, fuzzDay))
	})
}

func FuzzDecodeCategoriesList(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "coingecko-coins-categories-list.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		list, err := DecodeCategoriesList(body)
		if err != nil {
			return
		}
		for _, c := range list {
			if c.ID == "" || !utf8.ValidString(string(c.ID)) {
				t.Fatalf("bad id %q", c.ID)
			}
		}
		_ = UnknownCategories(DefaultCategories, list)
	})
}

// FuzzTop100File: any body of a daily top-100 file parses into batches that validate, or fails
// with an error naming the file, never a panic.
func FuzzTop100File(f *testing.F) {
	f.Add(top100Body(100, top100BTC, top100WETH, top100BPW))
	f.Add(top100Body(100, "1,\u200b\u200bStable,STABLE,0.02919121"))
	f.Add(top100Body(99, top100BTC))
	f.Fuzz(func(t *testing.T, body string) {
		bs, err := familytest.Parse(t, top100FS(map[string]string{"2025-09-19": body}), Top100Dir)
		if err != nil {
			if !strings.Contains(err.Error(), "prices_2025-09-19.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(bs) != 1 || len(bs[0].Observations) != 2*top100Rows {
			t.Fatalf("a file that parses holds %d rows of price and rank", top100Rows)
		}
	})
}

// FuzzCategoriesFile: the same for a category snapshot.
func FuzzCategoriesFile(f *testing.F) {
	f.Add(catHeader + catRows)
	f.Add(catHeader + " DN-404,38885.0,2959.0,-26.9\nLiquid Staked APT\t,179427663.0,2379657.0,12.81\n")
	f.Fuzz(func(t *testing.T, body string) {
		const name = "CategoryPerformance__2025-10-03__4e843a68fa.csv"
		_, err := familytest.Parse(t, catFS(name, body), CategoriesDir)
		if err != nil && !strings.Contains(err.Error(), name) {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

// FuzzDecodeGlobalChart: whatever the decoder accepts becomes a batch that validates (or that
// Validate refuses for an implausible total, which fails that part only), with no day after
// the fetch day.
func FuzzDecodeGlobalChart(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "coingecko-global-market_cap_chart.json"))
	f.Add([]byte(`{"market_cap_chart":{"market_cap":[[1768089600000,"1e12"],[1768089600000,2],[1768120000000,3],[1e11,4],[-1,5]],"volume":[[1768089600000,"NaN"]]}}`))
	f.Add([]byte(`{"status":{"error_code":10005,"error_message":"paid plans only"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		g, err := DecodeGlobalChart(body)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "coingecko: /global/market_cap_chart: ") {
				t.Fatalf("error does not name the route: %v", err)
			}
			return
		}
		if len(g.MarketCap) == 0 {
			t.Fatal("accepted a chart without a market cap point")
		}
		b := GlobalChartBatch(cw.Provenance{ID: SourceGlobalChart}, g, fuzzDay, time.Time{})
		checkBatch(t, b)
		for _, o := range b.Observations {
			if !o.Day.Before(cw.Day(fuzzDay).Add(24*time.Hour)) || o.Entity != GlobalEntityID {
				t.Fatalf("observation %+v", o)
			}
		}
	})
}
