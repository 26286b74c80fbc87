package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cryptoweekly/report"
)

// Config is the optional config file ($XDG_CONFIG_HOME/cryptoweekly/config.json). Keys may also
// come from the environment, which wins. Keys are never printed, logged or archived.
type Config struct {
	Keys struct {
		CoinGeckoDemo string `json:"coingecko_demo"`
		CoinGeckoPro  string `json:"coingecko_pro"`
		CoinMarketCap string `json:"coinmarketcap"`
		LunarCrush    string `json:"lunarcrush"`
	} `json:"keys"`
	Feeds     []string `json:"feeds"`     // RSS/Atom feeds for the regulatory/news watch
	Protocols []string `json:"protocols"` // DefiLlama slugs whose TVL history to fetch
	Chains    []string `json:"chains"`    // chains whose TVL/DEX history to fetch (default: top by TVL)
	// Report holds the report's floors, filters and sectors; fields left out keep their defaults.
	Report *report.Config `json:"report"`
}

func defaultConfigPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "cryptoweekly", "config.json")
}

func loadConfig(path string, explicit bool) (Config, error) {
	var c Config
	b, err := os.ReadFile(path)
	switch {
	case err != nil && !explicit && errors.Is(err, os.ErrNotExist):
	case err != nil:
		return c, fmt.Errorf("config: %w", err)
	default:
		var raw struct {
			Report json.RawMessage `json:"report"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
		if err := json.Unmarshal(b, &raw); err == nil && len(raw.Report) > 0 {
			// Unmarshal onto the defaults, so a file naming one floor keeps every other default.
			rc := report.DefaultConfig()
			if err := json.Unmarshal(raw.Report, &rc); err != nil {
				return c, fmt.Errorf("config %s: report: %w", path, err)
			}
			c.Report = &rc
		}
	}
	env := func(dst *string, name string) {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			*dst = v
		}
	}
	env(&c.Keys.CoinGeckoDemo, "COINGECKO_DEMO_API_KEY")
	env(&c.Keys.CoinGeckoPro, "COINGECKO_PRO_API_KEY")
	env(&c.Keys.CoinMarketCap, "CMC_PRO_API_KEY")
	env(&c.Keys.LunarCrush, "LUNARCRUSH_API_KEY")
	return c, nil
}
