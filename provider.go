package cryptoweekly

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"cryptoweekly/internal/httpx"
)

// Provider is one data provider (provider/<name>): how to build its live connector and which
// provenance ids it stores. Providers register themselves from init, so adding one is one new
// folder plus one line in provider/all; ingest and the report learn about it from here.
type Provider struct {
	Name string // short name, also the --sources and --base-url key ("defillama")
	// Order places the provider in the default --sources list (lower first); ties by name.
	Order int
	// Sources lists every provenance id the provider stores, live or bundled, so the report can
	// name the provider behind a failed series (ProviderOf).
	Sources []SourceID
	// SourcePrefix claims ids made at run time ("news-" + feed host); "" for none.
	SourcePrefix string
	// KeyEnv names the environment variables holding its keys, for ingest's help; one entry
	// may name alternatives ("COINGECKO_DEMO_API_KEY / COINGECKO_PRO_API_KEY").
	KeyEnv []string
	// New builds the live connector. It returns a nil Source and a note ("no key
	// (CMC_PRO_API_KEY)") when the provider cannot run as configured. Nil for a provider that
	// only has bundled files.
	New func(ProviderEnv) (Source, string, error)
	// Limits gives the request budget of each host the provider calls, following its documented
	// free tier; it may depend on the configuration (a keyless tier is throttled harder). Hosts
	// no provider names get httpx.FallbackLimit. Env.Client is nil here: the budgets are needed
	// to build the client.
	Limits func(ProviderEnv) map[string]httpx.Limit
}

// ProviderEnv is what a provider's New gets from the command: the shared HTTP client, the
// --base-url override and access to the config file and environment, from which each provider
// reads its own settings and keys.
type ProviderEnv struct {
	Client  *httpx.Client
	BaseURL string // "" = the public API
	// ConfigJSON is the config file as read (nil: no file). Each provider decodes the keys it
	// owns with Config, so the file's format stays one object shared by all providers.
	ConfigJSON []byte
	// Getenv reads the environment; nil means os.Getenv. Keys from the environment win over the
	// config file.
	Getenv func(string) string
}

// Config decodes the config file onto v (fields v does not name are ignored). No file leaves v
// as it is.
func (e ProviderEnv) Config(v any) error {
	if len(e.ConfigJSON) == 0 {
		return nil
	}
	if err := json.Unmarshal(e.ConfigJSON, v); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// Key returns the environment variable name if set (trimmed), else fromFile: the environment
// wins, so a key can be rotated without editing the file.
func (e ProviderEnv) Key(name, fromFile string) string {
	get := e.Getenv
	if get == nil {
		get = os.Getenv
	}
	if v := strings.TrimSpace(get(name)); v != "" {
		return v
	}
	return strings.TrimSpace(fromFile)
}

var providers = struct {
	sync.RWMutex
	list []Provider
}{}

// RegisterProvider adds a provider; providers call it from init. A second provider with the same
// name, or a provenance id claimed by two providers, is a programming error and panics.
func RegisterProvider(p Provider) {
	providers.Lock()
	defer providers.Unlock()
	if p.Name == "" {
		panic("cryptoweekly: provider without a name")
	}
	for _, q := range providers.list {
		if q.Name == p.Name {
			panic(fmt.Sprintf("cryptoweekly: provider %s registered twice", p.Name))
		}
		for _, s := range p.Sources {
			for _, t := range q.Sources {
				if s == t {
					panic(fmt.Sprintf("cryptoweekly: source %s claimed by %s and %s", s, q.Name, p.Name))
				}
			}
		}
	}
	providers.list = append(providers.list, p)
}

// Providers lists the registered providers by Order, then name.
func Providers() []Provider {
	providers.RLock()
	defer providers.RUnlock()
	out := append([]Provider(nil), providers.list...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// LiveProviders lists the providers that have a live connector, in Providers order.
func LiveProviders() []Provider {
	var out []Provider
	for _, p := range Providers() {
		if p.New != nil {
			out = append(out, p)
		}
	}
	return out
}

// ProviderByName finds a registered provider.
func ProviderByName(name string) (Provider, bool) {
	for _, p := range Providers() {
		if p.Name == name {
			return p, true
		}
	}
	return Provider{}, false
}

// ProviderOf names the provider that stores a provenance id, or "" if none claims it. The report
// uses it to say which provider failed in the sections that read its series.
func ProviderOf(id SourceID) string {
	providers.RLock()
	defer providers.RUnlock()
	for _, p := range providers.list {
		for _, s := range p.Sources {
			if s == id {
				return p.Name
			}
		}
	}
	for _, p := range providers.list {
		if p.SourcePrefix != "" && strings.HasPrefix(string(id), p.SourcePrefix) {
			return p.Name
		}
	}
	return ""
}
