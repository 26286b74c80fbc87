package cryptoweekly

import "strings"

// ProviderOf names the provider that stores a source id (TEMPORARY: by prefix until the provider
// registry lands).
func ProviderOf(id SourceID) string {
	p, _, _ := strings.Cut(string(id), "-")
	if p == "cmc" {
		return "coinmarketcap"
	}
	return p
}
