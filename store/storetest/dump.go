package storetest

import (
	"context"
	"fmt"
	"sort"
	"time"

	cw "cryptoweekly"
)

// Dump lists every observation of a store as sorted "entity|metric|day|value|source" lines, read
// through the Reader only, so tests can compare two stores (or one store before and after a
// failed write) whatever their backends.
func Dump(ctx context.Context, s cw.Store) ([]string, error) {
	cov, err := s.Coverage(ctx)
	if err != nil {
		return nil, err
	}
	metrics := map[cw.Metric]bool{}
	for _, c := range cov {
		metrics[c.Metric] = true
	}
	from := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []string
	for m := range metrics {
		obs, err := s.Observations(ctx, "", m, from, to)
		if err != nil {
			return nil, err
		}
		for _, o := range obs {
			out = append(out, fmt.Sprintf("%s|%s|%s|%v|%s", o.Entity, o.Metric, cw.DayString(o.Day), o.Value, o.Source))
		}
	}
	sort.Strings(out)
	return out, nil
}
