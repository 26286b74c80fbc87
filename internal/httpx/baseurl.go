package httpx

import (
	"fmt"
	"net/url"
	"strings"
)

// BaseURL is a connector's API root: raw, or def when raw is empty, without a trailing slash.
// It must be an absolute URL with a host (tests point it at a local server).
func BaseURL(raw, def string) (string, error) {
	if raw == "" {
		raw = def
	}
	raw = strings.TrimRight(raw, "/")
	if u, err := url.Parse(raw); err != nil || u.Host == "" {
		return "", fmt.Errorf("invalid base URL %q", raw)
	}
	return raw, nil
}

// KeyedRoot is a keyed connector's key and API root: the key without surrounding spaces (noKey
// when none is left, so the provider is skipped with its own reason) and the root as BaseURL
// makes it, an error naming the provider.
func KeyedRoot(provider, key, raw, def string, noKey error) (string, string, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return "", "", noKey
	}
	base, err := BaseURL(raw, def)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", provider, err)
	}
	return key, base, nil
}
