package report

import (
	"fmt"

	cw "cryptoweekly"
	"cryptoweekly/provider/coingecko"
	"cryptoweekly/provider/coinmarketcap"
)

// Config holds every filter and floor the report applies. The report prints it in its
// methodology footer, so a reader can tell exactly which tokens a "top gainer" could be.
type Config struct {
	TopN           int     `json:"top_n"`
	ChainMinTVL    float64 `json:"chain_min_tvl_usd"`
	ProtocolMinTVL float64 `json:"protocol_min_tvl_usd"`
	TokenMinVolume float64 `json:"token_min_volume_24h_usd"`
	// Categories never ranked among protocols: DefiLlama lists exchanges' and chains' own
	// balances as protocols but leaves them out of its DeFi rankings.
	ProtocolExcludeCategories []string `json:"protocol_exclude_categories"`
	// SectorWeightCap caps one constituent's weight in a sector index (percent; 0 = uncapped),
	// redistributing the excess pro rata, as capped indices such as the DeFi Pulse Index do.
	SectorWeightCap float64 `json:"sector_weight_cap_pct"`
	// Sectors are the "tracks": a token is a constituent if it carries any of the tags.
	Sectors []SectorDef `json:"sectors"`
	// Tag sets that exclude a token from the gainers list.
	StableTags  []string `json:"stable_tags"`
	WrappedTags []string `json:"wrapped_tags"`
	MemeTags    []string `json:"meme_tags"`
	// Price sources in order of preference; the first with two snapshots a week apart wins.
	PriceSources []string `json:"price_sources"`
}

// SectorDef names a sector and the tags that put a token in it.
type SectorDef struct {
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

// DefaultConfig is what `cryptoweekly report` uses unless flags say otherwise.
//
// Sector tags come from CoinMarketCap's coin tags ("cmc:"), the curated sector map
// ("curated:"/"curated-secondary:"), CoinMarketCap's boolean sector flags ("sector:") where they
// are reliable, and CoinGecko categories ("cg:") from live ingest. The layer-1/layer-2/defi/
// infrastructure flags of the bundled flag file are NOT used: they mark AAVE and 1INCH as layer 1.
func DefaultConfig() Config {
	return Config{
		TopN:                      5,
		ChainMinTVL:               1e9,
		ProtocolMinTVL:            30e6,
		TokenMinVolume:            10e6,
		ProtocolExcludeCategories: []string{"CEX", "Chain"},
		Sectors: []SectorDef{
			{"Layer 1", []string{"cmc:layer-1", "curated:l1-smart-contract", "curated-secondary:l1-smart-contract", "curated:move-vms", "curated:dino-coins", "cg:layer-1"}},
			{"Layer 2", []string{"cmc:layer-2", "curated:l2-scaling", "curated-secondary:l2-scaling", "cg:layer-2"}},
			{"DeFi", []string{"cmc:defi", "curated:defi-blue-chips", "curated-secondary:defi-blue-chips", "curated:dex-tokens", "curated-secondary:dex-tokens", "curated:legacy-defi", "curated-secondary:legacy-defi", "curated:yield-aggregators", "curated-secondary:yield-aggregators", "cg:decentralized-finance-defi"}},
			{"Meme", []string{"cmc:memes", "sector:meme", "curated:meme-coins", "curated-secondary:meme-coins", "cg:meme-token"}},
			{"AI", []string{"cmc:ai-big-data", "sector:ai", "curated:ai/compute", "curated-secondary:ai/compute", "cg:artificial-intelligence"}},
			{"Gaming", []string{"cmc:gaming", "sector:gaming", "curated:gaming/metaverse", "curated-secondary:gaming/metaverse", "cg:gaming"}},
			{"RWA", []string{"cmc:real-world-assets-protocols", "cmc:tokenized-assets", "sector:rwa", "curated:rwa", "curated-secondary:rwa", "cg:real-world-assets-rwa"}},
			{"Infrastructure", []string{"cmc:oracles", "cmc:depin", "cmc:storage", "curated:storage/infra", "curated-secondary:storage/infra", "curated:oracle-networks", "curated-secondary:oracle-networks", "cg:infrastructure"}},
			// CoinMarketCap's slug is centralized-exchange; its derived is_exchange flag
			// (sector:exchange) also marks DEX tokens such as CAKE and LRC, so it is not used.
			{"Exchange", []string{"cmc:centralized-exchange", "curated:exchange-tokens", "curated-secondary:exchange-tokens", "cg:exchange-based-tokens"}},
		},
		StableTags: []string{"sector:stablecoin", "cmc:stablecoin", "cmc:fiat-stablecoin", "curated:stablecoins", "curated-secondary:stablecoins", "cg:stablecoins"},
		// A wrapped or staked token is one whose price tracks another asset (WBTC, stETH,
		// JitoSOL, weETH): the tags that mark such tokens themselves. CoinMarketCap's
		// liquid-staking-derivatives tag and the curated LST/LRT sector mark the staking
		// protocols' governance tokens (LDO, JTO, ENA, ETHFI), which trade on their own.
		WrappedTags: []string{"cmc:wrapped-tokens", "cg:wrapped-tokens", "cg:liquid-staking-tokens", "cg:liquid-restaking-tokens", "cg:bridged-tokens"},
		MemeTags:    []string{"cmc:memes", "sector:meme", "curated:meme-coins", "curated-secondary:meme-coins", "cg:meme-token"},
		// Weekly snapshots of the whole listing first; daily charts of the largest coins fill the
		// first live week, before a second snapshot exists. CoinGecko's bundled daily top-100
		// pages (prices only) are the universe of the weeks after CoinMarketCap's snapshots end
		// (2025-08 to 2026-05).
		PriceSources: []string{string(coingecko.SourceMarkets), string(coinmarketcap.SourceListings), string(coingecko.SourceMarketChart),
			string(coinmarketcap.SourceWeeklyTop100), string(coinmarketcap.SourceMonthlyTop200), string(coingecko.SourceTop100Daily)},
	}
}

// Validate rejects settings that would make the report meaningless.
func (c Config) Validate() error {
	if c.TopN < 1 || c.TopN > 100 {
		return fmt.Errorf("config: top-n %d out of range 1..100", c.TopN)
	}
	// Written so that NaN fails every test: a NaN floor would switch the floor off and print
	// as "$%!(BADPREC)NaN"; an infinite one would fail only after report.md was written.
	for _, f := range []struct {
		name string
		v    float64
	}{{"chain-min-tvl", c.ChainMinTVL}, {"protocol-min-tvl", c.ProtocolMinTVL}, {"min-volume", c.TokenMinVolume}} {
		if !(f.v >= 0 && f.v <= cw.MaxUSD) {
			return fmt.Errorf("config: %s %g out of range 0..%g (USD)", f.name, f.v, cw.MaxUSD)
		}
	}
	if !(c.SectorWeightCap >= 0 && c.SectorWeightCap <= 100) {
		return fmt.Errorf("config: sector weight cap %g%% out of range 0..100", c.SectorWeightCap)
	}
	return nil
}

// PriceSourceIDs is PriceSources as provenance ids.
func (c Config) PriceSourceIDs() []cw.SourceID {
	out := make([]cw.SourceID, len(c.PriceSources))
	for i, s := range c.PriceSources {
		out[i] = cw.SourceID(s)
	}
	return out
}
