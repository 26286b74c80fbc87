package smoothbrainquant

import cw "cryptoweekly"

// Metrics of the dataset besides the shared ones of the root catalogue (cw.MetricClose, …):
// the rest of a Coinbase candle, the upstream's derived market cap and the CMC category snapshot.
const (
	MetricAvgPriceChangePct  cw.Metric = "avg_price_change_pct"
	MetricMarketCapChangePct cw.Metric = "market_cap_change_pct"
	MetricNumTokens          cw.Metric = "num_tokens"
	MetricHigh               cw.Metric = "high"
	MetricLow                cw.Metric = "low"
	MetricMarketCapDerived   cw.Metric = "market_cap_derived"
	MetricOpen               cw.Metric = "open"
	MetricVolumeBase         cw.Metric = "volume_base"
)

// Definition ids of the series this provider describes in the root catalogue, for the report
// code that cites them.
const (
	DefOpenInterestBinancePerp cw.DefinitionID = "oi.binance-perp.coinalyze"
)
