package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/store"
	"cryptoweekly/store/storetest"
)

// A stand-in for a distributed table on plain PostgreSQL (docs/scale-out.md): observations
// partitioned by day, one partition a year. The store must work on it unchanged, and the plans
// of the day-bounded Reader queries must touch only the partition of the week they ask about.

var partitionYears = []int{2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026}

func partitionByDay(t testing.TB, s *Store) {
	t.Helper()
	q := []string{
		`ALTER TABLE observations RENAME TO observations_flat`,
		`ALTER INDEX observations_metric_day RENAME TO observations_flat_metric_day`,
		`CREATE TABLE observations (LIKE observations_flat INCLUDING ALL) PARTITION BY RANGE (day)`,
	}
	for _, y := range partitionYears {
		q = append(q, fmt.Sprintf(`CREATE TABLE observations_%d PARTITION OF observations FOR VALUES FROM ('%d-01-01') TO ('%d-01-01')`, y, y, y+1))
	}
	q = append(q, `CREATE TABLE observations_other PARTITION OF observations DEFAULT`,
		`INSERT INTO observations SELECT * FROM observations_flat`, `DROP TABLE observations_flat`)
	for _, x := range q {
		if _, err := s.db.Exec(x); err != nil {
			t.Fatalf("%s: %v", x, err)
		}
	}
}

func TestConformancePartitionedByDay(t *testing.T) {
	baseURL(t)
	storetest.Run(t, func(t *testing.T) cw.Store {
		s := open(t, freshURL(t), store.Options{})
		partitionByDay(t, s)
		return s
	})
}

// recorder keeps every statement a Reader method sends, to EXPLAIN it afterwards.
type recorder struct {
	querier
	stmts []stmt
}

type stmt struct {
	sql  string
	args []any
}

func (r *recorder) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r.stmts = append(r.stmts, stmt{q, args})
	return r.querier.QueryContext(ctx, q, args...)
}

func (r *recorder) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	r.stmts = append(r.stmts, stmt{q, args})
	return r.querier.QueryRowContext(ctx, q, args...)
}

// TestPlansPartitionedByDay prints each Reader query's plan on the partitioned stand-in and checks
// partition pruning: a query bounded to a week reads one partition; only DayCounts and
// Coverage, which are about every day, read them all.
func TestPlansPartitionedByDay(t *testing.T) {
	ctx := context.Background()
	s := open(t, freshURL(t), store.Options{})
	defer s.Close()
	partitionByDay(t, s)
	if _, err := s.Apply(ctx, storetest.Fixture()...); err != nil {
		t.Fatal(err)
	}
	// History in every other year, so the planner has partitions to skip.
	old := cw.Batch{Source: cw.Provenance{ID: "t-chains", Provider: "Test", Location: "fixture/chains", Licence: "test"}}
	for _, y := range partitionYears {
		for d := 0; d < 365; d += 3 {
			old.Observations = append(old.Observations, cw.Observation{Entity: "chain:ethereum", Metric: cw.MetricTVL,
				Day: time.Date(y, 1, 1+d, 0, 0, 0, 0, time.UTC), Value: float64(d), Source: "t-chains"})
		}
	}
	// Days still to come are refused by the plausibility bound, so this year's history stops at 2026-06.
	old.Observations = slices.DeleteFunc(old.Observations, func(o cw.Observation) bool {
		return o.Day.Year() == 2024 && o.Day.Month() == 12 || o.Day.After(time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC))
	})
	if _, err := s.Apply(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`ANALYZE`); err != nil {
		t.Fatal(err)
	}
	d0, d1 := time.Date(2024, 12, 6, 0, 0, 0, 0, time.UTC), time.Date(2024, 12, 13, 0, 0, 0, 0, time.UTC)
	calls := []struct {
		name    string
		bounded bool // to a week: must read one partition
		call    func() error
	}{
		{"Pairs (prefix)", true, func() error {
			_, err := s.Pairs(ctx, cw.PairQuery{Prefix: "chain:", Metrics: []cw.Metric{cw.MetricTVL}, D0: d0, D1: d1})
			return err
		}},
		{"Pairs (entity, sources)", true, func() error {
			_, err := s.Pairs(ctx, cw.PairQuery{Entity: "asset:btc", Metrics: []cw.Metric{cw.MetricPrice}, Sources: []cw.SourceID{"t-daily"}, D0: d0, D1: d1})
			return err
		}},
		{"Daily", true, func() error { _, err := s.Daily(ctx, "chain:ethereum", cw.MetricTVL, "t-chains", d0, d1); return err }},
		{"LatestDay", false, func() error { _, err := s.LatestDay(ctx, "t-assets", cw.MetricPrice, d0, d1); return err }},
		{"Latest", true, func() error {
			_, err := s.Latest(ctx, "topic:", []cw.Metric{cw.MetricTopicRank}, d0, d1)
			return err
		}},
		{"Observations", true, func() error { _, err := s.Observations(ctx, "event:", cw.MetricPublished, d0, d1); return err }},
		{"Entities", false, func() error { _, err := s.Entities(ctx, []string{"asset:btc", "protocol:aave"}); return err }},
		{"EntitiesOnChains", false, func() error {
			_, err := s.EntitiesOnChains(ctx, cw.KindProtocol, []string{"Ethereum"})
			return err
		}},
		{"CountEntities", false, func() error { _, err := s.CountEntities(ctx, cw.KindProtocol); return err }},
		{"Symbols", false, func() error { _, err := s.Symbols(ctx, cw.KindStablecoin); return err }},
		{"Sources", false, func() error { _, err := s.Sources(ctx, []cw.SourceID{"t-chains"}); return err }},
		{"LastRuns", false, func() error { _, err := s.LastRuns(ctx); return err }},
		{"DayCounts", false, func() error {
			_, err := s.DayCounts(ctx, []cw.Selector{{Prefix: "chain:", Metrics: []cw.Metric{cw.MetricTVL}}, {Entities: []string{"index:defi-tvl"}}}, time.Time{}, time.Time{})
			return err
		}},
		{"DayCounts (a week)", true, func() error {
			_, err := s.DayCounts(ctx, []cw.Selector{{Prefix: "chain:", Metrics: []cw.Metric{cw.MetricTVL}}, {Entities: []string{"index:defi-tvl"}}}, d0, d1)
			return err
		}},
		{"Coverage", false, func() error { _, err := s.Coverage(ctx); return err }},
		{"HasDays", false, func() error { _, err := s.HasDays(ctx, d0, d1); return err }},
	}
	partition := regexp.MustCompile(`observations_(\d{4}|other)\b`)
	for _, c := range calls {
		rec := &recorder{querier: s.q}
		s.q = rec
		err := c.call()
		s.q = rec.querier
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var report strings.Builder
		for _, st := range rec.stmts {
			rows, err := s.db.QueryContext(ctx, "EXPLAIN (COSTS OFF) "+st.sql, st.args...)
			if err != nil {
				t.Fatalf("%s: EXPLAIN: %v", c.name, err)
			}
			var plan []string
			for rows.Next() {
				var line string
				rows.Scan(&line)
				plan = append(plan, line)
			}
			rows.Close()
			read := map[string]bool{}
			for _, m := range partition.FindAllStringSubmatch(strings.Join(plan, "\n"), -1) {
				read[m[1]] = true
			}
			if c.bounded && (len(read) != 1 || !read["2024"]) {
				t.Errorf("%s reads partitions %v, want only 2024:\n%s", c.name, read, strings.Join(plan, "\n"))
			}
			// LatestDay and HasDays answer from the day index (migration 4), never from observations.
			if (c.name == "LatestDay" || c.name == "HasDays") && len(read) != 0 {
				t.Errorf("%s reads partitions %v, want none:\n%s", c.name, read, strings.Join(plan, "\n"))
			}
			fmt.Fprintf(&report, "%s\n", strings.Join(plan, "\n"))
		}
		t.Logf("%s:\n%s", c.name, report.String())
	}
}
