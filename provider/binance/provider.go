package binance

import (
	"fmt"
	"regexp"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

// Name is the provider's --sources and --base-url key.
const Name = "binance"

// Config is Binance's part of the config file: {"binance": {"symbols": ["BTCUSDT"]}}.
type Config struct {
	Binance struct {
		Symbols []string `json:"symbols"`
	} `json:"binance"`
}

// usdtPerp is the symbol form of a USDT-margined perpetual; ContractID relies on it.
var usdtPerp = regexp.MustCompile(`^[A-Z0-9]{2,20}USDT$`)

func init() {
	cw.RegisterProvider(cw.Provider{
		Name:    Name,
		Order:   70,
		Sources: []cw.SourceID{SourceFunding, SourceOpenInterest, SourceFundingHistory, SourceSpotDaily},
		New: func(env cw.ProviderEnv) (cw.Source, string, error) {
			var c Config
			if err := env.Config(&c); err != nil {
				return nil, "", err
			}
			for _, sym := range c.Binance.Symbols {
				if !usdtPerp.MatchString(sym) {
					return nil, "", fmt.Errorf("config: binance.symbols: %q is not a USDT-margined perpetual such as BTCUSDT", sym)
				}
			}
			return New(env.Client, env.BaseURL, c.Binance.Symbols), "", nil
		},
		// Binance budgets by request weight per IP: 2400 a minute overall, fundingRate (weight 1)
		// also 500 per 5 minutes, openInterest weight 1, openInterestHist weight 0 but 1000 per
		// 5 minutes. No endpoint called weighs more than 1 and the tightest of these allows 100
		// a minute, so one request a second (60 a minute, bursts of 2) keeps every budget; a run
		// for three symbols makes nine requests.
		Limits: func(cw.ProviderEnv) map[string]httpx.Limit {
			return map[string]httpx.Limit{"fapi.binance.com": {Rate: 1, Burst: 2}}
		},
	})
}
