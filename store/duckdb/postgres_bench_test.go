package duckdb

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	cw "cryptoweekly"
	rjson "cryptoweekly/render/json"
	"cryptoweekly/report"
	"cryptoweekly/section/chains"
	"cryptoweekly/section/protocols"
	"cryptoweekly/section/tokens"
	"cryptoweekly/store"
	"cryptoweekly/store/postgres"
)

// BenchmarkWeekPostgres puts PostgreSQL next to DuckDB on the same rows: the synthetic store of
// BenchmarkWeekFullUniverse, copied row for row into a PostgreSQL schema, and on each backend a
// weekly report timed against one plain scan of its own observations (SELECT sum(value),
// count(*)). It needs a server (CRYPTOWEEKLY_TEST_POSTGRES, as scripts/postgres.sh test sets it)
// and a store of at most 20M rows; the size is 10M:
//
//	CRYPTOWEEKLY_BENCH_SCALE=0.068 bash scripts/postgres.sh test \
//	    go test ./store/duckdb -run '^$' -bench WeekPostgres -benchtime 3x -timeout 60m
//
// It prints the table of both backends at the end.
func BenchmarkWeekPostgres(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a large store; skipped with -short")
	}
	base := os.Getenv("CRYPTOWEEKLY_TEST_POSTGRES")
	if base == "" {
		b.Skip("no PostgreSQL: run through `bash scripts/postgres.sh test` (see the comment)")
	}
	benchOnce.Do(func() { benchStore, benchErr = buildBenchStore(b) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	if benchStore.rows > 20_000_000 {
		b.Skipf("the DuckDB store has %d rows; set CRYPTOWEEKLY_BENCH_SCALE=0.068 for ≈10M", benchStore.rows)
	}
	ctx := context.Background()
	addr, copied, err := copyToPostgres(ctx, b, base)
	if err != nil {
		b.Fatal(err)
	}
	pg, err := postgres.Open(ctx, addr, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Close()
	pgConn, err := pgx.Connect(ctx, addr)
	if err != nil {
		b.Fatal(err)
	}
	defer pgConn.Close(ctx)

	type backend struct {
		name   string
		reader cw.Reader
		scan   func() error
	}
	backends := []backend{
		{"duckdb", benchStore.db, func() error {
			var sum float64
			var n int64
			return benchStore.db.db.QueryRowContext(ctx, `SELECT sum(value), count(*) FROM observations`).Scan(&sum, &n)
		}},
		{"postgres", pg, func() error {
			var sum float64
			var n int64
			return pgConn.QueryRow(ctx, `SELECT sum(value), count(*) FROM observations`).Scan(&sum, &n)
		}},
	}
	// Both backends must build the same report, and a whole one, before either is timed.
	var want []byte
	for _, be := range backends {
		r, err := report.Build(ctx, be.reader, report.DefaultConfig(), benchEnd, report.Inputs{Now: benchEnd, StoreName: "bench"})
		if err != nil {
			b.Fatalf("%s: %v", be.name, err)
		}
		tok, prot, ch := r.Block("tokens").(*tokens.Block), r.Block("protocols").(*protocols.Block), r.Block("chains").(*chains.Block)
		if tok.Universe < benchStore.assets*9/10 || prot.Considered < benchStore.protocols*9/10 || len(ch.All) == 0 {
			b.Fatalf("%s: the report misses the universe: %d tokens, %d protocols, %d chains", be.name, tok.Universe, prot.Considered, len(ch.All))
		}
		var buf bytes.Buffer
		if err := rjson.Write(&buf, r); err != nil {
			b.Fatal(err)
		}
		if want == nil {
			want = buf.Bytes()
		} else if !bytes.Equal(want, buf.Bytes()) {
			b.Fatalf("%s builds a different report from the same rows", be.name)
		}
	}
	results := map[string][4]time.Duration{}
	for _, be := range backends {
		var scanD, reportD time.Duration
		b.Run(be.name+"/scan", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := be.scan(); err != nil {
					b.Fatal(err)
				}
			}
			scanD = b.Elapsed() / time.Duration(b.N)
		})
		b.Run(be.name+"/report", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := report.Build(ctx, be.reader, report.DefaultConfig(), benchEnd, report.Inputs{Now: benchEnd}); err != nil {
					b.Fatal(err)
				}
			}
			reportD = b.Elapsed() / time.Duration(b.N)
			if scanD > 0 {
				b.ReportMetric(float64(reportD)/float64(scanD), "x-scan")
			}
		})
		// The coverage of every section over every day (DayCounts): what `weeks` and a report
		// without --week-end read first, and the one Reader query that reads every row.
		var covD time.Duration
		b.Run(be.name+"/coverage", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := report.LoadCoverage(ctx, be.reader, report.DefaultConfig()); err != nil {
					b.Fatal(err)
				}
			}
			covD = b.Elapsed() / time.Duration(b.N)
			if scanD > 0 {
				b.ReportMetric(float64(covD)/float64(scanD), "x-scan")
			}
		})
		// What a report without --week-end reads instead (report.DefaultWeek): the recent days'
		// coverage.
		var defD time.Duration
		b.Run(be.name+"/default-week", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				end, err := report.DefaultWeek(ctx, be.reader, report.DefaultConfig())
				if err != nil || !end.Equal(benchEnd) {
					b.Fatalf("default week %s, %v", cw.DayString(end), err)
				}
			}
			defD = b.Elapsed() / time.Duration(b.N)
			if scanD > 0 {
				b.ReportMetric(float64(defD)/float64(scanD), "x-scan")
			}
		})
		results[be.name] = [4]time.Duration{scanD, reportD, covD, defD}
	}
	var t strings.Builder
	fmt.Fprintf(&t, "\n%d observation rows on both (copied to PostgreSQL in %s)\n", benchStore.rows, copied.Round(time.Second))
	fmt.Fprintf(&t, "| backend | one plain scan | weekly report | report / scan | coverage (DayCounts) | coverage / scan | default week | default week / scan |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, be := range backends {
		r := results[be.name]
		if r[0] == 0 || r[1] == 0 {
			continue
		}
		fmt.Fprintf(&t, "| %s | %s | %s | %.2f× | %s | %.2f× | %s | %.2f× |\n", be.name, r[0].Round(time.Millisecond), r[1].Round(time.Millisecond), float64(r[1])/float64(r[0]),
			r[2].Round(time.Millisecond), float64(r[2])/float64(r[0]), r[3].Round(time.Millisecond), float64(r[3])/float64(r[0]))
	}
	b.Log(t.String())
}

// copyToPostgres copies the DuckDB benchmark store into a new schema of the test database,
// dropped when the benchmark ends: keys and indexes are built after the rows, as a bulk restore
// would, then VACUUM ANALYZE gives the planner statistics and the visibility map.
func copyToPostgres(ctx context.Context, b *testing.B, base string) (string, time.Duration, error) {
	t0 := time.Now()
	schema := fmt.Sprintf("bench%d", os.Getpid())
	u, err := url.Parse(base)
	if err != nil {
		return "", 0, err
	}
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", 0, err
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		return "", 0, err
	}
	b.Cleanup(func() {
		if c, err := pgx.Connect(context.Background(), base); err == nil {
			c.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
			c.Close(context.Background())
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	addr := u.String()
	s, err := postgres.Open(ctx, addr, store.Options{}) // the real schema, migrations and all
	if err != nil {
		return "", 0, err
	}
	s.Close()
	c, err := pgx.Connect(ctx, addr)
	if err != nil {
		return "", 0, err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `ALTER TABLE observations DROP CONSTRAINT observations_pkey; DROP INDEX observations_metric_day`); err != nil {
		return "", 0, err
	}
	for _, t := range []struct {
		table string
		cols  []string
	}{
		{"sources", []string{"id", "provider", "location", "fetched_at", "licence", "note", "updated_at"}},
		{"entities", []string{"id", "kind", "name", "symbol", "category", "parent"}},
		{"entity_chains", []string{"entity_id", "chain"}},
		{"entity_tags", []string{"entity_id", "tag"}},
		{"observations", []string{"entity_id", "metric", "day", "value", "source_id"}},
		{"observation_days", []string{"source_id", "metric", "day"}},
	} {
		rows, err := benchStore.db.db.QueryContext(ctx, `SELECT `+strings.Join(t.cols, ", ")+` FROM `+t.table)
		if err != nil {
			return "", 0, err
		}
		vals := make([]any, len(t.cols))
		ptrs := make([]any, len(t.cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n, err := c.CopyFrom(ctx, pgx.Identifier{t.table}, t.cols, pgx.CopyFromFunc(func() ([]any, error) {
			if !rows.Next() {
				return nil, rows.Err()
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			return vals, nil
		}))
		rows.Close()
		if err != nil {
			return "", 0, fmt.Errorf("copy %s: %w", t.table, err)
		}
		b.Logf("copied %d %s rows (%s)", n, t.table, time.Since(t0).Round(time.Second))
	}
	for _, q := range []string{
		`ALTER TABLE observations ADD PRIMARY KEY (entity_id, metric, day, source_id)`,
		`CREATE INDEX observations_metric_day ON observations (metric, day, source_id)`,
		`VACUUM ANALYZE sources, entities, entity_chains, entity_tags, observations, observation_days`,
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			return "", 0, fmt.Errorf("%s: %w", q, err)
		}
	}
	var heap, indexes int64
	if err := c.QueryRow(ctx, `SELECT pg_table_size('observations'), pg_indexes_size('observations')`).Scan(&heap, &indexes); err != nil {
		return "", 0, err
	}
	b.Logf("PostgreSQL observations: %d MB of rows + %d MB of indexes, %.0f bytes a row", heap>>20, indexes>>20, float64(heap+indexes)/float64(benchStore.rows))
	return addr, time.Since(t0), nil
}
