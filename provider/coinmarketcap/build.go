package coinmarketcap

import (
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/assetid"
	"cryptoweekly/internal/flexjson"
)

// IDs assigns asset IDs by CoinMarketCap's one asset-ID rule (see files.go): a ticker's main
// coin owns "asset:<symbol>", every other coin of the ticker gets "asset:<symbol>-<name>", so a
// coin lands on the same entity in a live listing and in the bundled snapshot pages. In one
// listing the main coin is the first in CMC rank order (feed rows in that order).
type IDs struct{ a *assetid.Allocator }

// NewIDs returns an empty assigner.
func NewIDs() *IDs { return &IDs{assetid.New()} }

// Assign returns the entity ID of a coin (a coin without a symbol is keyed "cmc-<cmc id>", one
// without a name is suffixed with its cmc id). A cmc id seen again keeps its first ID.
func (a *IDs) Assign(symbol, name, cmcID string) string {
	key := cw.NormKey(symbol)
	if key == "" {
		key = "cmc-" + cw.NormKey(cmcID)
	}
	suffix := cw.NormKey(name)
	if suffix == "" {
		suffix = cw.NormKey(cmcID)
	}
	return a.a.AssignAs(key, suffix, cmcID)
}

// ListingsBatch turns listings (already in ID-assignment order, see SortListings) into a batch
// on the fetch day.
func ListingsBatch(prov cw.Provenance, rows []Listing, at time.Time) cw.Batch {
	b := cw.Batch{Source: prov}
	day := cw.Day(at)
	ids := NewIDs()
	for _, l := range rows {
		id := ids.Assign(string(l.Symbol), string(l.Name), string(l.ID))
		var tags []string
		seen := map[string]bool{}
		for _, t := range l.Tags {
			tag := "cmc:" + cw.NormKey(t)
			if tag != "cmc:" && !seen[tag] {
				seen[tag] = true
				tags = append(tags, tag)
			}
		}
		sort.Strings(tags)
		attrs := map[string]string{"cmc_id": string(l.ID)}
		if l.Slug != "" {
			attrs["cmc_slug"] = string(l.Slug)
		}
		b.Entities = append(b.Entities, cw.Entity{ID: id, Kind: cw.KindAsset, Name: string(l.Name), Symbol: strings.ToUpper(string(l.Symbol)), Tags: tags, Attrs: attrs})
		q := l.USD
		for _, m := range []struct {
			name cw.Metric
			v    flexjson.Num
			ok   func(float64) bool
		}{
			{cw.MetricPrice, q.Price, func(v float64) bool { return v >= 0 }},
			{cw.MetricMarketCap, q.MarketCap, func(v float64) bool { return v > 0 }},
			{cw.MetricVolume24h, q.Volume24h, func(v float64) bool { return v >= 0 }},
			{cw.MetricCirculatingSupply, l.Circulating, func(v float64) bool { return v >= 0 }},
			{MetricRank, l.Rank, func(v float64) bool { return v >= 1 }},
			{MetricPctChange7d, q.Pct7d, func(v float64) bool { return v >= -100 }},
			{MetricPctChange24h, q.Pct24h, func(v float64) bool { return v >= -100 }},
		} {
			if m.v.Valid && m.ok(m.v.Value) {
				b.Observations = append(b.Observations, cw.Observation{Entity: id, Metric: m.name, Day: day, Value: m.v.Value, Source: prov.ID})
			}
		}
	}
	return b
}

// FearGreedBatch builds the index:fear-greed-cmc batch: one value per UTC day from hist (see
// DailyFearGreed), plus latest when its day is missing; days before since are dropped.
func FearGreedBatch(prov cw.Provenance, hist []FearGreedPoint, latest FearGreedPoint, since time.Time) cw.Batch {
	pts := DailyFearGreed(hist)
	have := map[time.Time]bool{}
	for _, p := range pts {
		have[p.Time] = true
	}
	if !latest.Time.IsZero() && !have[dayOf(latest.Time)] {
		l := latest
		l.Time = dayOf(l.Time)
		pts = append(pts, l)
	}
	attrs := map[string]string{}
	if !latest.Time.IsZero() {
		attrs["latest_classification"] = latest.Classification
		attrs["latest_update_time"] = latest.Time.UTC().Format(time.RFC3339)
		attrs["latest_value"] = strconv.FormatFloat(latest.Value, 'f', -1, 64)
	}
	b := cw.Batch{Source: prov, Entities: []cw.Entity{{ID: FearGreedEntity, Kind: cw.KindIndex, Name: "CMC Crypto Fear & Greed Index", Attrs: attrs}}}
	for _, p := range pts {
		if !since.IsZero() && p.Time.Before(cw.Day(since)) {
			continue
		}
		b.Observations = append(b.Observations, cw.Observation{Entity: FearGreedEntity, Metric: cw.MetricValue, Day: p.Time, Value: p.Value, Source: prov.ID})
	}
	sort.Slice(b.Observations, func(i, j int) bool { return b.Observations[i].Day.Before(b.Observations[j].Day) })
	return b
}
