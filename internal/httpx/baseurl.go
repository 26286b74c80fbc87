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
