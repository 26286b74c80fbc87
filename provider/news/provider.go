package news

import cw "cryptoweekly"

// Name is the provider's --sources key.
const Name = "news"

// Config is the news watch's part of the config file.
type Config struct {
	Feeds []string `json:"feeds"` // RSS/Atom feeds for the regulatory/news watch
}

func init() {
	cw.RegisterProvider(cw.Provider{
		Name:  Name,
		Order: 60,
		// One provenance id per feed host, made at run time (ProvenanceID).
		SourcePrefix: SourcePrefix,
		New: func(env cw.ProviderEnv) (cw.Source, string, error) {
			var c Config
			if err := env.Config(&c); err != nil {
				return nil, "", err
			}
			if len(c.Feeds) == 0 {
				return nil, "no feeds configured (--feed or config feeds)", nil
			}
			s, err := New(env.Client, Options{Feeds: c.Feeds})
			if err != nil {
				return nil, "", err
			}
			return s, "", nil
		},
	})
}
