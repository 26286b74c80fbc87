package defillama

import (
	"reflect"
	"testing"
	"time"

	cw "cryptoweekly"
)

func TestShortlist(t *testing.T) {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	ent := func(name, slug, ch string) cw.Entity {
		return cw.Entity{ID: "protocol:" + name, Kind: cw.KindProtocol, Attrs: map[string]string{"slug": slug, "change_7d": ch}}
	}
	obs := func(name string, v float64) cw.Observation {
		return cw.Observation{Entity: "protocol:" + name, Metric: "tvl", Day: day, Value: v, Source: SourceProtocols}
	}
	b := cw.Batch{
		Entities:     []cw.Entity{ent("big", "big", "1"), ent("mover", "mover", "-40"), ent("tiny", "tiny", "900"), ent("mid", "mid", "5"), ent("cex", "cex", "50"), ent("nochange", "nochange", "")},
		Observations: []cw.Observation{obs("big", 30e9), obs("mover", 100e6), obs("tiny", 1e6), obs("mid", 2e9), obs("nochange", 5e9)},
	}
	cases := []struct {
		n    int
		min  float64
		want []string
	}{
		{1, 30e6, []string{"mover", "big"}},                    // largest |change| above the floor, then largest TVL
		{2, 30e6, []string{"mover", "mid", "big", "nochange"}}, // the tiny protocol and the TVL-less CEX never qualify
		{1, 0, []string{"tiny", "big"}},
	}
	for _, c := range cases {
		if got := Shortlist([]cw.Batch{b}, c.n, c.min); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Shortlist(n=%d, min=%g) = %v, want %v", c.n, c.min, got, c.want)
		}
	}
}
