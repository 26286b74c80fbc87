package coinmarketcap

import (
	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

// Name is the provider's --sources and --base-url key.
const Name = "coinmarketcap"

// EnvKey is the environment variable holding the API key; it wins over the config file.
const EnvKey = "CMC_PRO_API_KEY"

// Config is CoinMarketCap's part of the config file.
type Config struct {
	Keys struct {
		CoinMarketCap string `json:"coinmarketcap"`
	} `json:"keys"`
}

func init() {
	cw.RegisterProvider(cw.Provider{
		Name:    Name,
		Order:   40,
		KeyEnv:  []string{EnvKey},
		Sources: []cw.SourceID{SourceListings, SourceFearGreed, SourceWeeklyTop100, SourceMonthlyTop200, SourceStablecoinHistory},
		New: func(env cw.ProviderEnv) (cw.Source, string, error) {
			var c Config
			if err := env.Config(&c); err != nil {
				return nil, "", err
			}
			key := env.Key(EnvKey, c.Keys.CoinMarketCap)
			if key == "" {
				return nil, "no key (" + EnvKey + ")", nil
			}
			s, err := New(env.Client, Options{BaseURL: env.BaseURL, Key: key})
			if err != nil {
				return nil, "", err
			}
			return s, "", nil
		},
		// Basic plan: ~30 requests a minute (plus the monthly credit budget the connector reports).
		Limits: func(cw.ProviderEnv) map[string]httpx.Limit {
			return map[string]httpx.Limit{"pro-api.coinmarketcap.com": {Rate: 30.0 / 60, Burst: 2}}
		},
	})
}
