package defillama

import cw "cryptoweekly"

// Metrics DefiLlama stores besides the shared ones of the root catalogue (cw.MetricTVL, …).
const (
	MetricDEXVolume24h cw.Metric = "dex_volume_24h"
)

// Definition ids of the series this provider describes in the root catalogue, for the report
// code that cites them.
const (
	DefTVLLegacyAllChains    cw.DefinitionID = "tvl.legacy.all-chains"
	DefTVLV2                 cw.DefinitionID = "tvl.v2"
	DefTVLProtocol           cw.DefinitionID = "tvl.protocol"
	DefStablecoinCirculating cw.DefinitionID = "stablecoin.circulating.defillama"
	DefDEXVolume             cw.DefinitionID = "dex.volume.defillama"
	DefPerpsVolume           cw.DefinitionID = "perps.volume.defillama"
	DefTVLLegacyChartsChain  cw.DefinitionID = "tvl.legacy.charts-chain"
)
