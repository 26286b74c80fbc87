package lunarcrush

import (
	"errors"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

// Name is the provider's --sources and --base-url key.
const Name = "lunarcrush"

// EnvKey is the environment variable holding the API key; it wins over the config file.
const EnvKey = "LUNARCRUSH_API_KEY"

// Config is LunarCrush's part of the config file.
type Config struct {
	Keys struct {
		LunarCrush string `json:"lunarcrush"`
	} `json:"keys"`
}

func init() {
	cw.RegisterProvider(cw.Provider{
		Name:    Name,
		Order:   50,
		KeyEnv:  []string{EnvKey},
		Sources: []cw.SourceID{SourceTopics, SourceCoins},
		New: func(env cw.ProviderEnv) (cw.Source, string, error) {
			var c Config
			if err := env.Config(&c); err != nil {
				return nil, "", err
			}
			s, err := New(env.Client, Options{BaseURL: env.BaseURL, Key: env.Key(EnvKey, c.Keys.LunarCrush)})
			if errors.Is(err, ErrNoKey) {
				return nil, "no key (" + EnvKey + ")", nil
			}
			if err != nil {
				return nil, "", err
			}
			return s, "", nil
		},
		// Plan-dependent; third-party code assumes ~30 a minute (unverified).
		Limits: func(cw.ProviderEnv) map[string]httpx.Limit {
			l := httpx.Limit{Rate: 30.0 / 60, Burst: 2}
			return map[string]httpx.Limit{"lunarcrush.com": l, "api.lunarcrush.com": l}
		},
	})
}
