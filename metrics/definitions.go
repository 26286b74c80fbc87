package metrics

import (
	"fmt"
	"sort"

	"cryptoweekly/report"
)

// definitionID names what a (metric, source) series measures, so two figures with the same label
// but different definitions (DefiLlama's v2 TVL and its legacy /charts TVL) are never confused.
func definitionID(metric, source string) string {
	switch {
	case metric == "value" && source == "alternativeme-fng":
		return "fng.alternative.me"
	case metric == "value":
		return "fng." + source
	case metric == "tvl_legacy" && source == "defillama-chain-tvl-solana-charts":
		return "tvl.legacy.charts-chain"
	case metric == "tvl_legacy":
		return "tvl.legacy.all-chains"
	case metric == "tvl" && (source == "defillama-protocol-tvl" || source == "defillama-protocols"):
		return "tvl.protocol"
	case metric == "tvl":
		return "tvl.v2"
	case metric == "circulating_usd":
		return "stablecoin.circulating.defillama"
	case metric == "market_cap" && source == "cmc-stablecoin-history":
		return "stablecoin.marketcap.cmc"
	case metric == "price":
		return "price." + source
	case metric == "btc_dominance_universe":
		return "dominance.snapshot-universe." + source
	case metric == "btc_dominance_pct":
		return "dominance.coingecko-global"
	case metric == "open_interest_usd":
		return "oi.binance-perp.coinalyze"
	case metric == "dex_volume":
		return "dex.volume.defillama"
	}
	return metric + "." + source
}

var definitionText = map[string]string{
	"fng.alternative.me":               "alternative.me Crypto Fear & Greed Index, 0–100, daily; zones 0–25 Extreme Fear, 26–46 Fear, 47–54 Neutral, 55–75 Greed, 76–100 Extreme Greed.",
	"fng.cmc-fear-greed":               "CoinMarketCap Fear & Greed Index, 0–100, daily.",
	"tvl.legacy.all-chains":            "DefiLlama legacy all-chains total (api.llama.fi/charts, totalLiquidityUSD). Appears to include liquid staking and double-counted TVL; well above DefiLlama's default headline.",
	"tvl.legacy.charts-chain":          "DefiLlama legacy per-chain total (api.llama.fi/charts/{chain}); not the v2 definition used for the other chains.",
	"tvl.v2":                           "DefiLlama default TVL (api.llama.fi/v2/historicalChainTvl): excludes liquid staking and double-counted TVL.",
	"tvl.protocol":                     "DefiLlama protocol TVL (api.llama.fi/protocol/{slug}, tvl[].totalLiquidityUSD), summed over the protocol's chains.",
	"tvl.protocols.category-sum":       "Sum of protocol TVL over the protocols of one DefiLlama category that have history in the store.",
	"stablecoin.circulating.defillama": "Circulating supply in USD as DefiLlama's stablecoin dashboard reports it.",
	"stablecoin.marketcap.cmc":         "CoinMarketCap market cap of the stablecoin (historical data download).",
	"oi.binance-perp.coinalyze":        "Open interest in USD at the daily close of Binance perpetual contracts, via Coinalyze.",
	"dex.volume.defillama":             "DefiLlama DEX volume (api.llama.fi/overview/dexs), daily totals summed over 7 UTC days.",
	"dominance.coingecko-global":       "BTC share of total crypto market cap, CoinGecko /global.",
}

func definitionFor(id string) string {
	if t, ok := definitionText[id]; ok {
		return t
	}
	switch {
	case len(id) > 6 && id[:6] == "price.":
		return "Token price in USD from the " + id[6:] + " snapshots; weekly return = last snapshot on or before the week's end over the last snapshot on or before the week's start."
	case len(id) > 27 && id[:27] == "dominance.snapshot-universe":
		return "BTC market cap over the summed market cap of every token in the price snapshot (" + id[28:] + "): a top-N universe, not the whole market."
	}
	return "as stored"
}

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
		m.Definitions = append(m.Definitions, report.Definition{ID: id, Text: definitionFor(id)})
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
