package duckdb

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"cryptoweekly/bundle"
	"cryptoweekly/report"
)

// BenchmarkApplyBundle writes the embedded dataset (1,062,993 observations, the same rows
// `cryptoweekly import` makes of ../shared/data/raw) into a fresh store file: "apply" is
// Store.Apply (validation, staging, merge, commit), "append" the same-run baseline: the
// observations appended to a bare table with DuckDB's appender, nothing else.
func BenchmarkApplyBundle(b *testing.B) {
	bs, err := bundle.Load()
	if err != nil {
		b.Fatal(err)
	}
	rows := 0
	for _, x := range bs {
		rows += len(x.Observations)
	}
	ctx := context.Background()
	b.Run("apply", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s, err := Open(filepath.Join(b.TempDir(), "cw.duckdb"), Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := s.Apply(ctx, bs...); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("append", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s, err := Open(filepath.Join(b.TempDir(), "cw.duckdb"), Options{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.db.Exec(`CREATE TABLE bare (entity_id VARCHAR, metric VARCHAR, day DATE, value DOUBLE, source_id VARCHAR)`); err != nil {
				b.Fatal(err)
			}
			conn, err := s.db.Conn(ctx)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			err = conn.Raw(func(dc any) error {
				a, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "bare")
				if err != nil {
					return err
				}
				for _, x := range bs {
					for _, o := range x.Observations {
						if err := a.AppendRow(o.Entity, string(o.Metric), o.Day, o.Value, string(o.Source)); err != nil {
							a.Close()
							return err
						}
					}
				}
				return a.Close()
			})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			conn.Close()
			s.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkFirstReport is the first `report` on a fresh machine: decode the embedded bundle,
// write it into a new store file, reopen it read-only and build the 2024-12-13 week (rendering
// excluded). "decode" (bundle.Load alone) is the
// same-run baseline.
func BenchmarkFirstReport(b *testing.B) {
	ctx := context.Background()
	end := time.Date(2024, 12, 13, 0, 0, 0, 0, time.UTC)
	b.Run("first-report", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			path := filepath.Join(b.TempDir(), "cw.duckdb")
			b.StartTimer()
			s, err := Open(path, Options{})
			if err != nil {
				b.Fatal(err)
			}
			bs, err := bundle.Load()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.Apply(ctx, bs...); err != nil {
				b.Fatal(err)
			}
			s.Close()
			// As the CLI does: the loaded file is reopened read-only for the report.
			if s, err = Open(path, Options{ReadOnly: true}); err != nil {
				b.Fatal(err)
			}
			if _, err := report.Build(ctx, s, report.DefaultConfig(), end, report.Inputs{Now: end}); err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
	})
	b.Run("decode", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := bundle.Load(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
