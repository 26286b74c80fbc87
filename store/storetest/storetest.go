// Package storetest is the conformance suite every store backend runs: a backend is done when
// Run passes against it unchanged. It checks what the report relies on: a write commits whole or
// not at all, re-applying changes nothing, every Reader query answers the same on the same data,
// Check finds what it must, and ingest runs round-trip.
package storetest

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
)

// Open returns a new, empty store for one subtest; the suite closes it.
type Open func(t *testing.T) cw.Store

func day(s string) time.Time {
	d, err := cw.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

func f(v float64) *float64 { return &v }

// Fixture is the small dataset every Reader query is checked on: two chains (one with a gap), a
// protocol with a parent and chains, stablecoins, an index, tagged assets from two sources, a
// topic series and a news item.
func Fixture() []cw.Batch {
	obs := func(src cw.SourceID, rows ...cw.Observation) []cw.Observation {
		for i := range rows {
			rows[i].Source = src
		}
		return rows
	}
	o := func(e string, m cw.Metric, d string, v float64) cw.Observation {
		return cw.Observation{Entity: e, Metric: m, Day: day(d), Value: v}
	}
	fetched := time.Date(2024, 12, 14, 6, 0, 0, 0, time.UTC)
	return []cw.Batch{
		{
			Source: cw.Provenance{ID: "t-chains", Provider: "Test", Location: "fixture/chains", FetchedAt: fetched, Licence: "test"},
			Entities: []cw.Entity{
				{ID: "chain:ethereum", Kind: cw.KindChain, Name: "Ethereum", Attrs: map[string]string{"defillama_name": "Ethereum"}},
				{ID: "chain:sol_ana", Kind: cw.KindChain, Name: "Solana"},
			},
			Observations: obs("t-chains",
				o("chain:ethereum", cw.MetricTVL, "2024-12-06", 100), o("chain:ethereum", cw.MetricTVL, "2024-12-13", 110),
				o("chain:ethereum", cw.MetricTVL, "2024-12-10", 105),
				o("chain:sol_ana", cw.MetricTVL, "2024-12-13", 50),
				o("index:defi-tvl", cw.MetricTVL, "2024-12-06", 1000), o("index:defi-tvl", cw.MetricTVL, "2024-12-13", 1100),
			),
		},
		{
			Source: cw.Provenance{ID: "t-protocols", Provider: "Test", Location: "fixture/protocols", Licence: "test", Note: "a note"},
			Entities: []cw.Entity{
				{ID: "protocol:aave", Kind: cw.KindProtocol, Name: "Aave", Category: "Lending", Chains: []string{"Ethereum", "Base"}},
				{ID: "protocol:aave-v3", Kind: cw.KindProtocol, Name: "Aave V3", Category: "Lending", Parent: "protocol:aave", Chains: []string{"ethereum"}},
				{ID: "protocol:raydium", Kind: cw.KindProtocol, Name: "Raydium", Category: "Dexs", Chains: []string{"Solana"}},
			},
			Observations: obs("t-protocols",
				o("protocol:aave-v3", cw.MetricTVL, "2024-12-06", 20), o("protocol:aave-v3", cw.MetricTVL, "2024-12-13", 22),
			),
		},
		{
			Source: cw.Provenance{ID: "t-assets", Provider: "Test", Location: "fixture/assets", Licence: "test"},
			Entities: []cw.Entity{
				{ID: "asset:btc", Kind: cw.KindAsset, Name: "Bitcoin", Symbol: "BTC", Tags: []string{"cmc:layer-1", "cmc:pow"}},
				{ID: "asset:usdt", Kind: cw.KindAsset, Name: "Tether", Symbol: "USDT", Tags: []string{"cmc:stablecoin"}},
				{ID: "stablecoin:usdt", Kind: cw.KindStablecoin, Name: "Tether", Symbol: "USDT"},
				{ID: "stablecoin:usdc", Kind: cw.KindStablecoin, Name: "USD Coin", Symbol: "USDC"},
				{ID: "stablecoin:mxnt", Kind: cw.KindStablecoin, Name: "Mexican peso token"},
			},
			Observations: obs("t-assets",
				o("asset:btc", cw.MetricPrice, "2024-12-09", 97000), o("asset:btc", cw.MetricPrice, "2024-12-02", 95000),
				o("asset:btc", cw.MetricMarketCap, "2024-12-09", 1.9e12), o("asset:btc", cw.MetricVolume24h, "2024-12-09", 5e10),
				o("asset:usdt", cw.MetricPrice, "2024-12-09", 1), o("asset:usdt", cw.MetricPrice, "2024-12-02", 1.001),
			),
		},
		{
			Source:       cw.Provenance{ID: "t-daily", Provider: "Test 2", Location: "fixture/daily", Licence: "test"},
			Observations: obs("t-daily", o("asset:btc", cw.MetricPrice, "2024-12-13", 101000), o("asset:btc", cw.MetricPrice, "2024-12-06", 99000)),
		},
		{
			Source:   cw.Provenance{ID: "t-social", Provider: "Test", Location: "fixture/social", Licence: "test"},
			Entities: []cw.Entity{{ID: "topic:etf", Kind: cw.KindTopic, Name: "ETF"}, {ID: "topic:memes", Kind: cw.KindTopic, Name: "Memes"}},
			Observations: obs("t-social",
				o("topic:etf", cw.MetricTopicRank, "2024-12-11", 1), o("topic:memes", cw.MetricTopicRank, "2024-12-11", 2),
				o("topic:etf", cw.MetricTopicRank, "2024-12-12", 2), o("topic:memes", cw.MetricTopicRank, "2024-12-12", 1),
				o("topic:etf", cw.MetricTopicRank, "2024-12-20", 1)),
		},
		{
			Source: cw.Provenance{ID: "t-news", Provider: "Test", Location: "fixture/news", Licence: "test"},
			Entities: []cw.Entity{{ID: "event:pboc-notice", Kind: cw.KindEvent, Name: "PBoC notice <script>",
				Tags: []string{"news:regulation", "news:china"}, Attrs: map[string]string{"link": "https://example.org/n"}}},
			Observations: obs("t-news", o("event:pboc-notice", cw.MetricPublished, "2024-12-10", 1)),
		},
	}
}

// Run runs the whole suite.
func Run(t *testing.T, open Open) {
	t.Run("ApplyAllOrNothing", func(t *testing.T) { testApplyAllOrNothing(t, open(t)) })
	t.Run("ReapplyIsIdempotent", func(t *testing.T) { testReapply(t, open(t)) })
	t.Run("EntityMerge", func(t *testing.T) { testEntityMerge(t, open(t)) })
	t.Run("Reader", func(t *testing.T) { testReader(t, open(t)) })
	t.Run("DayCounts", func(t *testing.T) { testDayCounts(t, open(t)) })
	t.Run("CheckAndCoverage", func(t *testing.T) { testCheck(t, open(t)) })
	t.Run("Runs", func(t *testing.T) { testRuns(t, open(t)) })
}

func apply(t *testing.T, s cw.Store, bs ...cw.Batch) cw.ApplyStats {
	t.Helper()
	st, err := s.Apply(context.Background(), bs...)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func dump(t *testing.T, s cw.Store) []string {
	t.Helper()
	d, err := Dump(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func testApplyAllOrNothing(t *testing.T, s cw.Store) {
	defer s.Close()
	ctx := context.Background()
	apply(t, s, Fixture()[0])
	before := dump(t, s)
	good := Fixture()[1]
	for _, bad := range []struct {
		name  string
		batch cw.Batch
	}{
		{"NaN", cw.Batch{Source: cw.Provenance{ID: "bad"}, Observations: []cw.Observation{{Entity: "index:x", Metric: cw.MetricValue, Day: day("2024-12-13"), Value: math.NaN(), Source: "bad"}}}},
		{"Inf", cw.Batch{Source: cw.Provenance{ID: "bad"}, Observations: []cw.Observation{{Entity: "index:x", Metric: cw.MetricValue, Day: day("2024-12-13"), Value: math.Inf(1), Source: "bad"}}}},
		{"duplicate day", cw.Batch{Source: cw.Provenance{ID: "bad"}, Observations: []cw.Observation{
			{Entity: "index:x", Metric: cw.MetricValue, Day: day("2024-12-13"), Value: 1, Source: "bad"},
			{Entity: "index:x", Metric: cw.MetricValue, Day: day("2024-12-13"), Value: 2, Source: "bad"}}}},
		{"foreign source", cw.Batch{Source: cw.Provenance{ID: "bad"}, Observations: []cw.Observation{{Entity: "index:x", Metric: cw.MetricValue, Day: day("2024-12-13"), Value: 1, Source: "other"}}}},
		{"not midnight", cw.Batch{Source: cw.Provenance{ID: "bad"}, Observations: []cw.Observation{{Entity: "index:x", Metric: cw.MetricValue, Day: day("2024-12-13").Add(time.Hour), Value: 1, Source: "bad"}}}},
	} {
		// The good batch comes first: it must not be written either.
		if _, err := s.Apply(ctx, good, bad.batch); err == nil {
			t.Errorf("%s: Apply accepted a bad batch", bad.name)
		}
		if after := dump(t, s); !reflect.DeepEqual(before, after) {
			t.Fatalf("%s: a failed Apply changed the store: %d rows → %d", bad.name, len(before), len(after))
		}
		ps, err := s.Sources(ctx, []cw.SourceID{"t-protocols", "bad"})
		if err != nil || len(ps) != 0 {
			t.Fatalf("%s: a failed Apply left provenance %v (%v)", bad.name, ps, err)
		}
	}
}

func testReapply(t *testing.T, s cw.Store) {
	defer s.Close()
	st := apply(t, s, Fixture()...)
	if st.Batches != len(Fixture()) || st.Observations == 0 || st.Entities == 0 {
		t.Fatalf("stats %+v", st)
	}
	first := dump(t, s)
	apply(t, s, Fixture()...)
	if again := dump(t, s); !reflect.DeepEqual(first, again) {
		t.Fatalf("re-applying changed the observations")
	}
	// A corrected value replaces the stored one (upsert), and nothing else changes.
	fix := cw.Batch{Source: Fixture()[0].Source, Observations: []cw.Observation{{Entity: "chain:ethereum", Metric: cw.MetricTVL, Day: day("2024-12-13"), Value: 111, Source: "t-chains"}}}
	apply(t, s, fix)
	after := dump(t, s)
	if len(after) != len(first) || !contains(after, "chain:ethereum|tvl|2024-12-13|111|t-chains") {
		t.Fatalf("upsert: %v", after)
	}
	problems, err := s.Check(context.Background())
	if err != nil || len(problems) > 0 {
		t.Fatalf("Check after re-apply: %v %v", problems, err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func testEntityMerge(t *testing.T, s cw.Store) {
	defer s.Close()
	ctx := context.Background()
	apply(t, s, Fixture()...)
	// A tags-only record never blanks a name; tags accumulate; given chains replace old ones;
	// an observation of an undescribed entity still gets an entity row.
	apply(t, s, cw.Batch{Source: cw.Provenance{ID: "t-tags", Provider: "Test", Location: "x", Licence: "test"},
		Entities: []cw.Entity{
			{ID: "asset:btc", Kind: cw.KindAsset, Tags: []string{"cg:layer-1"}},
			{ID: "protocol:aave", Kind: cw.KindProtocol, Chains: []string{"Arbitrum"}},
		},
		Observations: []cw.Observation{{Entity: "asset:new", Metric: cw.MetricPrice, Day: day("2024-12-13"), Value: 2, Source: "t-tags"}}})
	es, err := s.Entities(ctx, []string{"asset:btc", "protocol:aave", "asset:new", "asset:unknown"})
	if err != nil {
		t.Fatal(err)
	}
	if b := es["asset:btc"]; b.Name != "Bitcoin" || b.Symbol != "BTC" || !reflect.DeepEqual(b.Tags, []string{"cg:layer-1", "cmc:layer-1", "cmc:pow"}) {
		t.Errorf("merged btc: %+v", b)
	}
	if a := es["protocol:aave"]; !reflect.DeepEqual(a.Chains, []string{"Arbitrum"}) || a.Name != "Aave" {
		t.Errorf("merged aave: %+v", a)
	}
	if n, ok := es["asset:new"]; !ok || n.Kind != cw.KindAsset {
		t.Errorf("bare entity for an observation: %+v %v", n, ok)
	}
	if _, ok := es["asset:unknown"]; ok {
		t.Errorf("unknown id answered")
	}
}

func testReader(t *testing.T, s cw.Store) {
	defer s.Close()
	ctx := context.Background()
	apply(t, s, Fixture()...)
	d0, d1 := day("2024-12-06"), day("2024-12-13")

	t.Run("Pairs", func(t *testing.T) {
		ps, err := s.Pairs(ctx, cw.PairQuery{Prefix: "chain:", Metrics: []cw.Metric{cw.MetricTVL}, D0: d0, D1: d1})
		if err != nil {
			t.Fatal(err)
		}
		want := []cw.Pair{
			{Entity: "chain:ethereum", Metric: cw.MetricTVL, Source: "t-chains", V0: f(100), V1: f(110)},
			{Entity: "chain:sol_ana", Metric: cw.MetricTVL, Source: "t-chains", V1: f(50)},
		}
		if !reflect.DeepEqual(ps, want) {
			t.Errorf("prefix pairs = %s, want %s", pairs(ps), pairs(want))
		}
		// "_" in a prefix is literal, not a wildcard.
		ps, err = s.Pairs(ctx, cw.PairQuery{Prefix: "chain:sol_", Metrics: []cw.Metric{cw.MetricTVL}, D0: d0, D1: d1})
		if err != nil || len(ps) != 1 {
			t.Errorf("literal prefix: %s %v", pairs(ps), err)
		}
		ps, err = s.Pairs(ctx, cw.PairQuery{Prefix: "chain:s_l", Metrics: []cw.Metric{cw.MetricTVL}, D0: d0, D1: d1})
		if err != nil || len(ps) != 0 {
			t.Errorf("wildcard prefix matched: %s %v", pairs(ps), err)
		}
		ps, err = s.Pairs(ctx, cw.PairQuery{Entity: "asset:btc", Metrics: []cw.Metric{cw.MetricPrice}, D0: day("2024-12-02"), D1: day("2024-12-09")})
		if err != nil {
			t.Fatal(err)
		}
		want = []cw.Pair{
			{Entity: "asset:btc", Metric: cw.MetricPrice, Source: "t-assets", V0: f(95000), V1: f(97000)},
		}
		if !reflect.DeepEqual(ps, want) {
			t.Errorf("entity pairs = %s, want %s", pairs(ps), pairs(want))
		}
		ps, err = s.Pairs(ctx, cw.PairQuery{Prefix: "asset:", Metrics: []cw.Metric{cw.MetricPrice, cw.MetricMarketCap}, Sources: []cw.SourceID{"t-daily"}, D0: d0, D1: d1})
		if err != nil {
			t.Fatal(err)
		}
		want = []cw.Pair{{Entity: "asset:btc", Metric: cw.MetricPrice, Source: "t-daily", V0: f(99000), V1: f(101000)}}
		if !reflect.DeepEqual(ps, want) {
			t.Errorf("source-filtered pairs = %s, want %s", pairs(ps), pairs(want))
		}
		// A source the store never held, named beside one it holds, changes nothing; alone, it
		// gives no pairs (the backends may answer these from their day index).
		ps, err = s.Pairs(ctx, cw.PairQuery{Prefix: "asset:", Metrics: []cw.Metric{cw.MetricPrice, cw.MetricMarketCap}, Sources: []cw.SourceID{"t-none", "t-daily"}, D0: d0, D1: d1})
		if err != nil || !reflect.DeepEqual(ps, want) {
			t.Errorf("pairs of a held and an unheld source = %s, %v; want %s", pairs(ps), err, pairs(want))
		}
		ps, err = s.Pairs(ctx, cw.PairQuery{Prefix: "asset:", Metrics: []cw.Metric{cw.MetricPrice}, Sources: []cw.SourceID{"t-none"}, D0: d0, D1: d1})
		if err != nil || len(ps) != 0 {
			t.Errorf("pairs of an unheld source = %s, %v", pairs(ps), err)
		}
		ps, err = s.Pairs(ctx, cw.PairQuery{Prefix: "chain:", Metrics: []cw.Metric{cw.MetricTVL}, D0: day("2020-01-01"), D1: day("2020-01-08")})
		if err != nil || len(ps) != 0 {
			t.Errorf("pairs on days without observations = %s, %v", pairs(ps), err)
		}
	})

	t.Run("Daily", func(t *testing.T) {
		pts, err := s.Daily(ctx, "chain:ethereum", cw.MetricTVL, "t-chains", d0, d1)
		if err != nil {
			t.Fatal(err)
		}
		want := []cw.Point{{Day: day("2024-12-10"), Value: 105}, {Day: day("2024-12-13"), Value: 110}}
		if !reflect.DeepEqual(pts, want) {
			t.Errorf("daily (from, to] = %v, want %v", pts, want)
		}
		for _, c := range []struct {
			src      cw.SourceID
			from, to string
		}{{"t-none", "2024-12-06", "2024-12-13"}, {"t-chains", "2024-12-13", "2024-12-20"}} {
			if pts, err := s.Daily(ctx, "chain:ethereum", cw.MetricTVL, c.src, day(c.from), day(c.to)); err != nil || len(pts) != 0 {
				t.Errorf("daily of %s over (%s, %s] = %v, %v; want none", c.src, c.from, c.to, pts, err)
			}
		}
	})

	t.Run("LatestDay", func(t *testing.T) {
		for _, c := range []struct {
			notBefore, at, want string
		}{
			{"2024-12-06", "2024-12-13", "2024-12-09"},
			{"2024-12-01", "2024-12-08", "2024-12-02"},
			{"2024-12-02", "2024-12-08", ""}, // notBefore is exclusive
		} {
			got, err := s.LatestDay(ctx, "t-assets", cw.MetricPrice, day(c.notBefore), day(c.at))
			if err != nil {
				t.Fatal(err)
			}
			if (c.want == "" && !got.IsZero()) || (c.want != "" && !got.Equal(day(c.want))) {
				t.Errorf("LatestDay(%s, %s] = %v, want %q", c.notBefore, c.at, got, c.want)
			}
		}
	})

	// Runs after the other LatestDay cases: it writes a newer day, which every Reader must see
	// at once (a backend's day index is kept by the same write).
	t.Run("NewestDay", func(t *testing.T) {
		if got, err := s.NewestDay(ctx); err != nil || !got.Equal(day("2024-12-20")) {
			t.Errorf("NewestDay = %v, %v; want 2024-12-20 (topic:etf)", got, err)
		}
	})

	t.Run("LatestDayFollowsWrites", func(t *testing.T) {
		if got, err := s.LatestDay(ctx, "t-none", cw.MetricPrice, d0, d1); err != nil || !got.IsZero() {
			t.Errorf("LatestDay of an unheld source = %v, %v", got, err)
		}
		apply(t, s, cw.Batch{Source: cw.Provenance{ID: "t-late", Provider: "test", Licence: "test"}, Observations: []cw.Observation{
			{Entity: "asset:btc", Metric: cw.MetricPrice, Day: day("2024-12-12"), Value: 100000, Source: "t-late"}}})
		got, err := s.LatestDay(ctx, "t-late", cw.MetricPrice, d0, d1)
		if err != nil || !got.Equal(day("2024-12-12")) {
			t.Errorf("LatestDay after a write = %v, %v; want 2024-12-12", got, err)
		}
		if has, err := s.HasDays(ctx, day("2024-12-11"), day("2024-12-12")); err != nil || !has {
			t.Errorf("HasDays after a write = %v, %v", has, err)
		}
	})

	t.Run("Latest", func(t *testing.T) {
		obs, err := s.Latest(ctx, "topic:", []cw.Metric{cw.MetricTopicRank, cw.MetricTrendRank}, d0, d1)
		if err != nil {
			t.Fatal(err)
		}
		got := obsStrings(obs)
		want := []string{"topic:etf topic_rank 2024-12-12 2 t-social", "topic:memes topic_rank 2024-12-12 1 t-social"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("latest = %v, want %v", got, want)
		}
	})

	t.Run("Observations", func(t *testing.T) {
		obs, err := s.Observations(ctx, "event:", cw.MetricPublished, d0, d1)
		if err != nil {
			t.Fatal(err)
		}
		if got := obsStrings(obs); !reflect.DeepEqual(got, []string{"event:pboc-notice published 2024-12-10 1 t-news"}) {
			t.Errorf("observations = %v", got)
		}
		obs, err = s.Observations(ctx, "event:", cw.MetricPublished, day("2024-12-10"), d1)
		if err != nil || len(obs) != 0 {
			t.Errorf("from is exclusive: %v %v", obsStrings(obs), err)
		}
	})

	t.Run("Entities", func(t *testing.T) {
		es, err := s.Entities(ctx, []string{"protocol:aave-v3", "event:pboc-notice", "chain:ethereum"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]cw.Entity{
			"protocol:aave-v3":  {ID: "protocol:aave-v3", Kind: cw.KindProtocol, Name: "Aave V3", Category: "Lending", Parent: "protocol:aave", Chains: []string{"ethereum"}},
			"event:pboc-notice": {ID: "event:pboc-notice", Kind: cw.KindEvent, Name: "PBoC notice <script>", Tags: []string{"news:china", "news:regulation"}, Attrs: map[string]string{"link": "https://example.org/n"}},
			"chain:ethereum":    {ID: "chain:ethereum", Kind: cw.KindChain, Name: "Ethereum", Attrs: map[string]string{"defillama_name": "Ethereum"}},
		}
		if !reflect.DeepEqual(es, want) {
			t.Errorf("entities = %+v\nwant %+v", es, want)
		}
		// Many IDs at once (backends chunk them).
		var ids []string
		for i := 0; i < 1200; i++ {
			ids = append(ids, fmt.Sprintf("asset:none-%d", i))
		}
		ids = append(ids, "asset:btc")
		es, err = s.Entities(ctx, ids)
		if err != nil || len(es) != 1 || es["asset:btc"].Symbol != "BTC" {
			t.Errorf("1201 ids: %d entities, %v", len(es), err)
		}
	})

	t.Run("EntitiesOnChains", func(t *testing.T) {
		ids, err := s.EntitiesOnChains(ctx, cw.KindProtocol, []string{"ETHEREUM"})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ids, []string{"protocol:aave", "protocol:aave-v3"}) {
			t.Errorf("on ethereum: %v", ids)
		}
		ids, err = s.EntitiesOnChains(ctx, cw.KindChain, []string{"ethereum"})
		if err != nil || len(ids) != 0 {
			t.Errorf("kind filter: %v %v", ids, err)
		}
	})

	t.Run("CountAndSymbols", func(t *testing.T) {
		n, err := s.CountEntities(ctx, cw.KindProtocol)
		if err != nil || n != 3 {
			t.Errorf("protocols = %d, %v", n, err)
		}
		syms, err := s.Symbols(ctx, cw.KindStablecoin)
		if err != nil || !reflect.DeepEqual(syms, []string{"USDC", "USDT"}) {
			t.Errorf("stablecoin symbols = %v, %v", syms, err)
		}
	})

	t.Run("Sources", func(t *testing.T) {
		ps, err := s.Sources(ctx, []cw.SourceID{"t-protocols", "t-chains", "nope"})
		if err != nil {
			t.Fatal(err)
		}
		want := []cw.Provenance{
			{ID: "t-chains", Provider: "Test", Location: "fixture/chains", FetchedAt: time.Date(2024, 12, 14, 6, 0, 0, 0, time.UTC), Licence: "test"},
			{ID: "t-protocols", Provider: "Test", Location: "fixture/protocols", Licence: "test", Note: "a note"},
		}
		if !reflect.DeepEqual(ps, want) {
			t.Errorf("sources = %+v", ps)
		}
	})
}

func testDayCounts(t *testing.T, s cw.Store) {
	defer s.Close()
	apply(t, s, Fixture()...)
	counts, err := s.DayCounts(context.Background(), []cw.Selector{
		{Prefix: "chain:", Metrics: []cw.Metric{cw.MetricTVL}},
		{Entities: []string{"index:defi-tvl"}},
		{Prefix: "asset:", Metrics: []cw.Metric{cw.MetricPrice}, Sources: []cw.SourceID{"t-assets"}},
		{Prefix: "asset:", Metrics: []cw.Metric{cw.MetricPrice}, Sources: []cw.SourceID{"t-daily"}},
		{Metrics: []cw.Metric{cw.MetricTVL}}, // what the first selectors took is not counted again
	}, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := []map[time.Time]int{
		{day("2024-12-06"): 1, day("2024-12-10"): 1, day("2024-12-13"): 2},
		{day("2024-12-06"): 1, day("2024-12-13"): 1},
		{day("2024-12-02"): 2, day("2024-12-09"): 2},
		{day("2024-12-06"): 1, day("2024-12-13"): 1},
		{day("2024-12-06"): 1, day("2024-12-13"): 1},
	}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("day counts = %v\nwant %v", counts, want)
	}
	// An entity with several series in one selector (three metrics, two sources) counts once a day.
	counts, err = s.DayCounts(context.Background(), []cw.Selector{{Prefix: "asset:"}}, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want = []map[time.Time]int{{day("2024-12-02"): 2, day("2024-12-06"): 1, day("2024-12-09"): 2, day("2024-12-13"): 1}}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("day counts over several series = %v\nwant %v", counts, want)
	}
	// Bounded to (from, to]: the same counts, of those days only; either bound may be open.
	for _, c := range []struct {
		from, to string
		want     map[time.Time]int
	}{
		{"2024-12-02", "2024-12-09", map[time.Time]int{day("2024-12-06"): 1, day("2024-12-09"): 2}},
		{"2024-12-06", "", map[time.Time]int{day("2024-12-09"): 2, day("2024-12-13"): 1}},
		{"", "2024-12-06", map[time.Time]int{day("2024-12-02"): 2, day("2024-12-06"): 1}},
		{"2024-12-13", "", map[time.Time]int{}},
	} {
		var from, to time.Time
		if c.from != "" {
			from = day(c.from)
		}
		if c.to != "" {
			to = day(c.to)
		}
		counts, err = s.DayCounts(context.Background(), []cw.Selector{{Prefix: "asset:"}}, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(counts[0], c.want) {
			t.Errorf("day counts over (%s, %s] = %v\nwant %v", c.from, c.to, counts[0], c.want)
		}
	}
}

func testCheck(t *testing.T, s cw.Store) {
	defer s.Close()
	ctx := context.Background()
	if d, err := s.NewestDay(ctx); err != nil || !d.IsZero() {
		t.Errorf("NewestDay of an empty store = %v, %v", d, err)
	}
	if cov, err := s.Coverage(ctx); err != nil || len(cov) != 0 {
		t.Fatalf("empty store coverage %v %v", cov, err)
	}
	if empty, err := s.Empty(ctx); err != nil || !empty {
		t.Fatalf("a new store: Empty = %v, %v", empty, err)
	}
	apply(t, s, Fixture()...)
	if empty, err := s.Empty(ctx); err != nil || empty {
		t.Fatalf("a store with the fixture: Empty = %v, %v", empty, err)
	}
	for _, c := range []struct {
		from, to string
		want     bool
	}{{"2024-12-06", "2024-12-13", true}, {"2024-12-12", "2024-12-13", true}, {"2024-12-05", "2024-12-06", true}, {"2024-12-13", "2024-12-20", true}, {"2024-12-20", "2024-12-27", false}, {"2030-01-01", "2030-01-08", false}, {"2009-01-03", "2009-01-10", false}} {
		if has, err := s.HasDays(ctx, day(c.from), day(c.to)); err != nil || has != c.want {
			t.Errorf("HasDays(%s, %s] = %v, %v; want %v", c.from, c.to, has, err, c.want)
		}
	}
	problems, err := s.Check(ctx)
	if err != nil || len(problems) != 0 {
		t.Fatalf("Check on a sound store: %v %v", problems, err)
	}
	cov, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cov {
		got = append(got, fmt.Sprintf("%s %s %d %d %s %s", c.Source, c.Metric, c.Entities, c.Rows, cw.DayString(c.First), cw.DayString(c.Last)))
	}
	sort.Strings(got)
	if len(got) != 8 || got[0] != "t-assets market_cap 1 1 2024-12-09 2024-12-09" || got[7] != "t-social topic_rank 2 5 2024-12-11 2024-12-20" {
		t.Errorf("coverage:\n%s", strings.Join(got, "\n"))
	}
	if d := s.Describe(); d == "" {
		t.Errorf("Describe is empty")
	}
}

func testRuns(t *testing.T, s cw.Store) {
	defer s.Close()
	ctx := context.Background()
	at := func(h int) time.Time { return time.Date(2024, 12, 14, h, 0, 0, 0, time.UTC) }
	runs := []cw.IngestRun{
		{Source: "b", StartedAt: at(1), FinishedAt: at(2), Status: "ok", Batches: 3, Rows: 10},
		{Source: "a", StartedAt: at(1), FinishedAt: at(3), Since: day("2024-12-01"), Status: "failed", Error: "HTTP 503"},
		{Source: "b", StartedAt: at(4), FinishedAt: at(5), Status: "partial", Batches: 1, Rows: 2, Error: "one family failed"},
	}
	for _, r := range runs {
		if err := s.RecordRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.LastRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []cw.IngestRun{runs[1], runs[2]}
	if len(got) != 2 {
		t.Fatalf("last runs %+v", got)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Source != w.Source || !g.StartedAt.Equal(w.StartedAt) || !g.FinishedAt.Equal(w.FinishedAt) || !g.Since.Equal(w.Since) ||
			g.Status != w.Status || g.Batches != w.Batches || g.Rows != w.Rows || g.Error != w.Error {
			t.Errorf("run %d = %+v, want %+v", i, g, w)
		}
	}
}

func pairs(ps []cw.Pair) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "[%s %s %s %s %s]", p.Entity, p.Metric, p.Source, val(p.V0), val(p.V1))
	}
	return b.String()
}

func val(v *float64) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprint(*v)
}

func obsStrings(obs []cw.Observation) []string {
	var out []string
	for _, o := range obs {
		out = append(out, fmt.Sprintf("%s %s %s %v %s", o.Entity, o.Metric, cw.DayString(o.Day), o.Value, o.Source))
	}
	sort.Strings(out)
	return out
}
