// Package section holds what several report sections share: choosing the preferred series of an
// entity, the week's protocol changes (read once for the chain spotlight, the protocol ranking
// and DEX TVL) and the week's token rows (read once for gainers and sector indices). Each
// section lives in its own folder below this one; section/all lists them in report order.
package section

import (
	"sort"

	cw "cryptoweekly"
	"cryptoweekly/report"
)

// Best picks, per entity, the preferred series: complete pairs first, then metric order, then
// source order (sources not listed come after, alphabetically, as the store sorted them).
func Best(ps []cw.Pair, metrics []cw.Metric, sources []cw.SourceID) map[string]cw.Pair {
	rank := func(p cw.Pair) int {
		r := 0
		if p.V0 == nil || p.V1 == nil {
			r += 1_000_000
		}
		r += index(metrics, p.Metric) * 1000
		r += index(sources, p.Source)
		return r
	}
	out := map[string]cw.Pair{}
	for _, p := range ps {
		if cur, ok := out[p.Entity]; !ok || rank(p) < rank(cur) {
			out[p.Entity] = p
		}
	}
	return out
}

func index[T comparable](list []T, s T) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return len(list)
}

// Week reads the pairs of one entity at the week's two ends.
func Week(env *report.Env, entity string, metrics ...cw.Metric) ([]cw.Pair, error) {
	return env.Reader.Pairs(env.Ctx, cw.PairQuery{Entity: entity, Metrics: metrics, D0: env.Start, D1: env.End})
}

// WeekPrefix reads the pairs of every entity with the prefix at the week's two ends.
func WeekPrefix(env *report.Env, prefix string, metrics ...cw.Metric) ([]cw.Pair, error) {
	return env.Reader.Pairs(env.Ctx, cw.PairQuery{Prefix: prefix, Metrics: metrics, D0: env.Start, D1: env.End})
}

// SortedKeys lists a map's keys in order.
func SortedKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Contains reports whether list holds s.
func Contains[T comparable](list []T, s T) bool { return index(list, s) < len(list) }

// HasAny returns the first tag of set that tags holds, or "".
func HasAny(tags map[string]bool, set []string) string {
	for _, t := range set {
		if tags[t] {
			return t
		}
	}
	return ""
}

// TagSet turns an entity's tags into a set.
func TagSet(tags []string) map[string]bool {
	m := make(map[string]bool, len(tags))
	for _, t := range tags {
		m[t] = true
	}
	return m
}
