package cryptoweekly

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Metric names what an observation measures. The vocabulary is shared by every provider (two
// providers' "price" are the same kind of number), so the names live here; which provider's
// series of a metric a figure uses is told by its SourceID.
type Metric string

// The metrics the report reads. A provider may store others (open/high/low candles, ranks of its
// own); those stay constants of the provider.
const (
	MetricValue             Metric = "value"              // an index level (Fear & Greed)
	MetricTVL               Metric = "tvl"                // DefiLlama's default TVL definition
	MetricTVLLegacy         Metric = "tvl_legacy"         // DefiLlama's legacy /charts TVL
	MetricCirculatingUSD    Metric = "circulating_usd"    // stablecoin supply in USD
	MetricPrice             Metric = "price"              // USD price
	MetricClose             Metric = "close"              // USD daily close of a candle
	MetricMarketCap         Metric = "market_cap"         // USD market cap
	MetricVolume24h         Metric = "volume_24h"         // USD 24h trading volume
	MetricCirculatingSupply Metric = "circulating_supply" // units of the coin
	MetricDEXVolume         Metric = "dex_volume"         // USD DEX volume of one UTC day
	MetricOpenInterestUSD   Metric = "open_interest_usd"  // USD open interest at the daily close
	MetricBTCDominancePct   Metric = "btc_dominance_pct"  // BTC share of the whole market, percent
	MetricTopicRank         Metric = "topic_rank"         // social topic rank (1 = hottest)
	MetricTrendRank         Metric = "trend_rank"         // search-trending rank (1 = most searched)
	MetricPublished         Metric = "published"          // a news item's publication day (value 1)
)

// SourceID is a provenance id: one series family of one provider ("defillama-chain-tvl"). Each
// provider owns the constants of its ids; no other package spells them.
type SourceID string

// DefinitionID names what a figure measures, so two figures with one label but different
// definitions (DefiLlama's v2 TVL and its legacy /charts TVL) are never confused. The report's
// methodology footer prints the text of every definition its figures cite.
type DefinitionID string

// Definition is one entry of the series catalogue: the (source, metric) series it covers, and
// what the series means. Source "" covers every source of the metric that has no entry of its
// own.
type Definition struct {
	ID     DefinitionID
	Source SourceID
	Metric Metric
	Text   string
}

var catalogue = struct {
	sync.RWMutex
	bySeries map[[2]string]Definition
	byID     map[DefinitionID]string
}{bySeries: map[[2]string]Definition{}, byID: map[DefinitionID]string{}}

// RegisterDefinition adds a series to the catalogue. Providers call it from init for the series
// they store, sections for the figures they derive (Source and Metric empty). Registering one
// series or id twice with different meanings is a programming error and panics.
func RegisterDefinition(d Definition) {
	catalogue.Lock()
	defer catalogue.Unlock()
	if d.ID == "" {
		panic("cryptoweekly: definition without an id")
	}
	if old, ok := catalogue.byID[d.ID]; ok && old != d.Text && d.Text != "" && old != "" {
		panic(fmt.Sprintf("cryptoweekly: definition %s registered twice with different texts", d.ID))
	}
	if d.Text != "" || catalogue.byID[d.ID] == "" {
		catalogue.byID[d.ID] = d.Text
	}
	if d.Metric == "" {
		return
	}
	k := [2]string{string(d.Source), string(d.Metric)}
	if old, ok := catalogue.bySeries[k]; ok && old.ID != d.ID {
		panic(fmt.Sprintf("cryptoweekly: series %s/%s registered as %s and %s", d.Source, d.Metric, old.ID, d.ID))
	}
	catalogue.bySeries[k] = d
}

// DefinitionOf is the definition id of a stored (metric, source) series: the source's own entry,
// else the metric's entry for any source, else "<metric>.<source>" (a series nobody described).
// A family entry, whose id ends in ".", gives "<id><source>".
func DefinitionOf(m Metric, s SourceID) DefinitionID {
	catalogue.RLock()
	defer catalogue.RUnlock()
	d, ok := catalogue.bySeries[[2]string{string(s), string(m)}]
	if !ok {
		d, ok = catalogue.bySeries[[2]string{"", string(m)}]
	}
	switch {
	case !ok:
		return DefinitionID(string(m) + "." + string(s))
	case strings.HasSuffix(string(d.ID), "."):
		// A family entry ("price.") names one definition per source.
		return d.ID + DefinitionID(s)
	}
	return d.ID
}

// DefinitionText explains a definition id ("as stored" for one nobody described). Ids ending in
// a source ("price.coingecko-markets") are explained by their family's entry ("price.").
func DefinitionText(id DefinitionID) string {
	catalogue.RLock()
	defer catalogue.RUnlock()
	if t, ok := catalogue.byID[id]; ok && t != "" {
		return t
	}
	// Family entries end in "." and take the rest of the id as their argument.
	fams := make([]string, 0)
	for k := range catalogue.byID {
		if strings.HasSuffix(string(k), ".") && strings.HasPrefix(string(id), string(k)) {
			fams = append(fams, string(k))
		}
	}
	sort.Slice(fams, func(i, j int) bool { return len(fams[i]) > len(fams[j]) })
	if len(fams) > 0 {
		return strings.ReplaceAll(catalogue.byID[DefinitionID(fams[0])], "{}", strings.TrimPrefix(string(id), fams[0]))
	}
	return "as stored"
}
