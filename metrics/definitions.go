package metrics

import (
	"fmt"
	"sort"

	cw "cryptoweekly"
	"cryptoweekly/report"
)

// The figures the sections derive rather than read are described here; stored series are
// described by the providers that store them.
func init() {
	for _, d := range []cw.Definition{
		{ID: "price.", Metric: cw.MetricPrice,
			Text: "Token price in USD from the {} snapshots; weekly return = last snapshot on or before the week's end over the last snapshot on or before the week's start."},
		{ID: "dominance.snapshot-universe.", Metric: metricBTCDominanceUniverse,
			Text: "BTC market cap over the summed market cap of every token in the price snapshot ({}): a top-N universe, not the whole market."},
		{ID: defCategorySum, Text: "Sum of protocol TVL over the protocols of one DefiLlama category that have history in the store."},
	} {
		cw.RegisterDefinition(d)
	}
}

// metricBTCDominanceUniverse is never stored: it names the tokens section's dominance figure
// computed over a price snapshot, so the catalogue can give it a definition per source.
const metricBTCDominanceUniverse cw.Metric = "btc_dominance_universe"

const defCategorySum cw.DefinitionID = "tvl.protocols.category-sum"

func definitionID(m cw.Metric, s cw.SourceID) string { return string(cw.DefinitionOf(m, s)) }

func (w *week) methodology() {
	m := &w.r.Methodology
	c := w.cfg
	m.Settings = []report.Setting{
		{Name: "week", Value: fmt.Sprintf("(%s, %s] in UTC days; week-over-week figures compare %s with %s", w.r.WeekStart, w.r.WeekEnd, w.r.WeekStart, w.r.WeekEnd)},
		{Name: "top N", Value: fmt.Sprint(c.TopN)},
		{Name: "chain TVL floor", Value: report.USD(c.ChainMinTVL)},
		{Name: "protocol TVL floor (at week end)", Value: report.USD(c.ProtocolMinTVL)},
		{Name: "token 24h-volume floor (at the end snapshot)", Value: report.USD(c.TokenMinVolume)},
		{Name: "price sources, in order of preference", Value: joinTags(c.PriceSources)},
		{Name: "stablecoin tags (excluded from gainers)", Value: joinTags(c.StableTags)},
		{Name: "wrapped/staked tags (excluded from gainers)", Value: joinTags(c.WrappedTags) + "; plus names with wrapped/staked/bridged and symbols like WBTC, stETH"},
		{Name: "meme tags (listed as meme gainers)", Value: joinTags(c.MemeTags)},
		{Name: "protocol categories not ranked", Value: joinTags(c.ProtocolExcludeCategories)},
		{Name: "sector constituent weight cap", Value: capText(c.SectorWeightCap)},
	}
	for _, s := range c.Sectors {
		m.Settings = append(m.Settings, report.Setting{Name: "sector " + s.Name, Value: joinTags(s.Tags)})
	}
	ids := make([]string, 0, len(w.defs))
	for id := range w.defs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		m.Definitions = append(m.Definitions, report.Definition{ID: id, Text: cw.DefinitionText(cw.DefinitionID(id))})
	}
	m.Rules = []string{
		"A figure the data cannot support is shown as unavailable with the reason; nothing is interpolated or invented.",
		"Weekly or monthly snapshot series use the latest snapshot on or before each end of the week, and the report names the dates used.",
		"Sector returns are market-cap-weighted by market cap at the start snapshot; stablecoins are never sector constituents.",
		"Overview and outlook sentences are built only from figures printed in the sections.",
		"cryptoweekly is an analysis tool: nothing here is investment advice or a trading service.",
	}
}

func capText(c float64) string {
	if c <= 0 {
		return "none (pure market-cap weights)"
	}
	return fmt.Sprintf("%g%%, excess redistributed pro rata", c)
}
