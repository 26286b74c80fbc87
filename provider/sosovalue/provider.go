package sosovalue

import (
	"errors"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

// Config is SoSoValue's part of the config file.
type Config struct {
	Keys struct {
		SoSoValue string `json:"sosovalue"`
	} `json:"keys"`
	SoSoValue struct {
		Symbols []string `json:"symbols"` // assets whose US spot ETFs to fetch (default BTC, ETH, SOL)
	} `json:"sosovalue"`
}

func init() {
	cw.RegisterProvider(cw.Provider{
		Name:    Name,
		Order:   115,
		KeyEnv:  []string{EnvKey},
		Sources: []cw.SourceID{SourceSummary, SourceFunds},
		New: func(env cw.ProviderEnv) (cw.Source, string, error) {
			var c Config
			if err := env.Config(&c); err != nil {
				return nil, "", err
			}
			s, err := New(env.Client, Options{BaseURL: env.BaseURL, Key: env.Key(EnvKey, c.Keys.SoSoValue), Symbols: c.SoSoValue.Symbols})
			if errors.Is(err, ErrNoKey) {
				return nil, "no key (" + EnvKey + ", a free demo key at sosovalue.com)", nil
			}
			if err != nil {
				return nil, "", err
			}
			return s, "", nil
		},
		// The demo plan allows 20 requests a minute (and a monthly quota): one every 3.2 s keeps
		// a run of ~35 requests under it with room for a retry.
		Limits: func(cw.ProviderEnv) map[string]httpx.Limit {
			return map[string]httpx.Limit{"openapi.sosovalue.com": {Rate: 1 / 3.2, Burst: 1}}
		},
	})
	for _, d := range []cw.Definition{
		{ID: DefFlow, Source: SourceSummary, Metric: cw.MetricETFFlow,
			Text: "Net inflow (creations minus redemptions) of US spot ETFs in USD per US trading day as SoSoValue reports it (total_net_inflow for all of an asset's funds, net_inflow per fund); a week sums its trading days."},
		{ID: DefFlow, Source: SourceFunds, Metric: cw.MetricETFFlow},
		{ID: DefAUM, Source: SourceSummary, Metric: cw.MetricETFAUM,
			Text: "Net assets of US spot ETFs in USD at a trading day's close as SoSoValue reports them (total_net_assets, net_assets)."},
		{ID: DefAUM, Source: SourceFunds, Metric: cw.MetricETFAUM},
		{ID: DefCumFlow, Source: SourceSummary, Metric: cw.MetricETFCumFlow,
			Text: "Cumulative net inflow of US spot ETFs since launch in USD to a trading day as SoSoValue reports it (cum_net_inflow, cum_inflow)."},
		{ID: DefCumFlow, Source: SourceFunds, Metric: cw.MetricETFCumFlow},
	} {
		cw.RegisterDefinition(d)
	}
}
