// Package duckdb is the embedded, default Store: one DuckDB file under the user's data directory.
//
// DuckDB lets one process open a file read-write, or any number of processes open it read-only,
// never both at once. cryptoweekly therefore keeps write sessions short: import and ingest open
// the file read-write only around Apply, and readers (report, weeks, the dashboard) open it
// read-only for the duration of one command or request. Open waits (LockWait) for a conflicting
// holder to let go instead of failing at once, so an ingest started while a report runs simply
// queues behind it.
package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	cw "cryptoweekly"
	"cryptoweekly/store"
)

func init() {
	store.Register(store.Backend{Name: "duckdb", Default: true,
		Open: func(_ context.Context, path string, o store.Options) (cw.Store, error) {
			if strings.TrimSpace(path) == "" {
				// Open("") is a private in-memory store for tests; an empty --db is a mistake.
				return nil, fmt.Errorf("store: empty path: give a DuckDB file")
			}
			return Open(path, Options{ReadOnly: o.ReadOnly, LockWait: o.LockWait})
		}})
}

// Options tune Open.
type Options struct {
	ReadOnly bool
	// LockWait is how long Open retries while another process holds a conflicting lock.
	LockWait time.Duration
	// Threads caps DuckDB's worker threads (0: DuckDB's default, one per core).
	Threads int
}

// Store is a DuckDB-backed cryptoweekly.Store.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
}

var _ cw.Store = (*Store)(nil)

// Open opens (creating if needed, unless read-only) the DuckDB file at path and applies pending
// migrations. An empty path opens a private in-memory store.
func Open(path string, o Options) (*Store, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	if path != "" && !o.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	if path != "" && o.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("store: %s: %w (run `cryptoweekly import` first): %w", path, store.ErrNotFound, err)
		}
	}
	// The README promises no network: DuckDB must never fetch an extension (it tries to, to
	// read a SQLite file) nor load one it finds.
	params := []string{"autoinstall_known_extensions=false", "autoload_known_extensions=false"}
	if o.ReadOnly {
		params = append(params, "access_mode=read_only")
	}
	if o.Threads > 0 {
		params = append(params, fmt.Sprintf("threads=%d", o.Threads))
	}
	dsn := path + "?" + strings.Join(params, "&")
	deadline := time.Now().Add(o.LockWait)
	var db *sql.DB
	for {
		connector, err := duckdb.NewConnector(dsn, nil)
		if err == nil {
			db = sql.OpenDB(connector)
			if err = db.Ping(); err == nil {
				break
			}
			db.Close()
		}
		if isLockConflict(err) && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		if isLockConflict(err) {
			return nil, fmt.Errorf("store: %s is in use by another cryptoweekly process (DuckDB allows one writer, or readers only): %w", path, err)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, readOnly: o.ReadOnly}
	if err := s.recognise(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// checkPath refuses a path that cannot be passed to DuckDB as a file name: the driver reads
// everything after a "?" as options (so "a?x=1" would set options, not name a file), parses the
// rest as a URL, and treats ":memory:" as no file at all. An existing file must be a DuckDB
// database: anything else (a SQLite file, a CSV) is refused by name before DuckDB sees it.
func checkPath(path string) error {
	if path == "" {
		return nil // private in-memory store
	}
	if strings.ContainsAny(path, "?#%") || strings.HasPrefix(path, ":memory:") {
		return fmt.Errorf("store: %s: a store path may not contain '?', '#' or '%%' or start with ':memory:'", cw.Quote(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil // absent (created, or ErrNotFound read-only): Open says so
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return fmt.Errorf("store: %s is a folder, not a DuckDB file", path)
	}
	var head [16]byte
	n, _ := io.ReadFull(f, head[:])
	switch {
	case n == 0:
		return fmt.Errorf("store: %s is an empty file, not a DuckDB database (remove it to start a new store)", path)
	case n >= 12 && string(head[8:12]) == "DUCK":
		return nil
	case n >= 15 && string(head[:15]) == "SQLite format 3":
		return fmt.Errorf("store: %s is a SQLite database, not a cryptoweekly (DuckDB) store; refusing to touch it", path)
	}
	return fmt.Errorf("store: %s is not a DuckDB file (it does not start with DuckDB's header); refusing to touch it", path)
}

// recognise refuses a DuckDB file that holds tables but not the store's schema table: another
// program's database, which import would otherwise fill with nine tables of ours.
func (s *Store) recognise() error {
	var tables []string
	rows, err := s.db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name`)
	if err != nil {
		return fmt.Errorf("store: %s: %w", s.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return fmt.Errorf("store: %s: %w", s.path, err)
		}
		if t == "schema_migrations" {
			return nil
		}
		tables = append(tables, t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", s.path, err)
	}
	if len(tables) == 0 {
		return nil // a new, empty database
	}
	if len(tables) > 5 {
		tables = append(tables[:5], "…")
	}
	return fmt.Errorf("store: %s is a DuckDB database of another program (tables %s, no schema_migrations): not a cryptoweekly store; refusing to touch it", s.path, strings.Join(tables, ", "))
}

func isLockConflict(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "Could not set lock") || strings.Contains(err.Error(), "Conflicting lock"))
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int { return len(migrations) }

func (s *Store) migrate() error {
	ctx := context.Background()
	var have int
	if s.readOnly {
		err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have)
		if err != nil {
			return fmt.Errorf("store: %s has no cryptoweekly schema: %w", s.path, err)
		}
		if have < len(migrations) {
			return fmt.Errorf("store: %s has schema version %d, this binary expects %d: %w", s.path, have, len(migrations), store.ErrSchemaOutdated)
		}
		if have > len(migrations) {
			return fmt.Errorf("store: %s has schema version %d, newer than this binary (%d)", s.path, have, len(migrations))
		}
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("store: schema version: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("store: %s has schema version %d, newer than this binary (%d)", s.path, have, len(migrations))
	}
	for v := have + 1; v <= len(migrations); v++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations VALUES ($1, $2)`, v, time.Now().UTC()); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %d: %w", v, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %d: %w", v, err)
		}
	}
	return nil
}

// Path is the file the store lives in ("" for in-memory).
func (s *Store) Path() string { return s.path }

// Describe names the backend and its file for the report's header.
func (s *Store) Describe() string {
	if s.path == "" {
		return "DuckDB (in memory)"
	}
	return "DuckDB " + s.path
}

// Close releases the file (and its lock).
func (s *Store) Close() error { return s.db.Close() }

// Apply writes batches in one transaction. Rows are first appended to connection-local staging
// tables (fast, and invisible to anyone else), then merged into the real tables between BEGIN and
// COMMIT: a failure or a killed process at any point leaves the store exactly as it was.
func (s *Store) Apply(ctx context.Context, batches ...cw.Batch) (cw.ApplyStats, error) {
	var st cw.ApplyStats
	if err := store.CheckWrite(s.readOnly, batches); err != nil {
		return st, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return st, err
	}
	defer conn.Close()
	stage := []string{
		`CREATE OR REPLACE TEMP TABLE stage_obs (k UBIGINT, value DOUBLE)`,
		`CREATE OR REPLACE TEMP TABLE stage_days (k UBIGINT)`,
		`CREATE OR REPLACE TEMP TABLE stage_metric (code INTEGER, s VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE stage_entity (code INTEGER, s VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE stage_source (code INTEGER, s VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE stage_ent (id VARCHAR, kind VARCHAR, name VARCHAR, symbol VARCHAR, category VARCHAR, parent VARCHAR, seq INTEGER)`,
		`CREATE OR REPLACE TEMP TABLE stage_chain (entity_id VARCHAR, chain VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE stage_tag (entity_id VARCHAR, tag VARCHAR)`,
		`CREATE OR REPLACE TEMP TABLE stage_attr (entity_id VARCHAR, key VARCHAR, value VARCHAR, seq INTEGER)`,
	}
	for _, q := range stage {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return st, fmt.Errorf("store: staging: %w", err)
		}
	}
	defer func() {
		// Temp tables die with the connection anyway; dropping them early only frees memory,
		// so a failure here changes nothing stored.
		for _, t := range []string{"stage_obs", "stage_days", "stage_metric", "stage_entity", "stage_source", "stage_dict", "stage_ent", "stage_chain", "stage_tag", "stage_attr"} {
			if _, err := conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+t); err != nil {
				break
			}
		}
	}()
	obs, err := pack(batches)
	if err != nil {
		return st, fmt.Errorf("store: %w", err)
	}
	err = conn.Raw(func(dc any) error {
		return stageBatches(dc.(driver.Conn), batches, obs, &st)
	})
	if err != nil {
		return st, fmt.Errorf("store: staging: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return st, err
	}
	if err := merge(ctx, tx, batches, obs); err != nil {
		tx.Rollback()
		return st, fmt.Errorf("store: apply: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return st, fmt.Errorf("store: commit: %w", err)
	}
	st.Batches = len(batches)
	return st, nil
}

func stageBatches(dc driver.Conn, batches []cw.Batch, p *packed, st *cw.ApplyStats) error {
	var apps []*duckdb.Appender
	for _, t := range []string{"stage_obs", "stage_metric", "stage_entity", "stage_source", "stage_ent", "stage_chain", "stage_tag", "stage_attr", "stage_days"} {
		a, err := duckdb.NewAppenderFromConn(dc, "", t)
		if err != nil {
			for _, open := range apps {
				open.Close()
			}
			return fmt.Errorf("%s: %w", t, err)
		}
		apps = append(apps, a)
	}
	obs, ent, chain, tag, attr := apps[0], apps[4], apps[5], apps[6], apps[7]
	var firstErr error
	keep := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	for i, dict := range [][]string{p.metrics, p.entities, p.sources} {
		for code, s := range dict {
			keep(apps[1+i].AppendRow(int32(code), s))
		}
	}
	seq := 0
	for _, b := range batches {
		for _, e := range b.Entities {
			seq++
			keep(ent.AppendRow(e.ID, string(e.Kind), e.Name, e.Symbol, e.Category, e.Parent, int32(seq)))
			for _, c := range e.Chains {
				keep(chain.AppendRow(e.ID, c))
			}
			for _, t := range e.Tags {
				keep(tag.AppendRow(e.ID, t))
			}
			keys := make([]string, 0, len(e.Attrs))
			for k := range e.Attrs {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				keep(attr.AppendRow(e.ID, k, e.Attrs[k], int32(seq)))
			}
			st.Entities++
		}
		st.Observations += len(b.Observations)
	}
	// One argument slice for every row: AppendRow's variadic slice would be a heap allocation
	// per row otherwise.
	row := make([]driver.Value, 2)
	for i, k := range p.keys {
		if firstErr != nil {
			break
		}
		row[0], row[1] = k, p.vals[i]
		keep(obs.AppendRow(row...))
	}
	for _, k := range p.dayKeys() {
		if firstErr != nil {
			break
		}
		keep(apps[8].AppendRow(k))
	}
	for _, a := range apps {
		keep(a.Close())
	}
	return firstErr
}

// merge runs inside the transaction. Entities merge field by field (a later non-empty value wins,
// so a tags-only record never blanks a name); chains given for an entity replace its old chains;
// tags accumulate; observations upsert on their key.
func merge(ctx context.Context, tx *sql.Tx, batches []cw.Batch, obs *packed) error {
	now := time.Now().UTC()
	for _, b := range batches {
		if _, err := tx.ExecContext(ctx, store.UpsertSourceSQL, store.SourceArgs(b.Source, now)...); err != nil {
			return fmt.Errorf("source %s: %w", b.Source.ID, err)
		}
	}
	steps := []struct{ what, q string }{
		{"entities", `INSERT INTO entities
			SELECT id, arg_max(kind, seq),
				coalesce(arg_max(name, seq) FILTER (WHERE name <> ''), ''),
				coalesce(arg_max(symbol, seq) FILTER (WHERE symbol <> ''), ''),
				coalesce(arg_max(category, seq) FILTER (WHERE category <> ''), ''),
				coalesce(arg_max(parent, seq) FILTER (WHERE parent <> ''), '')
			FROM stage_ent GROUP BY id
			ON CONFLICT (id) DO UPDATE SET
				kind = excluded.kind,
				name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE entities.name END,
				symbol = CASE WHEN excluded.symbol <> '' THEN excluded.symbol ELSE entities.symbol END,
				category = CASE WHEN excluded.category <> '' THEN excluded.category ELSE entities.category END,
				parent = CASE WHEN excluded.parent <> '' THEN excluded.parent ELSE entities.parent END`},
		{"chains", `DELETE FROM entity_chains WHERE entity_id IN (SELECT DISTINCT entity_id FROM stage_chain)`},
		{"chains", `INSERT INTO entity_chains SELECT DISTINCT entity_id, chain FROM stage_chain`},
		{"tags", `INSERT INTO entity_tags SELECT DISTINCT entity_id, tag FROM stage_tag ON CONFLICT DO NOTHING`},
		{"attrs", `INSERT INTO entity_attrs SELECT entity_id, key, arg_max(value, seq) FROM stage_attr GROUP BY entity_id, key
			ON CONFLICT (entity_id, key) DO UPDATE SET value = excluded.value`},
		// Observations may name an entity no batch described (a live source sending only values);
		// give it a bare row so joins never lose it.
		{"entities", `INSERT INTO entities
			SELECT s, split_part(s, ':', 1), '', '', '', '' FROM stage_entity
			WHERE s NOT IN (SELECT id FROM entities)`},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.q); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	if err := mergeObservations(ctx, tx, obs); err != nil {
		return fmt.Errorf("observations: %w", err)
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(batch_seq), 0) FROM ingest_log`).Scan(&seq); err != nil {
		return err
	}
	for _, b := range batches {
		seq++
		if _, err := tx.ExecContext(ctx, `INSERT INTO ingest_log VALUES ($1, $2, $3, $4, $5)`,
			seq, string(b.Source.ID), len(b.Observations), len(b.Entities), now); err != nil {
			return fmt.Errorf("ingest log: %w", err)
		}
	}
	return nil
}

// mergeObservations upserts the staged observations. Observations have no primary key (migration
// 3): the staged keys replace the stored ones, and each write lands sorted by (metric, day,
// entity, source) so that zone maps prune the report's day-bounded scans. The delete-join runs
// only if some stored row lies in the staged days (found through the zone maps), which a fresh
// load (the first report writes ~1M rows) never has.
func mergeObservations(ctx context.Context, tx *sql.Tx, p *packed) error {
	if len(p.keys) == 0 {
		return nil
	}
	lo, hi := cw.DayString(time.Unix(int64(p.lo)*86400, 0)), cw.DayString(time.Unix(int64(p.hi)*86400, 0))
	if _, err := tx.ExecContext(ctx, dictSQL); err != nil {
		return err
	}
	var stored bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM observations WHERE day BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE))`,
		lo, hi).Scan(&stored); err != nil {
		return err
	}
	if stored {
		if _, err := tx.ExecContext(ctx, `DELETE FROM observations o USING (`+stagedSQL+`) s
			WHERE o.day BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
				AND o.entity_id = s.entity_id AND o.metric = s.metric AND o.day = s.day AND o.source_id = s.source_id`,
			lo, hi); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO observations SELECT entity_id, metric, day, value, source_id FROM (`+stagedSQL+`)`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, daysSQL); err != nil {
		return fmt.Errorf("day index (observation_days): %w", err)
	}
	return nil
}

// Empty tells whether the store holds no observation.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var empty bool
	if err := s.db.QueryRowContext(ctx, store.EmptySQL).Scan(&empty); err != nil {
		return false, fmt.Errorf("store: empty: %w", err)
	}
	return empty, nil
}

// HasDays tells whether any observation lies in (from, to].
func (s *Store) HasDays(ctx context.Context, from, to time.Time) (bool, error) {
	var has bool
	if err := s.db.QueryRowContext(ctx, store.HasDaysSQL, cw.DayString(from), cw.DayString(to)).Scan(&has); err != nil {
		return false, fmt.Errorf("store: days %s..%s: %w", cw.DayString(from), cw.DayString(to), err)
	}
	return has, nil
}

// NewestDay is the newest day any observation lies on (zero: none).
func (s *Store) NewestDay(ctx context.Context) (time.Time, error) {
	return store.ScanDay(s.db.QueryRowContext(ctx, store.NewestDaySQL), "newest day")
}

// Coverage lists, per source and metric, the stored span.
func (s *Store) Coverage(ctx context.Context) ([]cw.Coverage, error) {
	rows, err := s.db.QueryContext(ctx, store.CoverageSQL)
	if err != nil {
		return nil, fmt.Errorf("store: coverage: %w", err)
	}
	return store.ScanCoverage(rows)
}

// Check is an integrity check: every observation's source and entity exist, no key repeats, and
// no value is non-finite. It returns a list of problems (empty when the store is sound).
func (s *Store) Check(ctx context.Context) ([]string, error) {
	checks := []store.Check{
		{What: "observations without a source row", Q: `SELECT count(*) FROM observations o WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = o.source_id)`},
		{What: "observations without an entity row", Q: `SELECT count(*) FROM observations o WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = o.entity_id)`},
		{What: "duplicate observation keys", Q: `SELECT count(*) FROM (SELECT entity_id, metric, day, source_id FROM observations GROUP BY ALL HAVING count(*) > 1)`},
		{What: "non-finite values", Q: `SELECT count(*) FROM observations WHERE isnan(value) OR isinf(value)`},
		{What: "sources with rows but no committed batch", Q: `SELECT count(*) FROM (SELECT DISTINCT source_id FROM observations) o WHERE NOT EXISTS (SELECT 1 FROM ingest_log l WHERE l.source_id = o.source_id)`},
	}
	problems, err := store.RunChecks(ctx, s.db, checks)
	if err != nil {
		return nil, err
	}
	// The plausibility table, on each metric's extremes (a store written before the table
	// existed may hold a 1e300 market cap or a day in year -3586956).
	rows, err := s.db.QueryContext(ctx, `SELECT metric, min(value), max(value), CAST(min(day) AS VARCHAR), CAST(max(day) AS VARCHAR) FROM observations GROUP BY metric ORDER BY metric`)
	if err != nil {
		return nil, fmt.Errorf("store: check plausibility: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m, d0, d1 string
		var lo, hi float64
		if err := rows.Scan(&m, &lo, &hi, &d0, &d1); err != nil {
			return nil, fmt.Errorf("store: check plausibility: %w", err)
		}
		for _, v := range []float64{lo, hi} {
			if err := cw.CheckValue(cw.Metric(m), v); err != nil {
				problems = append(problems, fmt.Sprintf("implausible %s: %v", m, err))
				break
			}
		}
		for _, d := range []string{d0, d1} {
			day, err := cw.ParseDay(d)
			if err == nil {
				err = cw.CheckDay(day)
			}
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", m, err))
				break
			}
		}
	}
	return problems, rows.Err()
}

// Digest is a hash of each table's content (without the times a write stamps: updated_at,
// committed_at), so two stores holding the same rows give the same digests whatever order the
// rows were written in. Tests use it to show a store unchanged, or two import orders equal.
func (s *Store) Digest(ctx context.Context) (map[string]string, error) {
	tables := map[string]string{
		"sources":       `SELECT id, provider, location, coalesce(CAST(fetched_at AS VARCHAR), ''), licence, note FROM sources`,
		"entities":      `SELECT id, kind, name, symbol, category, parent FROM entities`,
		"entity_chains": `SELECT entity_id, chain, '', '', '', '' FROM entity_chains`,
		"entity_tags":   `SELECT entity_id, tag, '', '', '', '' FROM entity_tags`,
		"entity_attrs":  `SELECT entity_id, key, value, '', '', '' FROM entity_attrs`,
		"observations":  `SELECT entity_id, metric, CAST(day AS VARCHAR), CAST(value AS VARCHAR), source_id, '' FROM observations`,
	}
	out := map[string]string{}
	for name, q := range tables {
		rows, err := s.db.QueryContext(ctx, `SELECT count(*), coalesce(sum(hash(c1, c2, c3, c4, c5, c6)), 0)::VARCHAR FROM (`+q+`) t(c1, c2, c3, c4, c5, c6)`)
		if err != nil {
			return nil, fmt.Errorf("store: digest %s: %w", name, err)
		}
		var n int64
		var h string
		if rows.Next() {
			err = rows.Scan(&n, &h)
		}
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: digest %s: %w", name, err)
		}
		out[name] = fmt.Sprintf("%d rows, %s", n, h)
	}
	return out, nil
}

// Version changes whenever a write commits (a batch or an ingest run): a server caches reports
// until it changes.
func (s *Store) Version(ctx context.Context) (string, error) {
	var seq, runs int64
	if err := s.db.QueryRowContext(ctx, store.VersionSQL).Scan(&seq, &runs); err != nil {
		return "", fmt.Errorf("store: version: %w", err)
	}
	return fmt.Sprintf("%d.%d", seq, runs), nil
}
