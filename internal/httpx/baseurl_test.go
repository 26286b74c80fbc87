package httpx

import (
	"errors"
	"strings"
	"testing"
)

func TestKeyedRoot(t *testing.T) {
	noKey := errors.New("no key")
	cases := []struct {
		key, raw, wantKey, wantBase, wantErr string
	}{
		{" k1 ", "", "k1", "https://api.example.com/v1", ""},
		{"k1", "http://127.0.0.1:8080/", "k1", "http://127.0.0.1:8080", ""},
		{"  ", "http://127.0.0.1:8080", "", "", "no key"},
		{"k1", "not a url", "", "", `prov: invalid base URL "not a url"`},
		{"k1", "/relative", "", "", "prov: invalid base URL"},
	}
	for _, c := range cases {
		key, base, err := KeyedRoot("prov", c.key, c.raw, "https://api.example.com/v1/", noKey)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%q %q: error %v, want %q", c.key, c.raw, err, c.wantErr)
			}
			if c.wantErr == "no key" && !errors.Is(err, noKey) {
				t.Errorf("%q: %v is not the provider's no-key error", c.key, err)
			}
			continue
		}
		if err != nil || key != c.wantKey || base != c.wantBase {
			t.Errorf("%q %q: (%q, %q, %v), want (%q, %q)", c.key, c.raw, key, base, err, c.wantKey, c.wantBase)
		}
	}
}
