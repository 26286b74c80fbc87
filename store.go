package cryptoweekly

import (
	"context"
	"database/sql"
	"time"
)

// Store keeps entities, observations and provenance. Backends live in store/<name>.
//
// Apply writes all batches in one transaction: either every batch is visible afterwards or none
// is. Re-applying the same batch is a no-op apart from refreshed provenance (upsert on
// entity/metric/day/source), which is what makes ingest safe to run twice.
type Store interface {
	Apply(ctx context.Context, batches ...Batch) (ApplyStats, error)
	// DB gives read access for the metrics, which are written in SQL so they run where the
	// data is. Metric SQL sticks to what DuckDB and PostgreSQL both accept.
	DB() *sql.DB
	// Coverage lists, per source and metric, the first and last day stored.
	Coverage(ctx context.Context) ([]Coverage, error)
	Close() error
}

// ApplyStats counts what an Apply changed.
type ApplyStats struct {
	Batches      int
	Entities     int
	Observations int // rows inserted or updated
}

// Coverage is the stored span of one (source, metric) series family.
type Coverage struct {
	Source   string
	Metric   string
	Entities int
	Rows     int
	First    time.Time
	Last     time.Time
}

// IngestRun is the outcome of one source's ingest run.
type IngestRun struct {
	Source     string    `json:"source"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Since      time.Time `json:"since"`  // zero: full history
	Status     string    `json:"status"` // ok, partial (some families failed), failed
	Batches    int       `json:"batches"`
	Rows       int       `json:"rows"`
	Error      string    `json:"error,omitempty"`
}
