package all_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/bundle"
	"cryptoweekly/report"
	"cryptoweekly/store/duckdb"
)

// dayCountsCalls counts the coverage reads a Reader gets, and may claim another newest day.
type dayCountsCalls struct {
	cw.Reader
	newest time.Time
	calls  []time.Time // each call's from
}

func (r *dayCountsCalls) NewestDay(ctx context.Context) (time.Time, error) {
	if !r.newest.IsZero() {
		return r.newest, nil
	}
	return r.Reader.NewestDay(ctx)
}

func (r *dayCountsCalls) DayCounts(ctx context.Context, sel []cw.Selector, from, to time.Time) ([]map[time.Time]int, error) {
	r.calls = append(r.calls, from)
	return r.Reader.DayCounts(ctx, sel, from, to)
}

// TestCoverageLookback: on the bundled data, every section's coverage of every week is the same
// from the CoverageLookback days before the week's end as from all days (the contract DefaultWeek
// relies on), and DefaultWeek gives the whole coverage's default week, from the recent days when
// the store is recent and from all days when it is not.
func TestCoverageLookback(t *testing.T) {
	ctx := context.Background()
	st, err := duckdb.Open(filepath.Join(t.TempDir(), "c.duckdb"), duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bs, err := bundle.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, bs...); err != nil {
		t.Fatal(err)
	}
	cfg := report.DefaultConfig()
	full, err := report.LoadCoverage(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	first, last := full.Span()
	weeks, full0 := 0, 0
	for end := first; !end.After(last.AddDate(0, 0, 7)); end = end.AddDate(0, 0, 1) {
		want := full.Week(end)
		got := full.Since(end.AddDate(0, 0, -report.CoverageLookback)).Week(end)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("week ending %s: coverage from %d days back = %v, from all days = %v", cw.DayString(end), report.CoverageLookback, got, want)
		}
		weeks++
		for _, s := range want {
			if s.Level == "full" {
				full0++
			}
		}
	}
	if weeks < 365 || full0 == 0 {
		t.Fatalf("compared %d weeks, %d full statuses: the bundle's span is %s..%s", weeks, full0, cw.DayString(first), cw.DayString(last))
	}
	def, err := full.DefaultWeekEnd()
	if err != nil {
		t.Fatal(err)
	}
	// The store's own newest day, then newest days that put the default week in the first span,
	// in the second, and in neither.
	rd := &dayCountsCalls{Reader: st}
	if got, err := report.DefaultWeek(ctx, rd, cfg); err != nil || !got.Equal(def) {
		t.Errorf("DefaultWeek = %s, %v after %d coverage reads; want %s", cw.DayString(got), err, len(rd.calls), cw.DayString(def))
	}
	for _, c := range []struct {
		newest time.Time
		reads  int
	}{
		{def.AddDate(0, 0, 3), 1},
		{def.AddDate(0, 0, 60), 1},
		{def.AddDate(0, 0, 100), 2}, // too close to the first span's start
		{def.AddDate(0, 0, 400), 2},
		{def.AddDate(3, 0, 0), 3}, // all days
	} {
		rd := &dayCountsCalls{Reader: st, newest: c.newest}
		got, err := report.DefaultWeek(ctx, rd, cfg)
		if err != nil || !got.Equal(def) || len(rd.calls) != c.reads {
			t.Errorf("newest day %s: DefaultWeek = %s, %v after %d coverage reads; want %s after %d", cw.DayString(c.newest), cw.DayString(got), err, len(rd.calls), cw.DayString(def), c.reads)
		}
	}
}
