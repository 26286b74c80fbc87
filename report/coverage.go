package report

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
)

// Coverer is a section whose coverage `weeks` shows; the core ones choose the default week.
type Coverer interface {
	// CoverageColumn is the section's column in `weeks` ("prices" for the token section).
	CoverageColumn() string
	// Core sections must all be full for a week to be the default one.
	Core() bool
	// Selectors pick the observations the section counts; DayCounts answers all sections'
	// selectors in one pass over the store.
	Selectors(cfg Config) []cw.Selector
	// CoverageStatus rates the week ending at end from the per-day entity counts of the
	// section's selectors (in the order Selectors gave them). It reads only the days in
	// (end-CoverageLookback, end].
	CoverageStatus(counts []map[time.Time]int, end time.Time, cfg Config) Status
}

// CoverageLookback bounds, in days, how far before a week's end CoverageStatus looks (the token
// section, the furthest, looks for a start snapshot up to 17 days back): DefaultWeek relies on it
// to choose the week from the recent days alone.
const CoverageLookback = 35

// recentWindows are the spans, in days back from the store's newest day, whose coverage
// DefaultWeek reads before it reads all of it.
var recentWindows = []int{120, 480}

// Status is a section's coverage of one week: "full", "partial" or "none", with a detail.
type Status struct {
	Level  string
	Detail string
}

// Level rates coverage: full, else partial, else none (without detail).
func Level(full, partial bool, detail string) Status {
	switch {
	case full:
		return Status{"full", detail}
	case partial:
		return Status{"partial", detail}
	}
	return Status{"none", ""}
}

// EndsStatus is the usual rule: full when the week's two ends have data. detail, when set,
// formats the smaller of the two counts.
func EndsStatus(m map[time.Time]int, end time.Time, detail string) Status {
	n0, n1 := m[end.AddDate(0, 0, -7)], m[end]
	d := ""
	if detail != "" {
		d = fmt.Sprintf(detail, min(n0, n1))
	}
	return Level(n0 > 0 && n1 > 0, n0 > 0 || n1 > 0, d)
}

// DaysIn counts the days of the week (end-7, end] that have data.
func DaysIn(m map[time.Time]int, end time.Time) int {
	k := 0
	for d := end.AddDate(0, 0, -6); !d.After(end); d = d.AddDate(0, 0, 1) {
		if m[d] > 0 {
			k++
		}
	}
	return k
}

// Coverage is what the store holds, per section and day: the number of entities with a value.
type Coverage struct {
	cfg     Config
	columns []coverageColumn
	Last    time.Time // newest day of any core section
}

type coverageColumn struct {
	c      Coverer
	counts []map[time.Time]int
}

// LoadCoverage reads the per-day entity counts of every registered section in one pass.
func LoadCoverage(ctx context.Context, rd cw.Reader, cfg Config) (*Coverage, error) {
	return loadCoverage(ctx, rd, cfg, time.Time{})
}

// DefaultWeek is LoadCoverage(…).DefaultWeekEnd(), read from the recent days when it can: all of
// the coverage is every stored row, seconds on a store of the whole market, where the default
// week (the newest one every core series covers) is almost always among the last few. So the
// coverage of the last recentWindows days before the store's newest day is read first, then of
// a longer span; a week found at least CoverageLookback days after a span's start is the one the
// whole coverage would give, having the same counts for every day its status reads. Otherwise
// the whole coverage decides.
func DefaultWeek(ctx context.Context, rd cw.Reader, cfg Config) (time.Time, error) {
	newest, err := rd.NewestDay(ctx)
	if err != nil {
		return time.Time{}, err
	}
	for _, days := range recentWindows {
		if newest.IsZero() {
			break
		}
		from := newest.AddDate(0, 0, -days)
		recent, err := loadCoverage(ctx, rd, cfg, from)
		if err != nil {
			return time.Time{}, err
		}
		if end, ok := recent.search(from.AddDate(0, 0, CoverageLookback)); ok {
			return end, nil
		}
	}
	all, err := LoadCoverage(ctx, rd, cfg)
	if err != nil {
		return time.Time{}, err
	}
	return all.DefaultWeekEnd()
}

// loadCoverage reads the coverage of the days after from (all days: from zero).
func loadCoverage(ctx context.Context, rd cw.Reader, cfg Config, from time.Time) (*Coverage, error) {
	return loadCoverageOf(ctx, rd, cfg, from, time.Time{})
}

// WeekCovered tells whether any section with a coverage (the sections `weeks` lists) has data
// on a day of the week ending at end: a week without would be a report of "unavailable"
// sections. It reads the coverage of that week's days only.
func WeekCovered(ctx context.Context, rd cw.Reader, cfg Config, end time.Time) (bool, error) {
	c, err := loadCoverageOf(ctx, rd, cfg, end.AddDate(0, 0, -7), end)
	if err != nil {
		return false, err
	}
	for _, col := range c.columns {
		for _, m := range col.counts {
			if len(m) > 0 {
				return true, nil
			}
		}
	}
	return false, nil
}

// loadCoverageOf reads the coverage of the days in (from, to], either bound open when zero.
func loadCoverageOf(ctx context.Context, rd cw.Reader, cfg Config, from, to time.Time) (*Coverage, error) {
	c := &Coverage{cfg: cfg}
	var all []cw.Selector
	var spans [][2]int
	for _, s := range Sections() {
		cv, ok := s.(Coverer)
		if !ok {
			continue
		}
		sels := cv.Selectors(cfg)
		spans = append(spans, [2]int{len(all), len(all) + len(sels)})
		all = append(all, sels...)
		c.columns = append(c.columns, coverageColumn{c: cv})
	}
	counts, err := rd.DayCounts(ctx, all, from, to)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	for i := range c.columns {
		col := &c.columns[i]
		col.counts = counts[spans[i][0]:spans[i][1]]
		if !col.c.Core() {
			continue
		}
		for _, m := range col.counts {
			for d := range m {
				if d.After(c.Last) {
					c.Last = d
				}
			}
		}
	}
	return c, nil
}

// Columns lists the coverage columns in report order.
func (c *Coverage) Columns() []string {
	out := make([]string, len(c.columns))
	for i, col := range c.columns {
		out[i] = col.c.CoverageColumn()
	}
	return out
}

// Week returns the coverage of every column for the week ending at end.
func (c *Coverage) Week(end time.Time) map[string]Status {
	out := map[string]Status{}
	for _, col := range c.columns {
		out[col.c.CoverageColumn()] = col.c.CoverageStatus(col.counts, end, c.cfg)
	}
	return out
}

// DefaultWeekEnd is the latest day for which every core series covers the whole week.
func (c *Coverage) DefaultWeekEnd() (time.Time, error) {
	if d, ok := c.search(time.Time{}); ok {
		return d, nil
	}
	var missing, names []string
	for _, col := range c.columns {
		if !col.c.Core() {
			continue
		}
		names = append(names, col.c.CoverageColumn())
		n := 0
		for _, m := range col.counts {
			n += len(m)
		}
		if n == 0 {
			missing = append(missing, col.c.CoverageColumn())
		}
	}
	if len(missing) > 0 {
		return time.Time{}, fmt.Errorf("no week has every core series: the store has no %s data (run `cryptoweekly import` or `cryptoweekly ingest`)", strings.Join(missing, ", "))
	}
	return time.Time{}, fmt.Errorf("no week in the store has every core series (%s) at both ends; pass --week-end", strings.Join(names, ", "))
}

// Since is the coverage of the days after from only, as DefaultWeek reads it first.
func (c *Coverage) Since(from time.Time) *Coverage {
	out := &Coverage{cfg: c.cfg}
	for _, col := range c.columns {
		cut := coverageColumn{c: col.c, counts: make([]map[time.Time]int, len(col.counts))}
		for i, m := range col.counts {
			cut.counts[i] = map[time.Time]int{}
			for d, n := range m {
				if d.After(from) {
					cut.counts[i][d] = n
					if col.c.Core() && d.After(out.Last) {
						out.Last = d
					}
				}
			}
		}
		out.columns = append(out.columns, cut)
	}
	return out
}

// search finds the latest day, not before notBefore (nor 2017), for which every core series
// covers the whole week.
func (c *Coverage) search(notBefore time.Time) (time.Time, bool) {
	for d := c.Last; !d.IsZero() && d.Year() >= 2017 && !d.Before(notBefore); d = d.AddDate(0, 0, -1) {
		ok := true
		for _, col := range c.columns {
			if col.c.Core() {
				ok = ok && col.c.CoverageStatus(col.counts, d, c.cfg).Level == "full"
			}
		}
		if ok {
			return d, true
		}
	}
	return time.Time{}, false
}

// Span is the first and last day of any section.
func (c *Coverage) Span() (first, last time.Time) {
	for _, col := range c.columns {
		for _, m := range col.counts {
			for d := range m {
				if first.IsZero() || d.Before(first) {
					first = d
				}
				if d.After(last) {
					last = d
				}
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
