package all

import (
	"os"
	"testing"

	cw "cryptoweekly"
	"cryptoweekly/importer"
)

// Every live provider except the news watch (whose hosts are whatever feeds are configured)
// budgets its hosts, so no API host runs on the slow fallback by accident.
func TestProvidersBudgetTheirHosts(t *testing.T) {
	for _, p := range cw.LiveProviders() {
		if p.Name == "news" {
			continue
		}
		if p.Limits == nil {
			t.Errorf("%s: no Limits", p.Name)
			continue
		}
		lim := p.Limits(cw.ProviderEnv{Getenv: func(string) string { return "" }})
		if len(lim) == 0 {
			t.Errorf("%s: no host budgets", p.Name)
		}
		for h, l := range lim {
			if l.Rate <= 0 || l.Rate > 1 || l.Burst < 1 {
				t.Errorf("%s: %s = %+v", p.Name, h, l)
			}
		}
	}
}

// Every provenance id is claimed by exactly one provider (RegisterProvider panics on a second
// claim), and the default source order is the one ingest has always used.
func TestRegistry(t *testing.T) {
	var names []string
	for _, p := range cw.LiveProviders() {
		names = append(names, p.Name)
	}
	// The providers ingest has always run keep their order; a new provider joins anywhere
	// without editing this test.
	want := []string{"alternativeme", "defillama", "coingecko", "coinmarketcap", "lunarcrush", "news"}
	i := 0
	for _, n := range names {
		if i < len(want) && n == want[i] {
			i++
		}
	}
	if i != len(want) {
		t.Fatalf("live providers = %v, want %v among them in that order", names, want)
	}
	for id, want := range map[cw.SourceID]string{
		"defillama-stablecoins-total": "defillama", "cmc-weekly-top100": "coinmarketcap", "cmc-monthly-top200": "coinmarketcap",
		"coinbase-daily": "smoothbrainquant", "alternativeme-fng": "alternativeme", "news-example-org": "news", "nope": "",
	} {
		if got := cw.ProviderOf(id); got != want {
			t.Errorf("ProviderOf(%s) = %q, want %q", id, got, want)
		}
	}
}

// Every series the bundled files produce names its provider, so the report can say which
// provider a figure depends on.
func TestBundledSourcesHaveProviders(t *testing.T) {
	const raw = "../../../shared/data/raw"
	if _, err := os.Stat(raw); err != nil {
		t.Skip(raw + " not present")
	}
	bs, err := importer.ImportDir(os.DirFS(raw))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if cw.ProviderOf(b.Source.ID) == "" {
			t.Errorf("%s (%s): no provider claims it", b.Source.ID, b.Source.Location)
		}
	}
}
