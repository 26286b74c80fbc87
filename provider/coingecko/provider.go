package coingecko

import (
	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

// Name is the provider's --sources and --base-url key.
const Name = "coingecko"

// Environment variables holding the keys; they win over the config file.
const (
	EnvDemoKey = "COINGECKO_DEMO_API_KEY"
	EnvProKey  = "COINGECKO_PRO_API_KEY"
)

// Config is CoinGecko's part of the config file.
type Config struct {
	Keys struct {
		Demo string `json:"coingecko_demo"`
		Pro  string `json:"coingecko_pro"`
	} `json:"keys"`
}

func keys(env cw.ProviderEnv) (demo, pro string, err error) {
	var c Config
	if err := env.Config(&c); err != nil {
		return "", "", err
	}
	return env.Key(EnvDemoKey, c.Keys.Demo), env.Key(EnvProKey, c.Keys.Pro), nil
}

func init() {
	cw.RegisterProvider(cw.Provider{
		Name:    Name,
		Order:   30,
		KeyEnv:  []string{EnvDemoKey + " / " + EnvProKey},
		Sources: []cw.SourceID{SourceMarkets, SourceCategories, SourceMarketChart, SourceTrending, SourceGlobal, SourceGlobalChart, SourceTop100Daily, SourceCategoryCaps},
		New: func(env cw.ProviderEnv) (cw.Source, string, error) {
			demo, pro, err := keys(env)
			if err != nil {
				return nil, "", err
			}
			// Daily charts for the largest coins give a first ingest a week of prices; keyless
			// access is throttled to a few calls a minute, so it charts fewer.
			top := 100
			if demo == "" && pro == "" {
				top = 20
			}
			s, err := New(env.Client, Options{BaseURL: env.BaseURL, DemoKey: demo, ProKey: pro, ChartTop: top})
			if err != nil {
				return nil, "", err
			}
			return s, "", nil
		},
		// Demo: "~30 calls per minute" (the pricing page says 100/min; designed for 30). Keyless
		// public access is throttled well below that, about 5–10 calls a minute.
		Limits: func(env cw.ProviderEnv) map[string]httpx.Limit {
			demo := httpx.Limit{Rate: 30.0 / 60, Burst: 2}
			if d, p, err := keys(env); err == nil && d == "" && p == "" {
				demo = httpx.Limit{Rate: 6.0 / 60, Burst: 2}
			}
			return map[string]httpx.Limit{"api.coingecko.com": demo, "pro-api.coingecko.com": {Rate: 30.0 / 60, Burst: 2}}
		},
	})
}
