package alternativeme

import (
	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

// Name is the provider's --sources and --base-url key.
const Name = "alternativeme"

func init() {
	cw.RegisterProvider(cw.Provider{
		Name:    Name,
		Order:   10,
		Sources: []cw.SourceID{SourceFearGreed},
		New: func(env cw.ProviderEnv) (cw.Source, string, error) {
			var opts []Option
			if env.BaseURL != "" {
				opts = append(opts, WithBaseURL(env.BaseURL))
			}
			return New(env.Client, opts...), "", nil
		},
		// No documented limit; one call a week is enough.
		Limits: func(cw.ProviderEnv) map[string]httpx.Limit {
			return map[string]httpx.Limit{"api.alternative.me": {Rate: 1, Burst: 1}}
		},
	})
}
