package coinglass

import (
	"errors"
	"fmt"
	"regexp"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

// Config is CoinGlass's part of the config file. The perpetuals default to the Binance
// provider's configured symbols, so liquidations cover the contracts funding and open interest
// describe.
type Config struct {
	Keys struct {
		CoinGlass string `json:"coinglass"`
	} `json:"keys"`
	CoinGlass struct {
		Symbols []string `json:"symbols"`
	} `json:"coinglass"`
	Binance struct {
		Symbols []string `json:"symbols"`
	} `json:"binance"`
}

// usdtPerp is a Binance USDT-margined perpetual's symbol, the contract ids rely on it.
var usdtPerp = regexp.MustCompile(`^[A-Z0-9]{2,20}USDT$`)

func init() {
	cw.RegisterProvider(cw.Provider{
		Name:    Name,
		Order:   75,
		KeyEnv:  []string{EnvKey},
		Sources: []cw.SourceID{SourceLiquidations},
		New: func(env cw.ProviderEnv) (cw.Source, string, error) {
			var c Config
			if err := env.Config(&c); err != nil {
				return nil, "", err
			}
			syms := c.CoinGlass.Symbols
			if len(syms) == 0 {
				syms = c.Binance.Symbols
			}
			for _, sym := range syms {
				if !usdtPerp.MatchString(sym) {
					return nil, "", fmt.Errorf("config: coinglass.symbols: %q is not a Binance USDT-margined perpetual such as BTCUSDT", sym)
				}
			}
			s, err := New(env.Client, Options{BaseURL: env.BaseURL, Key: env.Key(EnvKey, c.Keys.CoinGlass), Symbols: syms})
			if errors.Is(err, ErrNoKey) {
				return nil, "no key (" + EnvKey + ", a paid CoinGlass plan): liquidations stay unavailable", nil
			}
			if err != nil {
				return nil, "", err
			}
			return s, "", nil
		},
		// The per-minute limit depends on the paid plan (each response reports it in
		// API-KEY-MAX-LIMIT; the documentation gives no figure): 15 a minute is a cautious budget
		// for a run of one request per symbol, and a 429 is waited out by httpx.
		Limits: func(cw.ProviderEnv) map[string]httpx.Limit {
			return map[string]httpx.Limit{"open-api-v4.coinglass.com": {Rate: 0.25, Burst: 1}}
		},
	})
}
