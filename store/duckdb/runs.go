package duckdb

import (
	"context"
	"fmt"

	cw "cryptoweekly"
	"cryptoweekly/store"
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
	rows, err := s.db.QueryContext(ctx, store.LastRunsSQL)
	if err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	return store.ScanRuns(rows)
}
