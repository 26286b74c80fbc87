package metrics

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
)

// Sections whose coverage `weeks` reports, in report order. The first five are the core series
// that choose the default week.
var Sections = []string{"sentiment", "stablecoins", "defi", "chains", "prices", "protocols", "dex", "derivatives", "social"}

var coreSections = Sections[:5]

// Coverage is what the store holds, per section and day: the number of entities with a value.
type Coverage struct {
	days map[string]map[time.Time]int
	cfg  Config
	Last time.Time // newest day of any core section
}

// LoadCoverage reads the per-day entity counts of every section in one pass over the store.
func LoadCoverage(ctx context.Context, rd cw.Reader, cfg Config) (*Coverage, error) {
	type sel struct {
		name string
		cw.Selector
	}
	sels := []sel{
		{"sentiment", cw.Selector{Entities: []string{"index:fear-greed"}, Metrics: []cw.Metric{cw.MetricValue}}},
		{"stablecoins", cw.Selector{Entities: []string{"stablecoin:usdt", "stablecoin:usdc"}, Metrics: []cw.Metric{cw.MetricCirculatingUSD, cw.MetricMarketCap}}},
		{"defi", cw.Selector{Entities: []string{"index:defi-tvl"}}},
		{"chains", cw.Selector{Prefix: "chain:", Metrics: []cw.Metric{cw.MetricTVL, cw.MetricTVLLegacy}}},
		{"protocols", cw.Selector{Prefix: "protocol:", Metrics: []cw.Metric{cw.MetricTVL}}},
		{"dex", cw.Selector{Entities: []string{"index:dex-total"}, Metrics: []cw.Metric{cw.MetricDEXVolume}}},
	}
	for _, s := range cfg.PriceSources {
		sels = append(sels, sel{"prices:" + s, cw.Selector{Prefix: "asset:", Metrics: []cw.Metric{cw.MetricPrice}, Sources: []cw.SourceID{cw.SourceID(s)}}})
	}
	sels = append(sels,
		sel{"derivatives", cw.Selector{Metrics: []cw.Metric{cw.MetricOpenInterestUSD}}},
		sel{"social", cw.Selector{Prefix: "topic:"}})
	list := make([]cw.Selector, len(sels))
	for i, s := range sels {
		list[i] = s.Selector
	}
	counts, err := rd.DayCounts(ctx, list)
	if err != nil {
		return nil, fmt.Errorf("metrics: coverage: %w", err)
	}
	c := &Coverage{days: map[string]map[time.Time]int{}, cfg: cfg}
	for i, s := range sels {
		if len(counts[i]) > 0 {
			c.days[s.name] = counts[i]
		}
	}
	for s, m := range c.days {
		if !isCore(s) {
			continue
		}
		for d := range m {
			if d.After(c.Last) {
				c.Last = d
			}
		}
	}
	return c, nil
}

// Status is a section's coverage of one week: "full", "partial" or "none", with a detail.
type Status struct {
	Level  string
	Detail string
}

// Week returns the coverage of every section for the week ending at end.
func (c *Coverage) Week(end time.Time) map[string]Status {
	start := end.AddDate(0, 0, -7)
	out := map[string]Status{}
	for _, s := range Sections {
		m := c.days[s]
		n0, n1 := m[start], m[end]
		switch s {
		case "stablecoins":
			out[s] = level(n0 == 2 && n1 == 2, n0 > 0 || n1 > 0, fmt.Sprintf("%d/2 coins", min(n0, n1)))
		case "prices":
			src, d1, d0 := c.snapshots(end)
			if d1.IsZero() {
				out[s] = Status{"none", ""}
			} else if d0.IsZero() {
				out[s] = Status{"partial", "one snapshot " + cw.DayString(d1)}
			} else {
				out[s] = Status{"full", fmt.Sprintf("%s %s→%s, %d tokens", src, cw.DayString(d0), cw.DayString(d1), min(c.priceCount(src, d0), c.priceCount(src, d1)))}
			}
		case "dex", "social":
			k := 0
			for d := start.AddDate(0, 0, 1); !d.After(end); d = d.AddDate(0, 0, 1) {
				if m[d] > 0 {
					k++
				}
			}
			out[s] = level(k == 7 || (s == "social" && k > 0), k > 0, fmt.Sprintf("%d/7 days", k))
		case "chains", "protocols", "derivatives":
			out[s] = level(n0 > 0 && n1 > 0, n0 > 0 || n1 > 0, fmt.Sprintf("%d", min(n0, n1)))
		default:
			out[s] = level(n0 > 0 && n1 > 0, n0 > 0 || n1 > 0, "")
		}
	}
	return out
}

func level(full, partial bool, detail string) Status {
	switch {
	case full:
		return Status{"full", detail}
	case partial:
		return Status{"partial", detail}
	}
	return Status{"none", ""}
}

// snapshots finds the price snapshots the token section would use for a week ending at end: the
// same rule as the tokens section (first price source, in order of preference, with a snapshot in
// the week and another 7–10 days before it).
func (c *Coverage) snapshots(end time.Time) (src string, d1, d0 time.Time) {
	var firstD1 time.Time
	var firstSrc string
	for _, s := range c.cfg.PriceSources {
		m := c.days["prices:"+s]
		var e time.Time
		for d := end; d.After(end.AddDate(0, 0, -7)); d = d.AddDate(0, 0, -1) {
			if m[d] > 0 {
				e = d
				break
			}
		}
		if e.IsZero() {
			continue
		}
		if firstD1.IsZero() {
			firstD1, firstSrc = e, s
		}
		for d := e.AddDate(0, 0, -7); d.After(e.AddDate(0, 0, -11)); d = d.AddDate(0, 0, -1) {
			if m[d] > 0 {
				return s, e, d
			}
		}
	}
	return firstSrc, firstD1, time.Time{}
}

// PriceCount is the number of priced tokens of a source on a day.
func (c *Coverage) priceCount(src string, d time.Time) int { return c.days["prices:"+src][d] }

// DefaultWeekEnd is the latest day for which every core series (sentiment, stablecoins, DeFi TVL,
// chain TVL, token prices) covers the whole week.
func (c *Coverage) DefaultWeekEnd() (time.Time, error) {
	for d := c.Last; !d.IsZero() && d.Year() >= 2017; d = d.AddDate(0, 0, -1) {
		cov := c.Week(d)
		ok := true
		for _, s := range coreSections {
			ok = ok && cov[s].Level == "full"
		}
		if ok {
			return d, nil
		}
	}
	var missing []string
	for _, s := range coreSections {
		n := 0
		for k, m := range c.days {
			if k == s || strings.HasPrefix(k, s+":") {
				n += len(m)
			}
		}
		if n == 0 {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return time.Time{}, fmt.Errorf("no week has every core series: the store has no %s data (run `cryptoweekly import` or `cryptoweekly ingest`)", strings.Join(missing, ", "))
	}
	return time.Time{}, fmt.Errorf("no week in the store has every core series (sentiment, stablecoins, defi, chains, prices) at both ends; pass --week-end")
}

// Span is the first and last day of any section.
func (c *Coverage) Span() (first, last time.Time) {
	for _, m := range c.days {
		for d := range m {
			if first.IsZero() || d.Before(first) {
				first = d
			}
			if d.After(last) {
				last = d
			}
		}
	}
	return
}

// Fridays lists the Fridays from last back to first, newest first.
func Fridays(first, last time.Time) []time.Time {
	var out []time.Time
	d := last
	for d.Weekday() != time.Friday {
		d = d.AddDate(0, 0, -1)
	}
	for ; !d.Before(first); d = d.AddDate(0, 0, -7) {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].After(out[j]) })
	return out
}

func isCore(sec string) bool {
	for _, s := range coreSections {
		if sec == s || strings.HasPrefix(sec, s+":") {
			return true
		}
	}
	return false
}
