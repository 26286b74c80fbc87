package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	cw "cryptoweekly"
)

// Row readers the SQL backends share: their queries differ by dialect, the rows they return do
// not. Each closes rows.

// ScanObservations reads (entity_id, metric, day, value, source_id) rows.
func ScanObservations(rows *sql.Rows) ([]cw.Observation, error) {
	defer rows.Close()
	var out []cw.Observation
	for rows.Next() {
		var o cw.Observation
		var m, src string
		if err := rows.Scan(&o.Entity, &m, &o.Day, &o.Value, &src); err != nil {
			return nil, err
		}
		o.Metric, o.Source, o.Day = cw.Metric(m), cw.SourceID(src), cw.Day(o.Day)
		out = append(out, o)
	}
	return out, rows.Err()
}

// LikePrefix turns an ID prefix into a LIKE pattern (with ESCAPE '\') that matches it literally:
// "_" and "%" in IDs are characters, not wildcards, on both backends.
func LikePrefix(p string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(p) + "%"
}

// ScanStrings reads one text column.
func ScanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ScanEntities reads (id, kind, name, symbol, category, parent) rows into out, only those of the
// IDs in want unless want is nil.
func ScanEntities(rows *sql.Rows, out map[string]cw.Entity, want map[string]struct{}) error {
	defer rows.Close()
	for rows.Next() {
		var e cw.Entity
		var kind string
		if err := rows.Scan(&e.ID, &kind, &e.Name, &e.Symbol, &e.Category, &e.Parent); err != nil {
			return fmt.Errorf("store: entities: %w", err)
		}
		if want != nil {
			if _, ok := want[e.ID]; !ok {
				continue
			}
		}
		e.Kind = cw.Kind(kind)
		out[e.ID] = e
	}
	return rows.Err()
}

// EntityChild names one child table of entities and what ScanEntityChildren does with its rows.
type EntityChild string

const (
	Chains EntityChild = "chains"
	Tags   EntityChild = "tags"
	Attrs  EntityChild = "attrs"
)

// ScanEntityChildren adds (entity_id, value, attribute value) rows of one child table to the
// entities already in out; rows of other entities are ignored.
func ScanEntityChildren(rows *sql.Rows, what EntityChild, out map[string]cw.Entity) error {
	defer rows.Close()
	var several []string // entities that got a second chain or tag here
	for rows.Next() {
		var id, k, v string
		if err := rows.Scan(&id, &k, &v); err != nil {
			return fmt.Errorf("store: entity %s: %w", what, err)
		}
		e, ok := out[id]
		if !ok {
			continue
		}
		switch what {
		case Chains:
			if e.Chains = append(e.Chains, k); len(e.Chains) == 2 {
				several = append(several, id)
			}
		case Tags:
			if e.Tags = append(e.Tags, k); len(e.Tags) == 2 {
				several = append(several, id)
			}
		default:
			if e.Attrs == nil {
				e.Attrs = map[string]string{}
			}
			e.Attrs[k] = v
		}
		out[id] = e
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// Chains and tags may come in any order; they are kept sorted, as both backends always gave
	// them.
	if what != Attrs {
		for _, id := range several {
			e := out[id]
			l := e.Chains
			if what == Tags {
				l = e.Tags
			}
			slices.Sort(l)
		}
	}
	return nil
}

// CheckWrite is what both backends check before a write touches the database: a read-only store
// refuses it, and every batch must be valid.
func CheckWrite(readOnly bool, batches []cw.Batch) error {
	if readOnly {
		return errors.New("store: opened read-only")
	}
	for i := range batches {
		if err := batches[i].Validate(); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

// UpsertSourceSQL writes one provenance record (SourceArgs), the same in both SQL dialects.
const UpsertSourceSQL = `INSERT INTO sources VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, location = excluded.location,
	fetched_at = excluded.fetched_at, licence = excluded.licence, note = excluded.note, updated_at = excluded.updated_at`

// SourceArgs are UpsertSourceSQL's arguments: an unknown fetch time is NULL.
func SourceArgs(p cw.Provenance, now time.Time) []any {
	var fetched any
	if !p.FetchedAt.IsZero() {
		fetched = p.FetchedAt.UTC()
	}
	return []any{string(p.ID), p.Provider, p.Location, fetched, p.Licence, p.Note, now}
}

// ScanSources reads the rows of a sources query (id, provider, location, fetched_at, licence,
// note).
func ScanSources(rows *sql.Rows) ([]cw.Provenance, error) {
	defer rows.Close()
	var out []cw.Provenance
	for rows.Next() {
		var p cw.Provenance
		var id string
		var t sql.NullTime
		if err := rows.Scan(&id, &p.Provider, &p.Location, &t, &p.Licence, &p.Note); err != nil {
			return nil, fmt.Errorf("store: sources: %w", err)
		}
		p.ID = cw.SourceID(id)
		if t.Valid {
			p.FetchedAt = t.Time.UTC()
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// EmptySQL is the Empty query, the same in both SQL dialects.
const EmptySQL = `SELECT NOT EXISTS (SELECT 1 FROM observations)`

// HasDaysSQL is the HasDays query, the same in both SQL dialects: observation_days lists every
// day an observation lies on.
const HasDaysSQL = `SELECT EXISTS (SELECT 1 FROM observation_days WHERE day > CAST($1 AS DATE) AND day <= CAST($2 AS DATE))`

// DaysWhere is the condition on observations' day for days in (from, to], a zero bound open;
// arg adds a parameter and returns its placeholder.
func DaysWhere(from, to time.Time, arg func(string) string) string {
	conds := []string{"TRUE"}
	if !from.IsZero() {
		conds = append(conds, "day > CAST("+arg(cw.DayString(from))+" AS DATE)")
	}
	if !to.IsZero() {
		conds = append(conds, "day <= CAST("+arg(cw.DayString(to))+" AS DATE)")
	}
	return strings.Join(conds, " AND ")
}

// VersionSQL changes whenever a write commits (a batch sequence) or an ingest run is recorded:
// what the dashboard compares to know its caches are still right. The same in both dialects.
const VersionSQL = `SELECT coalesce(max(batch_seq), 0), (SELECT count(*) FROM ingest_runs) FROM ingest_log`

// NewestDaySQL is the newest day any observation lies on, from the day index.
const NewestDaySQL = `SELECT max(day) FROM observation_days`

// ScanDay reads one nullable day (a max(day)): the zero time when there is none. what names the
// query in an error.
func ScanDay(row *sql.Row, what string) (time.Time, error) {
	var t sql.NullTime
	if err := row.Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("store: %s: %w", what, err)
	}
	if !t.Valid {
		return time.Time{}, nil
	}
	return cw.Day(t.Time), nil
}

// LatestDaySQL is the LatestDay query, the same in both SQL dialects: on observation_days, a
// lookup in a table of one row per series and day (73,599 for the bundle) instead of a scan of the week's observations (and on Citus a
// reference table, read on the coordinator instead of on every shard).
const LatestDaySQL = `SELECT max(day) FROM observation_days
	WHERE source_id = $1 AND metric = $2 AND day > CAST($3 AS DATE) AND day <= CAST($4 AS DATE)`

// Check is one integrity check: a query counting the rows that break a rule, and the rule.
type Check struct{ What, Q string }

// RunChecks runs a backend's checks and the day-index checks both share, and lists every
// broken rule with its count.
func RunChecks(ctx context.Context, db interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, checks []Check) ([]string, error) {
	var problems []string
	for _, c := range append(checks, DayIndexChecks...) {
		var n int64
		if err := db.QueryRowContext(ctx, c.Q).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: check %s: %w", c.What, err)
		}
		if n > 0 {
			problems = append(problems, fmt.Sprintf("%d %s", n, c.What))
		}
	}
	return problems, nil
}

// DayIndexChecks are Check's two checks of observation_days against the observations, the same
// in both SQL dialects. Outer joins, not NOT EXISTS: Citus refuses a correlated subquery that
// does not correlate on entity_id.
var DayIndexChecks = []Check{
	{"observation days missing from observation_days", `SELECT count(*) FROM (SELECT DISTINCT source_id, metric, day FROM observations) o
		LEFT JOIN observation_days d ON d.source_id = o.source_id AND d.metric = o.metric AND d.day = o.day WHERE d.day IS NULL`},
	{"observation_days rows without an observation", `SELECT count(*) FROM observation_days d
		LEFT JOIN (SELECT DISTINCT source_id, metric, day FROM observations) o ON o.source_id = d.source_id AND o.metric = d.metric AND o.day = d.day
		WHERE o.day IS NULL`},
}

// CoverageSQL is the Coverage query, the same in both SQL dialects.
const CoverageSQL = `SELECT source_id, metric, count(DISTINCT entity_id), count(*), min(day), max(day)
		FROM observations GROUP BY source_id, metric ORDER BY source_id, metric`

// ScanCoverage reads the rows of CoverageSQL.
func ScanCoverage(rows *sql.Rows) ([]cw.Coverage, error) {
	defer rows.Close()
	var out []cw.Coverage
	for rows.Next() {
		var c cw.Coverage
		var src, m string
		if err := rows.Scan(&src, &m, &c.Entities, &c.Rows, &c.First, &c.Last); err != nil {
			return nil, fmt.Errorf("store: coverage: %w", err)
		}
		c.Source, c.Metric = cw.SourceID(src), cw.Metric(m)
		out = append(out, c)
	}
	return out, rows.Err()
}

// LastRunsSQL is the LastRuns query (the newest run of every source), the same in both dialects.
const LastRunsSQL = `SELECT source, started_at, finished_at, since, status, batches, rows, error
		FROM (SELECT *, row_number() OVER (PARTITION BY source ORDER BY finished_at DESC) AS rn FROM ingest_runs) t
		WHERE rn = 1 ORDER BY source`

// ScanRuns reads the rows of LastRunsSQL, times in UTC.
func ScanRuns(rows *sql.Rows) ([]cw.IngestRun, error) {
	defer rows.Close()
	var out []cw.IngestRun
	for rows.Next() {
		var r cw.IngestRun
		var since sql.NullTime
		if err := rows.Scan(&r.Source, &r.StartedAt, &r.FinishedAt, &since, &r.Status, &r.Batches, &r.Rows, &r.Error); err != nil {
			return nil, fmt.Errorf("store: runs: %w", err)
		}
		r.StartedAt, r.FinishedAt = r.StartedAt.UTC(), r.FinishedAt.UTC()
		if since.Valid {
			r.Since = cw.Day(since.Time)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ScanPairs reads (entity_id, metric, source_id, value at D0, value at D1) rows; a NULL value is
// a day without one.
func ScanPairs(rows *sql.Rows) ([]cw.Pair, error) {
	defer rows.Close()
	var out []cw.Pair
	// A query for every token returns ~100k rows naming a handful of metrics and sources: each
	// distinct name is allocated once, and the two values of a row share one allocation.
	names := map[string]string{}
	intern := func(b sql.RawBytes) string {
		if v, ok := names[string(b)]; ok {
			return v
		}
		v := string(b)
		names[v] = v
		return v
	}
	var m, src sql.RawBytes
	for rows.Next() {
		var p cw.Pair
		var a, b sql.NullFloat64
		if err := rows.Scan(&p.Entity, &m, &src, &a, &b); err != nil {
			return nil, fmt.Errorf("store: pairs: %w", err)
		}
		p.Metric, p.Source = cw.Metric(intern(m)), cw.SourceID(intern(src))
		if a.Valid || b.Valid {
			v := new([2]float64)
			v[0], v[1] = a.Float64, b.Float64
			if a.Valid {
				p.V0 = &v[0]
			}
			if b.Valid {
				p.V1 = &v[1]
			}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ScanPoints reads (day, value) rows.
func ScanPoints(rows *sql.Rows) ([]cw.Point, error) {
	defer rows.Close()
	var out []cw.Point
	for rows.Next() {
		var p cw.Point
		if err := rows.Scan(&p.Day, &p.Value); err != nil {
			return nil, fmt.Errorf("store: daily: %w", err)
		}
		p.Day = cw.Day(p.Day)
		out = append(out, p)
	}
	return out, rows.Err()
}
