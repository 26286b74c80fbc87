package coingecko

import cw "cryptoweekly"

// Metrics CoinGecko stores besides the shared ones of the root catalogue (cw.MetricPrice, …):
// its own market-cap rank and price changes, and the /global totals.
const (
	MetricETHDominancePct   cw.Metric = "eth_dominance_pct"
	MetricPctChange24h      cw.Metric = "pct_change_24h"
	MetricPctChange7d       cw.Metric = "pct_change_7d"
	MetricRank              cw.Metric = "rank"
	MetricTotalMarketCapUSD cw.Metric = "total_market_cap_usd"
	MetricTotalVolumeUSD    cw.Metric = "total_volume_usd"
)

// Definition ids of the series this provider describes in the root catalogue, for the report
// code that cites them.
const (
	DefDominanceGlobal cw.DefinitionID = "dominance.coingecko-global"
	// The daily history of /global/market_cap_chart: a different instant from the snapshot's
	// (00:00 UTC of the day, not the fetch time), hence its own ids.
	DefTotalCapChart    cw.DefinitionID = "market.total-cap.coingecko-global-chart"
	DefTotalVolumeChart cw.DefinitionID = "market.total-volume.coingecko-global-chart"
	// A category's market cap and 24h volume from /coins/categories.
	DefCategoryMarketCap cw.DefinitionID = "market-cap.coingecko-category"
	DefCategoryVolume    cw.DefinitionID = "volume.coingecko-category"
)
