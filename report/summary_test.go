package report_test

import (
	"strings"
	"testing"

	. "cryptoweekly/report"
	"cryptoweekly/section/chains"
	"cryptoweekly/section/defi"
	"cryptoweekly/section/sentiment"
)

// with is a report holding the given section blocks.
func with(blocks ...Block) Report {
	var r Report
	for _, b := range blocks {
		r.Sections = append(r.Sections, Part{Name: b.Title(), Block: b})
	}
	return r
}

func f(v float64) *float64 { return &v }

func TestSummarizePhrasing(t *testing.T) {
	cases := []struct {
		name string
		r    Report
		want []string
		not  []string
	}{
		{"all chains fell", with(&chains.Block{MinTVL: 1e9, TopGrowth: []Change{{Label: "BSC", Start: f(6.87e9), End: f(6.71e9), Pct: f(-2.33), From: "2024-12-01", To: "2024-12-08"}}}),
			[]string{"no chain above $1.00B grew its TVL; BSC fell least (-2.33%, to $6.71B, 2024-12-01 → 2024-12-08)"}, []string{"led"}},
		{"chain grew", with(&chains.Block{MinTVL: 1e9, TopGrowth: []Change{{Label: "Avalanche", Start: f(1.55e9), End: f(1.64e9), Pct: f(5.79), From: "2024-12-01", To: "2024-12-08"}}}),
			[]string{"Avalanche led TVL growth among chains above $1.00B, up +5.79% to $1.64B (2024-12-01 → 2024-12-08)"}, nil},
		{"tvl fell", with(&defi.Block{TotalTVL: Change{Start: f(267e9), End: f(253.14e9), Pct: f(-5.46), Definition: "tvl.v2"}}),
			[]string{"total TVL fell 5.46% to $253.14B"}, []string{"fell -", "legacy"}},
		{"flat", with(&defi.Block{TotalTVL: Change{Start: f(1), End: f(1), Pct: f(0.01)}}),
			[]string{"was flat (+0.01%)"}, nil},
		{"sentiment zones", with(&sentiment.Block{Index: Change{Start: f(72), End: f(76), Pct: f(5.6)}, StartZone: "Greed", EndZone: "Extreme Greed"}),
			[]string{"rose from 72 (Greed) to 76 (Extreme Greed)"}, nil},
		{"nothing available", Report{}, nil, []string{"Sentiment", "Chains"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			Summarize(&c.r)
			all := strings.Join(c.r.Overview, "\n")
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("overview %q lacks %q", all, w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(all, n) {
					t.Errorf("overview %q should not say %q", all, n)
				}
			}
		})
	}
}

func TestFormat(t *testing.T) {
	cases := map[string]string{
		USD(1928353928001.88): "$1.93T", USD(41.52e9): "$41.52B", USD(570.7e6): "$570.70M",
		USD(97432.72): "$97,432.72", USD(2.51): "$2.51", USD(0.00002042): "$0.00002042", USD(0.03139): "$0.03139", USD(0.9093): "$0.9093", USD(-148.13e6): "-$148.13M",
		Pct(3.2849): "+3.28%", Pct(-0.001): "0.00%", SignedUSD(3.29e9): "+$3.29B",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
