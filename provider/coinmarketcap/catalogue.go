package coinmarketcap

import cw "cryptoweekly"

// Metrics CoinMarketCap stores besides the shared ones of the root catalogue (cw.MetricPrice,
// …): its own rank and price changes, from the live listings and the bundled snapshot pages alike.
const (
	MetricPctChange24h cw.Metric = "pct_change_24h"
	MetricPctChange7d  cw.Metric = "pct_change_7d"
	MetricRank         cw.Metric = "rank"
)

// Definition ids of the series this provider describes in the root catalogue, for the report
// code that cites them.
const (
	DefFearGreed           cw.DefinitionID = "fng.cmc-fear-greed"
	DefStablecoinMarketCap cw.DefinitionID = "stablecoin.marketcap.cmc"
)
