package coingecko

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/flexjson"
	"cryptoweekly/internal/sourcetest"
)

// The lenient Num/Str/CleanText rules are tested in internal/flexjson.

func num(v float64) flexjson.Num { return flexjson.Num{Value: v, Valid: true} }

func TestDecodeMarketsFixture(t *testing.T) {
	rows, skipped, err := DecodeMarkets(sourcetest.Fixture(t, "coingecko-coins-markets.json"))
	if err != nil || skipped != 0 || len(rows) != 2 {
		t.Fatalf("rows=%d skipped=%d err=%v", len(rows), skipped, err)
	}
	btc := rows[0]
	if btc.ID != "bitcoin" || btc.Symbol != "btc" || btc.Name != "Bitcoin" {
		t.Errorf("btc ids: %+v", btc)
	}
	for _, c := range []struct {
		name string
		got  flexjson.Num
		want float64
	}{
		{"price", btc.Price, 96450.12}, {"market_cap", btc.MarketCap, 1912000000000}, {"rank", btc.Rank, 1},
		{"volume", btc.Volume24h, 38200000000}, {"supply", btc.Supply, 19820000}, {"pct24", btc.Pct24h, 0.868},
		{"pct7d", btc.Pct7d, 3.41}, {"meme price", rows[1].Price, 0.0000123}, {"meme pct7d", rows[1].Pct7d, 64.7},
	} {
		if !c.got.Valid || c.got.Value != c.want {
			t.Errorf("%s: got %+v want %v", c.name, c.got, c.want)
		}
	}
	day := time.Date(2026, 1, 11, 0, 0, 0, 0, time.UTC)
	ids := NewIDs()
	b := MarketsBatch(cw.Provenance{ID: SourceMarkets}, SortByMarketCap(rows), ids, day.Add(8*time.Hour), nil)
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(b.Entities) != 2 || b.Entities[0].ID != "asset:btc" || b.Entities[0].Symbol != "BTC" || b.Entities[0].Attrs["coingecko_id"] != "bitcoin" {
		t.Errorf("entities: %+v", b.Entities)
	}
	if len(b.Observations) != 14 {
		t.Errorf("observations: %d, want 14", len(b.Observations))
	}
	for _, o := range b.Observations {
		if !o.Day.Equal(day) {
			t.Errorf("day %v", o.Day)
		}
	}
}

func TestDecodeMarketsDrift(t *testing.T) {
	body := `[
	 {"id":"a","symbol":"aaa","name":"A","current_price":"1.5","market_cap":{"usd":5},"market_cap_rank":null,"total_volume":10},
	 {"id":"b","symbol":"AAA","name":"<b>B</b>\u0000","current_price":2,"market_cap":500,"market_cap_rank":"3"},
	 42,
	 {"symbol":"noid"},
	 {"id":7,"symbol":123,"name":null,"current_price":true,"market_cap":0}
	]`
	rows, skipped, err := DecodeMarkets([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if skipped != 2 || len(rows) != 3 {
		t.Fatalf("rows=%d skipped=%d", len(rows), skipped)
	}
	if !rows[0].Price.Valid || rows[0].Price.Value != 1.5 || rows[0].MarketCap.Valid || rows[0].Rank.Valid {
		t.Errorf("row a: %+v", rows[0])
	}
	if rows[1].Name != "<b>B</b>" || rows[1].Rank.Value != 3 {
		t.Errorf("row b: %+v", rows[1])
	}
	if rows[2].ID != "7" || rows[2].Symbol != "123" || rows[2].Price.Valid {
		t.Errorf("row 7: %+v", rows[2])
	}
	sorted := SortByMarketCap(rows)
	if sorted[0].ID != "b" { // the only valid market cap comes first
		t.Fatalf("order: %v", sorted)
	}
	b := MarketsBatch(cw.Provenance{ID: SourceMarkets}, sorted, NewIDs(), time.Now(), nil)
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []string{"asset:aaa", "asset:aaa-a", "asset:123"}
	for i, e := range b.Entities {
		if e.ID != want[i] {
			t.Errorf("entity %d = %s, want %s", i, e.ID, want[i])
		}
	}
	// market_cap 0 (row 7) and object market cap (row a) give no market_cap observation
	for _, o := range b.Observations {
		if o.Metric == "market_cap" && o.Entity != "asset:aaa" {
			t.Errorf("unexpected %+v", o)
		}
	}

	for _, bad := range []string{``, `{"error":"rate limited"}`, `[{"id":"x"`, `<html>502</html>`} {
		if _, _, err := DecodeMarkets([]byte(bad)); err == nil || !strings.Contains(err.Error(), "coingecko: /coins/markets") {
			t.Errorf("%q: err %v", bad, err)
		}
	}
}

func TestIDsCollisions(t *testing.T) {
	ids := NewIDs()
	for _, c := range []struct{ sym, cg, want string }{
		{"ETH", "ethereum", "asset:eth"},
		{"eth", "ethereum-wormhole", "asset:eth-ethereum-wormhole"},
		{"ETH", "ethereum", "asset:eth"}, // stable
		{"eth-ethereum-wormhole", "weird", "asset:eth-ethereum-wormhole-weird"},
		{"", "no-symbol", "asset:no-symbol"},
	} {
		if got := ids.Assign(c.sym, c.cg); got != c.want {
			t.Errorf("Assign(%q,%q) = %s, want %s", c.sym, c.cg, got, c.want)
		}
	}
	// The same page twice (rank shift between page requests) keeps one row.
	rows := SortByMarketCap([]Market{{ID: "x", MarketCap: num(1)}, {ID: "y", MarketCap: num(5)}, {ID: "x", MarketCap: num(9)}})
	if len(rows) != 2 || rows[0].ID != "y" {
		t.Errorf("%+v", rows)
	}
}

func ms(s string) float64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return float64(t.UnixMilli())
}

func TestMarketChartFixture(t *testing.T) {
	c, err := DecodeMarketChart(sourcetest.Fixture(t, "coingecko-coins-id-market_chart.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Prices) != 4 || len(c.MarketCaps) != 4 || len(c.Volumes) != 4 {
		t.Fatalf("%+v", c)
	}
	fetched := time.Date(2026, 1, 11, 8, 30, 0, 0, time.UTC)
	obs := ChartObservations(SourceMarketChart, "asset:link", c, fetched, time.Time{})
	b := cw.Batch{Source: cw.Provenance{ID: SourceMarketChart}, Observations: obs}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, o := range obs {
		got[string(o.Metric)+" "+cw.DayString(o.Day)] = o.Value
	}
	want := map[string]float64{
		"price 2026-01-04": 13.41, "price 2026-01-05": 13.88, "price 2026-01-11": 14.92,
		"market_cap 2026-01-04": 8.7e9, "market_cap 2026-01-05": 9.01e9, "market_cap 2026-01-11": 9.69e9,
		"volume_24h 2026-01-04": 4.1e8, "volume_24h 2026-01-05": 5.3e8, "volume_24h 2026-01-11": 6.2e8,
	}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	// since filter
	if n := len(ChartObservations(SourceMarketChart, "asset:link", c, fetched, time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC))); n != 6 {
		t.Errorf("since: %d observations, want 6", n)
	}
}

func TestDailyPoints(t *testing.T) {
	today := time.Date(2026, 1, 11, 9, 0, 0, 0, time.UTC)
	body := `{"prices":[
	  [` + f(ms("2026-01-09T00:00:00Z")) + `, 3],
	  [` + f(ms("2026-01-08T00:00:00Z")) + `, 1],
	  [` + f(ms("2026-01-08T00:00:00Z")) + `, 1.5],
	  [` + f(ms("2026-01-08T13:00:00Z")) + `, 2],
	  [` + f(ms("2026-01-10T17:00:00Z")) + `, 7],
	  [` + f(ms("2026-01-10T05:00:00Z")) + `, 6],
	  [` + f(ms("2026-01-11T08:59:00Z")) + `, 9],
	  [1767484800, 100],
	  [null, 5], ["x", 5], [1767484800000], {"t":1}, [1767484800000, null], [1767484800000, {"usd":1}],
	  [99999999999999999, 1]
	], "market_caps": "oops"}`
	c, err := DecodeMarketChart([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.MarketCaps) != 0 || c.Volumes != nil {
		t.Errorf("non-array series should decode empty: %+v", c)
	}
	got := DailyPoints(c.Prices, today)
	want := []struct {
		day string
		v   float64
	}{
		{"2026-01-04", 100}, // unix SECONDS taken as seconds
		{"2026-01-08", 1},   // duplicate 00:00 timestamp: first wins; the 13:00 point loses
		{"2026-01-09", 3},
		{"2026-01-10", 6}, // no 00:00 point: earliest of the day
		// 2026-01-11 08:59 is today's partial point: dropped
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i, w := range want {
		if cw.DayString(got[i].T) != w.day || got[i].V != w.v || !got[i].T.Equal(cw.Day(got[i].T)) {
			t.Errorf("%d: got %v %v, want %s %v", i, got[i].T, got[i].V, w.day, w.v)
		}
	}
	for _, bad := range []string{`[]`, `{}`, `{"prices":`, `null`} {
		if _, err := DecodeMarketChart([]byte(bad)); err == nil {
			t.Errorf("%q: want error", bad)
		}
	}
}

func f(v float64) string { b, _ := json.Marshal(v); return string(b) }

func TestTrendingFixture(t *testing.T) {
	coins, err := DecodeTrending(sourcetest.Fixture(t, "coingecko-search-trending.json"))
	if err != nil || len(coins) != 1 {
		t.Fatalf("%v %v", coins, err)
	}
	c := coins[0]
	if c.ID != "bonk" || c.Symbol != "BONK" || c.Rank != 1 || c.Data.MarketCap.Value != 521967819 || c.Data.TotalVolume.Value != 31701707 || c.Data.Price.Value != 0.0000059386 {
		t.Errorf("%+v", c)
	}
	day := time.Date(2026, 1, 11, 0, 0, 0, 0, time.UTC)
	b := TrendingBatch(cw.Provenance{ID: SourceTrending}, coins, day.Add(time.Hour))
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	if b.Entities[0].ID != "topic:bonk" || b.Entities[0].Kind != cw.KindTopic || b.Entities[0].Attrs["market_cap_rank"] != "103" {
		t.Errorf("%+v", b.Entities[0])
	}
	vals := map[string]float64{}
	for _, o := range b.Observations {
		vals[string(o.Metric)] = o.Value
	}
	if vals["trend_rank"] != 1 || vals["market_cap"] != 521967819 || vals["volume_24h"] != 31701707 {
		t.Errorf("%v", vals)
	}
	// Drift: duplicated symbol, missing item, name-only coin, HTML name.
	drift := `{"coins":[{"item":{"id":"a","symbol":"X","name":"<img src=x onerror=alert(1)>"}},{"nope":1},
	  {"item":{"id":"b","symbol":"x","name":"B","data":{"market_cap":"$-","total_volume":{"v":1}}}},{"item":{"id":"c","name":"Only Name"}}]}`
	coins, err = DecodeTrending([]byte(drift))
	if err != nil || len(coins) != 3 {
		t.Fatalf("%v %v", coins, err)
	}
	b = TrendingBatch(cw.Provenance{ID: SourceTrending}, coins, day)
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	ids := []string{b.Entities[0].ID, b.Entities[1].ID, b.Entities[2].ID}
	if strings.Join(ids, " ") != "topic:x topic:x-b topic:only-name" || b.Entities[0].Name != "<img src=x onerror=alert(1)>" {
		t.Errorf("%v %q", ids, b.Entities[0].Name)
	}
	if len(b.Observations) != 3 { // ranks only; "$-" and an object are not numbers
		t.Errorf("%+v", b.Observations)
	}
	for _, bad := range []string{`[]`, `{}`, `{"coins":`} {
		if _, err := DecodeTrending([]byte(bad)); err == nil {
			t.Errorf("%q: want error", bad)
		}
	}
}

func TestGlobalFixture(t *testing.T) {
	g, err := DecodeGlobal(sourcetest.Fixture(t, "coingecko-global.json"))
	if err != nil {
		t.Fatal(err)
	}
	if g.TotalMarketCapUSD.Value != 3.32e12 || g.TotalVolumeUSD.Value != 1.21e11 || g.BTCDominancePct.Value != 57.6 || g.ETHDominancePct.Value != 11.9 || g.UpdatedAt.Value != 1768120000 {
		t.Errorf("%+v", g)
	}
	b := GlobalBatch(cw.Provenance{ID: SourceGlobal}, g, time.Date(2026, 1, 11, 8, 0, 0, 0, time.UTC))
	if err := b.Validate(); err != nil || len(b.Observations) != 4 || b.Entities[0].ID != "index:crypto-market" {
		t.Fatalf("%+v %v", b, err)
	}
	// Drift: dominance map replaced by a number, volume as a string, cap missing.
	g, err = DecodeGlobal([]byte(`{"data":{"total_volume":{"usd":"121000000000"},"market_cap_percentage":57.6}}`))
	if err != nil {
		t.Fatal(err)
	}
	b = GlobalBatch(cw.Provenance{ID: SourceGlobal}, g, time.Now())
	if len(b.Observations) != 1 || b.Observations[0].Metric != "total_volume_usd" || b.Observations[0].Value != 1.21e11 {
		t.Errorf("%+v", b.Observations)
	}
	for _, bad := range []string{`[]`, `{}`, `{"data":`, `{"data":null}`} {
		if _, err := DecodeGlobal([]byte(bad)); err == nil {
			t.Errorf("%q: want error", bad)
		}
	}
}

func TestCategoriesList(t *testing.T) {
	list, err := DecodeCategoriesList(sourcetest.Fixture(t, "coingecko-coins-categories-list.json"))
	if err != nil || len(list) != 7 || list[1].ID != "meme-token" || list[1].Name != "Meme" {
		t.Fatalf("%v %v", list, err)
	}
	unknown := UnknownCategories(DefaultCategories, list)
	want := "exchange-based-tokens gaming infrastructure layer-2 real-world-assets-rwa"
	if strings.Join(unknown, " ") != want {
		t.Errorf("unknown = %v", unknown)
	}
}
