package defillama

import (
	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

// Name is the provider's --sources and --base-url key.
const Name = "defillama"

// Shortlist defaults: without a configured protocol list, ingest fetches the histories of the
// protocols the weekly report can rank, those above the report's default protocol TVL floor
// ($30M) that moved most or are largest. The floor is DefiLlama's own setting here, so the
// connector does not depend on the report's configuration.
const (
	DefaultShortlist       = 40
	DefaultShortlistMinTVL = 30e6
)

// Config is DefiLlama's part of the config file.
type Config struct {
	Protocols []string `json:"protocols"` // DefiLlama slugs whose TVL history to fetch
	Chains    []string `json:"chains"`    // chains whose TVL/DEX history to fetch (default: top by TVL)
	// PriceHistory names CoinGecko ids whose daily prices to backfill from coins.llama.fi
	// (keyless, longer than CoinGecko's keyless 365 days).
	PriceHistory []string `json:"price_history"`
}

func init() {
	cw.RegisterProvider(cw.Provider{
		Name:  Name,
		Order: 20,
		Sources: []cw.SourceID{SourceProtocols, SourceProtocolTVL, SourceDefiTVL, SourceChainTVL, SourceDexVolume, SourcePerpsVolume, SourceStablecoins, SourceCoins,
			SourceProtocolsList, SourceDefiTVLLegacy, SourceStablecoinsTotal, SourceChainTVLSolanaCharts, SourceDefiTVLExport, SourceDexVolumeExport, SourceChainTVLWeekly},
		New: func(env cw.ProviderEnv) (cw.Source, string, error) {
			var c Config
			if err := env.Config(&c); err != nil {
				return nil, "", err
			}
			o := Options{Protocols: c.Protocols, Chains: c.Chains, PriceHistory: c.PriceHistory, Shortlist: DefaultShortlist, ShortlistMinTVL: DefaultShortlistMinTVL}
			if env.BaseURL != "" {
				o.APIURL, o.StablecoinsURL, o.CoinsURL = env.BaseURL, env.BaseURL, env.BaseURL
			}
			return New(env.Client, o), "", nil
		},
		// No published number ("Standard"); responses are CDN-cached for 10 min and the unverified
		// community figure is ~300/min, so at most 1 request a second per host.
		Limits: func(cw.ProviderEnv) map[string]httpx.Limit {
			l := httpx.Limit{Rate: 1, Burst: 3}
			return map[string]httpx.Limit{"api.llama.fi": l, "stablecoins.llama.fi": l, "coins.llama.fi": l, "yields.llama.fi": l}
		},
	})
}
