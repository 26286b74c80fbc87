package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	cw "cryptoweekly"
)

// RecordRun stores the outcome of one source's ingest run.
func (s *Store) RecordRun(ctx context.Context, r cw.IngestRun) error {
	var since any
	if !r.Since.IsZero() {
		since = cw.DayString(r.Since)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO ingest_runs VALUES ($1, $2, $3, CAST($4 AS DATE), $5, $6, $7, $8)`,
		r.Source, r.StartedAt.UTC(), r.FinishedAt.UTC(), since, r.Status, r.Batches, r.Rows, r.Error)
	if err != nil {
		return fmt.Errorf("store: record run %s: %w", r.Source, err)
	}
	return nil
}

// LastRuns returns the newest run of every source.
func (s *Store) LastRuns(ctx context.Context) ([]cw.IngestRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT source, started_at, finished_at, since, status, batches, rows, error
		FROM (SELECT *, row_number() OVER (PARTITION BY source ORDER BY finished_at DESC) AS rn FROM ingest_runs) t
		WHERE rn = 1 ORDER BY source`)
	if err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	defer rows.Close()
	var out []cw.IngestRun
	for rows.Next() {
		var r cw.IngestRun
		var since sql.NullTime
		if err := rows.Scan(&r.Source, &r.StartedAt, &r.FinishedAt, &since, &r.Status, &r.Batches, &r.Rows, &r.Error); err != nil {
			return nil, err
		}
		if since.Valid {
			r.Since = cw.Day(since.Time)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
