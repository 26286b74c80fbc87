package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"cryptoweekly/internal/rawfile"
	"cryptoweekly/report"
)

// Config is the optional config file ($XDG_CONFIG_HOME/cryptoweekly/config.json): one JSON object
// whose "report" object sets the report's floors, filters and sectors, and whose other keys
// ("keys", "feeds", "protocols", "chains") belong to the providers, each of which decodes its own
// part (and its keys from the environment, which wins). Keys are never printed, logged or
// archived.
type Config struct {
	// Raw is the file as read (nil: no file), handed to the providers.
	Raw json.RawMessage
	// Report holds the report's floors, filters and sectors; fields left out keep their defaults.
	Report *report.Config
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
		if err := rawfile.CheckText(path, b); err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		var raw struct {
			Report json.RawMessage `json:"report"`
		}
		if err := json.Unmarshal(b, &raw); err != nil {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
		c.Raw = b
		if len(raw.Report) > 0 {
			// Unmarshal onto the defaults, so a file naming one floor keeps every other default.
			// A misspelt field would silently keep its default (a volume floor not applied),
			// so every field must be one the report knows.
			rc := report.DefaultConfig()
			dec := json.NewDecoder(bytes.NewReader(raw.Report))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rc); err != nil {
				return c, fmt.Errorf("config %s: report: %w", path, err)
			}
			c.Report = &rc
		}
	}
	return c, nil
}

// withFeeds adds the --feed flags to the config's "feeds" list, which the news provider reads.
func withFeeds(raw json.RawMessage, feeds []string) (json.RawMessage, error) {
	if len(feeds) == 0 {
		return raw, nil
	}
	doc := map[string]json.RawMessage{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
	}
	var have []string
	if f, ok := doc["feeds"]; ok {
		if err := json.Unmarshal(f, &have); err != nil {
			return nil, fmt.Errorf("config: feeds: %w", err)
		}
	}
	b, err := json.Marshal(append(have, feeds...))
	if err != nil {
		return nil, err
	}
	doc["feeds"] = b
	return json.Marshal(doc)
}
