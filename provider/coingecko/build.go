package coingecko

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/assetid"
	"cryptoweekly/internal/flexjson"
)

// Provenance ids of the series families this source writes.
const (
	SourceMarkets     = cw.SourceID("coingecko-markets")
	SourceCategories  = cw.SourceID("coingecko-categories")
	SourceMarketChart = cw.SourceID("coingecko-market-chart")
	SourceTrending    = cw.SourceID("coingecko-trending")
	SourceGlobal      = cw.SourceID("coingecko-global")
	// SourceGlobalChart is the daily history of /global/market_cap_chart (paid plans only).
	SourceGlobalChart = cw.SourceID("coingecko-global-chart")
	// SourceTop100Daily is the bundled daily top-100 price files (top100.go).
	SourceTop100Daily = cw.SourceID("coingecko-top100-daily")
	// SourceCategoryCaps is the bundled /coins/categories snapshots (categories.go).
	SourceCategoryCaps = cw.SourceID("coingecko-category-caps")
)

// Licence is the attribution line every CoinGecko provenance carries.
const Licence = "CoinGecko API terms (Demo/free: attribution required, \"Data provided by CoinGecko\")"

// IDs assigns asset entity IDs so that every provenance of one run agrees: the first coin seen
// for a symbol (callers feed coins in descending market cap) owns "asset:<symbol>", later coins
// with the same symbol get "asset:<symbol>-<coingecko id>". A CoinGecko id keeps the ID it was
// first given.
type IDs struct{ a *assetid.Allocator }

// NewIDs returns an empty assigner.
func NewIDs() *IDs { return &IDs{assetid.New()} }

// Lookup returns the entity ID already given to a CoinGecko id.
func (a *IDs) Lookup(cgID string) (string, bool) { return a.a.Lookup(cgID) }

// Assign returns the entity ID of a coin, assigning one if needed (a coin without a symbol is
// keyed by its CoinGecko id).
func (a *IDs) Assign(symbol, cgID string) string {
	key := cw.NormKey(symbol)
	if key == "" {
		key = cw.NormKey(cgID)
	}
	return a.a.Assign(key, cgID)
}

// SortByMarketCap orders rows for ID assignment: by market_cap_rank (1 first), then rows
// without a rank by market cap (largest first), then rows with neither; stable, so API order
// breaks ties. Rank comes first because it survives a missing/zero market_cap field (otherwise
// a wrapped "BTC" could take asset:btc the day bitcoin's market_cap is null). Repeated
// CoinGecko ids (a coin can appear on two pages when ranks shift between page requests) keep
// their first sighting.
func SortByMarketCap(rows []Market) []Market {
	seen := map[flexjson.Str]bool{}
	out := make([]Market, 0, len(rows))
	for _, r := range rows {
		if seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := out[i].Rank, out[j].Rank
		rvi, rvj := ri.Valid && ri.Value >= 1, rj.Valid && rj.Value >= 1
		if rvi != rvj {
			return rvi
		}
		if rvi {
			return ri.Value < rj.Value
		}
		a, b := out[i].MarketCap, out[j].MarketCap
		av, bv := a.Valid && a.Value > 0, b.Valid && b.Value > 0
		if av != bv {
			return av
		}
		return av && a.Value > b.Value
	})
	return out
}

// marketMetrics lists the metrics of a /coins/markets row with the sanity range each must pass
// (a value outside it is treated like null: no observation).
func marketMetrics(m Market) []struct {
	name cw.Metric
	v    flexjson.Num
} {
	pct24 := m.Pct24h
	if !pct24.Valid {
		pct24 = m.Pct24hRaw
	}
	ok := func(n flexjson.Num, f func(float64) bool) flexjson.Num {
		if n.Valid && !f(n.Value) {
			return flexjson.Num{}
		}
		return n
	}
	nonNeg := func(v float64) bool { return v >= 0 }
	pos := func(v float64) bool { return v > 0 }
	pct := func(v float64) bool { return v >= -100 }
	rank := func(v float64) bool { return v >= 1 }
	return []struct {
		name cw.Metric
		v    flexjson.Num
	}{
		{cw.MetricPrice, ok(m.Price, nonNeg)},
		// CoinGecko reports 0 market cap for coins without a known circulating supply.
		{cw.MetricMarketCap, ok(m.MarketCap, pos)},
		{cw.MetricVolume24h, ok(m.Volume24h, nonNeg)},
		{cw.MetricCirculatingSupply, ok(m.Supply, nonNeg)},
		{MetricRank, ok(m.Rank, rank)},
		{MetricPctChange7d, ok(m.Pct7d, pct)},
		{MetricPctChange24h, ok(pct24, pct)},
	}
}

// MarketEntity is the asset entity of a markets row.
func MarketEntity(id string, m Market, tags []string) cw.Entity {
	return cw.Entity{
		ID:     id,
		Kind:   cw.KindAsset,
		Name:   string(m.Name),
		Symbol: strings.ToUpper(string(m.Symbol)),
		Tags:   tags,
		Attrs:  map[string]string{"coingecko_id": string(m.ID)},
	}
}

// MarketsBatch turns markets rows into a batch dated day. rows must already be in the order
// IDs should be assigned (see SortByMarketCap). tags maps CoinGecko ids to entity tags.
func MarketsBatch(prov cw.Provenance, rows []Market, ids *IDs, day time.Time, tags map[string][]string) cw.Batch {
	b := cw.Batch{Source: prov}
	day = cw.Day(day)
	seen := map[string]bool{}
	for _, m := range rows {
		id := ids.Assign(string(m.Symbol), string(m.ID))
		if seen[id] {
			continue
		}
		seen[id] = true
		b.Entities = append(b.Entities, MarketEntity(id, m, tags[string(m.ID)]))
		for _, mm := range marketMetrics(m) {
			if mm.v.Valid {
				b.Observations = append(b.Observations, cw.Observation{Entity: id, Metric: mm.name, Day: day, Value: mm.v.Value, Source: prov.ID})
			}
		}
	}
	return b
}

// ChartObservations converts a market chart to daily observations of entity, keeping days
// on or after since (zero: all) and before/at today per DailyPoints.
func ChartObservations(prov cw.SourceID, entity string, c MarketChart, today, since time.Time) []cw.Observation {
	var out []cw.Observation
	for _, s := range []struct {
		metric cw.Metric
		pts    []Point
	}{{cw.MetricPrice, c.Prices}, {cw.MetricMarketCap, c.MarketCaps}, {cw.MetricVolume24h, c.Volumes}} {
		for _, p := range DailyPoints(s.pts, today) {
			if !since.IsZero() && p.T.Before(cw.Day(since)) {
				continue
			}
			if p.V < 0 || (s.metric == cw.MetricMarketCap && p.V == 0) {
				continue
			}
			out = append(out, cw.Observation{Entity: entity, Metric: s.metric, Day: p.T, Value: p.V, Source: prov})
		}
	}
	return out
}

// TrendingBatch turns /search/trending coins into topic entities with a trend_rank (1-based) on
// day, plus the parsed market_cap / volume_24h / price when present.
func TrendingBatch(prov cw.Provenance, coins []TrendingCoin, day time.Time) cw.Batch {
	b := cw.Batch{Source: prov}
	day = cw.Day(day)
	seen := map[string]bool{}
	for _, c := range coins {
		key := string(c.Symbol)
		if cw.NormKey(key) == "" {
			key = string(c.Name)
		}
		if cw.NormKey(key) == "" {
			key = string(c.ID)
		}
		id := cw.EntityID(cw.KindTopic, key)
		if seen[id] { // two trending coins with one symbol: qualify the later one
			id = cw.EntityID(cw.KindTopic, key+"-"+string(c.ID))
			if seen[id] {
				continue
			}
		}
		seen[id] = true
		attrs := map[string]string{"coingecko_id": string(c.ID)}
		if c.MarketCapRank.Valid {
			attrs["market_cap_rank"] = strconv.FormatFloat(c.MarketCapRank.Value, 'f', -1, 64)
		}
		b.Entities = append(b.Entities, cw.Entity{
			ID: id, Kind: cw.KindTopic, Name: string(c.Name), Symbol: strings.ToUpper(string(c.Symbol)),
			Tags: []string{"cg:trending"}, Attrs: attrs,
		})
		add := func(metric cw.Metric, n flexjson.Num) {
			if n.Valid && n.Value >= 0 {
				b.Observations = append(b.Observations, cw.Observation{Entity: id, Metric: metric, Day: day, Value: n.Value, Source: prov.ID})
			}
		}
		add(cw.MetricTrendRank, flexjson.Num{Value: float64(c.Rank), Valid: true})
		add(cw.MetricPrice, c.Data.Price)
		add(cw.MetricMarketCap, c.Data.MarketCap)
		add(cw.MetricVolume24h, c.Data.TotalVolume)
	}
	return b
}

// GlobalEntityID is the entity of the /global snapshot.
const GlobalEntityID = "index:crypto-market"

// GlobalBatch turns /global into index:crypto-market observations on day.
func GlobalBatch(prov cw.Provenance, g Global, day time.Time) cw.Batch {
	day = cw.Day(day)
	b := cw.Batch{Source: prov, Entities: []cw.Entity{{
		ID: GlobalEntityID, Kind: cw.KindIndex, Name: "Crypto market (CoinGecko global)",
	}}}
	for _, m := range []struct {
		name cw.Metric
		v    flexjson.Num
		max  float64
	}{
		{MetricTotalMarketCapUSD, g.TotalMarketCapUSD, 0},
		{MetricTotalVolumeUSD, g.TotalVolumeUSD, 0},
		{cw.MetricBTCDominancePct, g.BTCDominancePct, 100},
		{MetricETHDominancePct, g.ETHDominancePct, 100},
	} {
		if !m.v.Valid || m.v.Value < 0 || (m.max > 0 && m.v.Value > m.max) {
			continue
		}
		b.Observations = append(b.Observations, cw.Observation{Entity: GlobalEntityID, Metric: m.name, Day: day, Value: m.v.Value, Source: prov.ID})
	}
	return b
}

// GlobalChartBatch turns /global/market_cap_chart into daily index:crypto-market observations
// of the same metrics as the /global snapshot (total_market_cap_usd, total_volume_usd) under
// their own provenance: a day's value is CoinGecko's 00:00 UTC point, picked by DailyPoints
// with today = the fetch day, as the coins' market charts are, so a coin's market cap and the
// total of one day are the same instant. Days before since (zero: all) are left out; a zero or
// negative total is no value.
func GlobalChartBatch(prov cw.Provenance, g GlobalChart, today, since time.Time) cw.Batch {
	b := cw.Batch{Source: prov, Entities: []cw.Entity{{
		ID: GlobalEntityID, Kind: cw.KindIndex, Name: "Crypto market (CoinGecko global)",
	}}}
	bad := 0
	for _, s := range []struct {
		metric cw.Metric
		pts    []Point
	}{{MetricTotalMarketCapUSD, g.MarketCap}, {MetricTotalVolumeUSD, g.Volume}} {
		for _, p := range DailyPoints(s.pts, today) {
			if !since.IsZero() && p.T.Before(cw.Day(since)) {
				continue
			}
			if p.V < 0 || (s.metric == MetricTotalMarketCapUSD && p.V == 0) {
				bad++
				continue
			}
			b.Observations = append(b.Observations, cw.Observation{Entity: GlobalEntityID, Metric: s.metric, Day: p.T, Value: p.V, Source: prov.ID})
		}
	}
	if g.Dropped > 0 || bad > 0 {
		b.Source.Note = strings.TrimSpace(b.Source.Note + fmt.Sprintf(" Left out of the response: %d unusable points (malformed, null or out-of-range timestamps) and %d days with a negative total (or a zero market cap).", g.Dropped, bad))
	}
	if g.NoVolume {
		b.Source.Note = strings.TrimSpace(b.Source.Note + " The response had no volume series: no total volume stored from it.")
	}
	return b
}

// DefaultCategories maps CoinGecko category ids to our sector tag ("" = only the "cg:<id>" tag).
var DefaultCategories = map[string]string{
	"decentralized-finance-defi": "sector:defi",
	"meme-token":                 "sector:meme",
	"artificial-intelligence":    "sector:ai",
	"layer-1":                    "sector:layer-1",
	"layer-2":                    "sector:layer-2",
	"gaming":                     "sector:gaming",
	"real-world-assets-rwa":      "sector:rwa",
	"exchange-based-tokens":      "sector:exchange",
	"infrastructure":             "sector:infrastructure",
	"stablecoins":                "sector:stablecoin",
	"wrapped-tokens":             "",
	"liquid-staking-tokens":      "",
}

// CategoryTags returns the tags a member of category id gets.
func CategoryTags(id, sector string) []string {
	t := []string{"cg:" + id}
	if sector != "" {
		t = append(t, sector)
	}
	return t
}

// addTags merges tags into a sorted, de-duplicated set.
func addTags(dst []string, tags ...string) []string {
	for _, t := range tags {
		found := false
		for _, d := range dst {
			if d == t {
				found = true
				break
			}
		}
		if !found {
			dst = append(dst, t)
		}
	}
	sort.Strings(dst)
	return dst
}

// UnknownCategories returns the configured ids missing from the categories list, sorted.
func UnknownCategories(configured map[string]string, list []Category) []string {
	known := map[string]bool{}
	for _, c := range list {
		known[string(c.ID)] = true
	}
	var out []string
	for id := range configured {
		if !known[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}
