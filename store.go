package cryptoweekly

import (
	"context"
	"time"
)

// Store keeps entities, observations and provenance. Backends live in store/<name> and each passes
// store/storetest.
//
// Apply writes all batches in one transaction: either every batch is visible afterwards or none
// is. Re-applying the same batch is a no-op apart from refreshed provenance (upsert on
// entity/metric/day/source), which is what makes ingest safe to run twice.
type Store interface {
	Reader
	Apply(ctx context.Context, batches ...Batch) (ApplyStats, error)
	// RecordRun stores the outcome of one provider's ingest run.
	RecordRun(ctx context.Context, r IngestRun) error
	// Coverage lists, per source and metric, the first and last day stored.
	Coverage(ctx context.Context) ([]Coverage, error)
	// Empty tells whether the store holds no observation: the one row it looks for, where
	// Coverage reads them all.
	Empty(ctx context.Context) (bool, error)
	// HasDays tells whether any observation lies in the days (from, to]: what a report for a
	// chosen week needs to know before it starts, without Coverage's read of every row.
	HasDays(ctx context.Context, from, to time.Time) (bool, error)
	// Check is an integrity check (orphans, duplicate keys, non-finite values, rows without a
	// committed batch); it returns the problems found, none when the store is sound.
	Check(ctx context.Context) ([]string, error)
	// Describe names the backend and where the data lives ("DuckDB /path/cw.duckdb"), for the
	// report's header.
	Describe() string
	Close() error
}

// Reader is what the report sections may ask of a store: a handful of named queries, each bounded
// to the days a figure compares, so a store of the whole market costs little more than the
// bundled one. The SQL behind them lives in the backend, where a second backend supplies its own.
type Reader interface {
	// Pairs returns, per (entity, metric, source), the values at two days. Entities are selected by
	// q.Entity (an exact ID) or q.Prefix ("chain:"); q.Sources, when set, restricts the sources.
	Pairs(ctx context.Context, q PairQuery) ([]Pair, error)
	// Daily returns one series' values over (from, to], oldest first.
	Daily(ctx context.Context, entity string, m Metric, s SourceID, from, to time.Time) ([]Point, error)
	// LatestDay returns the newest day in (notBefore, at] on which source s has metric m
	// observations, or the zero time: the snapshot a weekly figure uses.
	LatestDay(ctx context.Context, s SourceID, m Metric, notBefore, at time.Time) (time.Time, error)
	// NewestDay returns the newest day any observation lies on, or the zero time for an empty
	// store.
	NewestDay(ctx context.Context) (time.Time, error)
	// Latest returns, for each (source, metric) among ms, the observations of the entities with
	// the prefix on the newest day in (from, to] that series has.
	Latest(ctx context.Context, prefix string, ms []Metric, from, to time.Time) ([]Observation, error)
	// Observations returns the observations of one metric of the entities with the prefix over
	// (from, to], by day then entity.
	Observations(ctx context.Context, prefix string, m Metric, from, to time.Time) ([]Observation, error)
	// Entities returns the stored metadata (with chains, tags and attributes) of the given IDs;
	// IDs the store does not know are absent from the map.
	Entities(ctx context.Context, ids []string) (map[string]Entity, error)
	// EntitiesOnChains lists the IDs of entities of kind k that name any of the chains (compared
	// case-insensitively) among their chains.
	EntitiesOnChains(ctx context.Context, k Kind, chains []string) ([]string, error)
	// CountEntities counts the entities of kind k.
	CountEntities(ctx context.Context, k Kind) (int, error)
	// Symbols lists the distinct non-empty symbols of the entities of kind k.
	Symbols(ctx context.Context, k Kind) ([]string, error)
	// Sources returns the provenance records with the given ids, sorted by id.
	Sources(ctx context.Context, ids []SourceID) ([]Provenance, error)
	// LastRuns returns the newest ingest run of every provider, sorted by provider.
	LastRuns(ctx context.Context) ([]IngestRun, error)
	// DayCounts counts, per selector and day in (from, to], the distinct entities with an
	// observation matching the selector, in one pass over the store: the coverage of every
	// section at once. A zero from or to leaves that side of the days open.
	DayCounts(ctx context.Context, sel []Selector, from, to time.Time) ([]map[time.Time]int, error)
}

// PairQuery selects the series Pairs compares.
type PairQuery struct {
	Entity  string // an exact entity ID, or
	Prefix  string // every entity whose ID starts with it ("chain:")
	Metrics []Metric
	Sources []SourceID // empty: every source
	D0, D1  time.Time
}

// Pair is one series' values at the two compared days; nil where the day has no value.
type Pair struct {
	Entity string
	Metric Metric
	Source SourceID
	V0, V1 *float64
}

// Point is one day's value.
type Point struct {
	Day   time.Time
	Value float64
}

// Selector picks observations for DayCounts: by exact entity IDs or an ID prefix, and optionally
// by metrics and sources (empty: any).
type Selector struct {
	Entities []string
	Prefix   string
	Metrics  []Metric
	Sources  []SourceID
}

// ApplyStats counts what an Apply changed.
type ApplyStats struct {
	Batches      int
	Entities     int
	Observations int // rows inserted or updated
}

// Coverage is the stored span of one (source, metric) series family.
type Coverage struct {
	Source   SourceID
	Metric   Metric
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
