package stablecoins

import (
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
)

func TestStreak(t *testing.T) {
	end := time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
	weekly := func(vs ...float64) []report.Point { // oldest first, one a week ending at end
		var out []report.Point
		for i, v := range vs {
			out = append(out, report.Point{Day: cw.DayString(end.AddDate(0, 0, -7*(len(vs)-1-i))), Value: v})
		}
		return out
	}
	for _, c := range []struct {
		name string
		pts  []report.Point
		want int
	}{
		{"three weeks up", weekly(5, 1, 2, 3, 4), 3},
		{"two down after ups", weekly(1, 2, 3, 2, 1), -2},
		{"flat ends it", weekly(1, 2, 2), 0},
		// end-21 → end-7 is no week: only end-7 → end counts, though all three rose.
		{"a missing week ends it", []report.Point{
			{Day: cw.DayString(end.AddDate(0, 0, -21)), Value: 1},
			{Day: cw.DayString(end.AddDate(0, 0, -7)), Value: 2},
			{Day: cw.DayString(end), Value: 3}}, 1},
		{"no data", nil, 0},
	} {
		if got := streak(c.pts, end); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}
