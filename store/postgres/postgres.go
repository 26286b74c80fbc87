// Package postgres is the Store for teams: a PostgreSQL database that any number of processes
// write and read at once (a scheduled ingester, the dashboard, analysts' reports), where DuckDB
// allows one writer process per file.
//
// It mirrors store/duckdb: the same versioned migrations, the same merge rules and the same
// answers to every Reader query (store/storetest checks both). Apply copies rows into staging
// tables with COPY and merges them in the same transaction, so a write commits whole or not at all;
// readers never wait for it (MVCC) and writers queue on one advisory lock only for the merge. On
// Citus, where a commit reaches the workers one after another, opening a read-only store waits
// for a running merge to end (snapshot).
//
// Addresses are libpq URLs or keyword strings: postgres://user:pass@host:5432/db, with the usual
// PG* environment variables and ~/.pgpass filling what the address leaves out. A search_path
// parameter (postgres://…/db?search_path=team_a) keeps a store in its own schema.
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	cw "cryptoweekly"
	"cryptoweekly/store"
)

func init() {
	store.Register(store.Backend{Name: "postgres", Schemes: []string{"postgres", "postgresql"},
		Open: func(ctx context.Context, addr string, o store.Options) (cw.Store, error) {
			return Open(ctx, addr, o)
		}})
}

// Store is a PostgreSQL-backed cryptoweekly.Store.
type Store struct {
	db       *sql.DB
	q        querier // db, or the snapshot transaction of a read-only store
	where    string  // the address without its password, for messages
	readOnly bool

	// A read-only store reads one snapshot: every query of a report sees the same committed
	// state however many ingests commit meanwhile, as a DuckDB reader sees its file. The
	// snapshot is one connection's transaction, so mu serialises the queries on it.
	conn *sql.Conn
	tx   *sql.Tx
	mu   sync.Mutex
}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// lock serialises the queries of a snapshot; read-write stores use the pool freely.
func (s *Store) lock() func() {
	if s.tx == nil {
		return func() {}
	}
	s.mu.Lock()
	return s.mu.Unlock
}

var _ cw.Store = (*Store)(nil)

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int { return len(migrations) }

// Open connects to the database at addr and, unless read-only, applies pending migrations (a
// database with no cryptoweekly tables yet gets them). A read-only Open of a database without the
// schema returns store.ErrNotFound, of an older schema store.ErrSchemaOutdated.
func Open(ctx context.Context, addr string, o store.Options) (*Store, error) {
	if strings.HasPrefix(addr, "//") { // "postgres:" was taken as the backend's name
		addr = "postgres:" + addr
	}
	cfg, err := pgx.ParseConfig(addr)
	if err != nil {
		return nil, fmt.Errorf("store: PostgreSQL address: %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "cryptoweekly"
	}
	if o.ReadOnly {
		// The server enforces it: a report can never write, whatever the code does.
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	s := &Store{db: stdlib.OpenDB(*cfg), where: describe(cfg), readOnly: o.ReadOnly}
	s.db.SetMaxOpenConns(8)
	s.db.SetMaxIdleConns(4)
	// A server still starting up (after a restart) refuses connections for a moment: wait for it
	// as DuckDB waits for a file lock. Any other failure is reported at once.
	deadline := time.Now().Add(o.LockWait)
	for {
		err = s.db.PingContext(ctx)
		if err == nil {
			break
		}
		if isStartingUp(err) && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		s.db.Close()
		return nil, s.connError(err)
	}
	s.q = s.db
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if o.ReadOnly {
		if err := s.snapshot(ctx, o.LockWait); err != nil {
			s.db.Close()
			return nil, err
		}
	}
	return s, nil
}

// snapshot pins a read-only store to one REPEATABLE READ transaction. Keep such a store open for
// one report or one request, as with DuckDB: an open snapshot holds back VACUUM.
func (s *Store) snapshot(ctx context.Context, lockWait time.Duration) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.connError(err)
	}
	distributed, err := isDistributed(ctx, conn)
	if err != nil {
		conn.Close()
		return s.connError(err)
	}
	if distributed {
		if err := s.awaitMerges(ctx, conn, lockWait); err != nil {
			conn.Close()
			return err
		}
	}
	// Not bound to ctx: database/sql rolls a transaction back when its context ends, and the
	// snapshot must last until Close, not until the Open call's deadline.
	tx, err := conn.BeginTx(context.WithoutCancel(ctx), &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		conn.Close()
		return s.connError(err)
	}
	if distributed {
		err := pinWorkerSnapshots(ctx, tx)
		// Released once every node's snapshot is taken (or on failure): merges wait for this
		// moment only, never for the report itself.
		if _, uerr := tx.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock_shared(`+mergeLockKey+`)`); err == nil {
			err = uerr
		}
		if err != nil {
			tx.Rollback()
			conn.Close()
			return fmt.Errorf("store: PostgreSQL %s: snapshot on the Citus workers: %w", s.where, err)
		}
	}
	s.conn, s.tx, s.q = conn, tx, tx
	return nil
}

// isDistributed reports whether the store's observations are a Citus distributed table (a store
// of local tables on a Citus coordinator needs no wait). It is a variable so that tests on plain
// PostgreSQL can run the Citus path of snapshot (everything in it but the Citus setting is plain SQL).
var isDistributed = func(ctx context.Context, conn *sql.Conn) (bool, error) {
	var citus bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')`).Scan(&citus); err != nil || !citus {
		return false, err
	}
	var dist bool
	err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = to_regclass('observations'))`).Scan(&dist)
	return dist, err
}

// On Citus a REPEATABLE READ transaction is not one snapshot of the cluster: each worker connection
// takes its own when it first runs a query, and a merge's two-phase commit lands on the workers
// one after another. A report could then read part of a merge (seen on a two-worker cluster: one
// read-only store in 15 read half of a 10,000-row write, docs/scale-out.md). So a read-only store takes its
// snapshots while no merge is running: awaitMerges waits for the merge lock in shared mode
// (a session lock, taken before the transaction starts, so the coordinator's own snapshot is
// inside it too), pinWorkerSnapshots opens the transaction's one connection to every worker, and
// the lock is released. A merge holds the lock in exclusive mode until its COMMIT PREPARED has
// reached every worker, so the snapshots hold every merge whole or not at all.

// awaitMerges takes the merge lock in shared mode, waiting at most lockWait (DuckDB's readers wait
// for a writer's file lock the same way).
func (s *Store) awaitMerges(ctx context.Context, conn *sql.Conn, lockWait time.Duration) error {
	// One connection per worker for the whole transaction: Citus's executor adds connections to a
	// worker while a query runs, and one opened after the lock is released would start with a
	// newer snapshot.
	if _, err := conn.ExecContext(ctx, `SET citus.max_adaptive_executor_pool_size = 1`); err != nil {
		return s.connError(err)
	}
	var got bool
	if lockWait <= 0 {
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock_shared(`+mergeLockKey+`)`).Scan(&got); err != nil {
			return s.connError(err)
		}
	} else {
		q := fmt.Sprintf(`SET lock_timeout = %d`, max(lockWait.Milliseconds(), 1)) // 0 would wait forever
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return s.connError(err)
		}
		_, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock_shared(`+mergeLockKey+`)`)
		var pe *pgconn.PgError
		switch {
		case errors.As(err, &pe) && pe.Code == "55P03": // lock_not_available: lock_timeout passed
		case err != nil:
			return s.connError(err)
		default:
			got = true
		}
		if _, err := conn.ExecContext(ctx, `RESET lock_timeout`); err != nil {
			return s.connError(err)
		}
	}
	if !got {
		return fmt.Errorf("store: PostgreSQL %s: an ingest has been merging for longer than %v; on Citus a reader waits for the merge to finish so as never to see half of it: try again when it is done", s.where, lockWait)
	}
	return nil
}

// pinWorkerSnapshots runs one query on every shard of observations (an index probe that finds no
// row), so that each worker connection of the transaction takes its snapshot now.
func pinWorkerSnapshots(ctx context.Context, tx *sql.Tx) error {
	var n int64
	return tx.QueryRowContext(ctx, `SELECT count(*) FROM observations WHERE metric = ''`).Scan(&n)
}

// describe is the address without its password.
func describe(cfg *pgx.ConnConfig) string {
	host := cfg.Host
	if !strings.HasPrefix(host, "/") {
		host = net.JoinHostPort(host, strconv.Itoa(int(cfg.Port)))
	}
	u := url.URL{Scheme: "postgres", User: url.User(cfg.User), Host: host, Path: "/" + cfg.Database}
	if strings.HasPrefix(cfg.Host, "/") { // a Unix socket: host is a directory
		u.Host = ""
		u.RawQuery = "host=" + cfg.Host
	}
	if sp := cfg.RuntimeParams["search_path"]; sp != "" {
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += "search_path=" + url.QueryEscape(sp)
	}
	return u.String()
}

func isStartingUp(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "57P03" // cannot_connect_now
}

// connError turns a failed connection into a message that says what to do.
func (s *Store) connError(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01":
			return fmt.Errorf("store: PostgreSQL %s: wrong password for the user (check the address, $PGPASSWORD or ~/.pgpass): %w", s.where, err)
		case "28000":
			return fmt.Errorf("store: PostgreSQL %s: the server does not let this user in (pg_hba.conf): %w", s.where, err)
		case "3D000":
			return fmt.Errorf("store: PostgreSQL %s: the database does not exist (createdb it first): %w", s.where, err)
		case "57P03":
			return fmt.Errorf("store: PostgreSQL %s is starting up or shutting down; try again: %w", s.where, err)
		}
		return fmt.Errorf("store: PostgreSQL %s: %w", s.where, err)
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) {
		return fmt.Errorf("store: cannot reach PostgreSQL at %s: is the server running? (scripts/postgres.sh start runs a local one): %w", s.where, err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("store: PostgreSQL at %s did not answer in time: %w", s.where, err)
	}
	return fmt.Errorf("store: PostgreSQL %s: %w", s.where, err)
}

// lostConnection reports whether err means the session died (a server restart, a killed backend,
// a network cut) rather than the server refusing a statement.
func lostConnection(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P")
	}
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		strings.Contains(err.Error(), "conn closed")
}

// migrationLock serialises migrations (and merges, below) of one schema across processes.
const migrationLock = `SELECT pg_advisory_xact_lock(hashtext('cryptoweekly migrate ' || current_schema()))`
const mergeLock = `SELECT pg_advisory_xact_lock(` + mergeLockKey + `)`

// mergeLockKey is the merge lock's key; read-only stores on Citus take it in shared mode (snapshot).
const mergeLockKey = `hashtext('cryptoweekly merge ' || current_schema())`

func (s *Store) migrate(ctx context.Context) error {
	var have int
	if s.readOnly {
		var exists bool
		if err := s.db.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
			return s.connError(err)
		}
		if !exists {
			return fmt.Errorf("store: PostgreSQL %s has no cryptoweekly tables yet (run `cryptoweekly import`): %w", s.where, store.ErrNotFound)
		}
		if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return fmt.Errorf("store: %s schema version: %w", s.where, err)
		}
		if have < len(migrations) {
			return fmt.Errorf("store: PostgreSQL %s has schema version %d, this binary expects %d: %w", s.where, have, len(migrations), store.ErrSchemaOutdated)
		}
		if have > len(migrations) {
			return newerSchema(s.where, have)
		}
		return nil
	}
	// One transaction for the whole migration: PostgreSQL's DDL is transactional, so a failure
	// (or a second process migrating at the same moment, which waits on the lock) leaves either
	// the old schema or the new one.
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.connError(err)
	}
	defer tx.Rollback()
	for _, q := range []string{migrationLock, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: %s migrations table: %w", s.where, err)
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("store: %s schema version: %w", s.where, err)
	}
	if have > len(migrations) {
		return newerSchema(s.where, have)
	}
	for v := have + 1; v <= len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			return fmt.Errorf("store: %s migration %d: %w", s.where, v, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations VALUES ($1, $2)`, v, time.Now().UTC()); err != nil {
			return fmt.Errorf("store: %s migration %d: %w", s.where, v, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s migrations: %w", s.where, err)
	}
	return nil
}

func newerSchema(where string, have int) error {
	return fmt.Errorf("store: PostgreSQL %s has schema version %d, newer than this binary (%d): a newer cryptoweekly wrote it; upgrade this one (nothing was changed)", where, have, len(migrations))
}

// Describe names the backend and the database (never the password) for the report's header.
func (s *Store) Describe() string { return "PostgreSQL " + s.where }

// Close closes the connections.
func (s *Store) Close() error {
	if s.tx != nil {
		s.mu.Lock()
		s.tx.Rollback()
		s.conn.Close()
		s.mu.Unlock()
	}
	return s.db.Close()
}

// Apply writes batches in one transaction: COPY into temporary staging tables (private to the
// session, dropped at commit or rollback), then the merge. A failure, a killed process or a lost
// connection at any point before COMMIT leaves the store exactly as it was.
func (s *Store) Apply(ctx context.Context, batches ...cw.Batch) (cw.ApplyStats, error) {
	var st cw.ApplyStats
	if err := store.CheckWrite(s.readOnly, batches); err != nil {
		return st, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return st, s.connError(err)
	}
	defer conn.Close()
	committing := false
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.Background())
		if err := stage(ctx, tx, batches, &st); err != nil {
			return fmt.Errorf("staging: %w", err)
		}
		if err := merge(ctx, tx, batches); err != nil {
			return err
		}
		committing = true
		return tx.Commit(ctx)
	})
	if err != nil {
		st = cw.ApplyStats{}
		switch {
		case committing && lostConnection(err):
			return st, fmt.Errorf("store: PostgreSQL %s: the connection was lost while committing, so whether this write landed is unknown; it is whole either way, and ingest is safe to run again: %w", s.where, err)
		case lostConnection(err):
			return st, fmt.Errorf("store: PostgreSQL %s: the connection was lost (server restart?) before the write committed; nothing of it was stored, run it again: %w", s.where, err)
		}
		return st, fmt.Errorf("store: apply: %w", err)
	}
	st.Batches = len(batches)
	return st, nil
}

var stageTables = []struct {
	name, ddl string
	cols      []string
}{
	{"stage_obs", `entity_id TEXT COLLATE "C", metric TEXT COLLATE "C", day DATE, value DOUBLE PRECISION, source_id TEXT COLLATE "C"`,
		[]string{"entity_id", "metric", "day", "value", "source_id"}},
	{"stage_ent", `id TEXT COLLATE "C", kind TEXT COLLATE "C", name TEXT COLLATE "C", symbol TEXT COLLATE "C", category TEXT COLLATE "C", parent TEXT COLLATE "C", seq INTEGER`,
		[]string{"id", "kind", "name", "symbol", "category", "parent", "seq"}},
	{"stage_chain", `entity_id TEXT COLLATE "C", chain TEXT COLLATE "C"`, []string{"entity_id", "chain"}},
	{"stage_tag", `entity_id TEXT COLLATE "C", tag TEXT COLLATE "C"`, []string{"entity_id", "tag"}},
	{"stage_attr", `entity_id TEXT COLLATE "C", key TEXT COLLATE "C", value TEXT COLLATE "C", seq INTEGER`,
		[]string{"entity_id", "key", "value", "seq"}},
}

func stage(ctx context.Context, tx pgx.Tx, batches []cw.Batch, st *cw.ApplyStats) error {
	for _, t := range stageTables {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE `+t.name+` (`+t.ddl+`) ON COMMIT DROP`); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	var ents, chains, tags, attrs [][]any
	seq := int32(0)
	for _, b := range batches {
		for _, e := range b.Entities {
			seq++
			ents = append(ents, []any{e.ID, string(e.Kind), e.Name, e.Symbol, e.Category, e.Parent, seq})
			for _, c := range e.Chains {
				chains = append(chains, []any{e.ID, c})
			}
			for _, t := range e.Tags {
				tags = append(tags, []any{e.ID, t})
			}
			keys := make([]string, 0, len(e.Attrs))
			for k := range e.Attrs {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				attrs = append(attrs, []any{e.ID, k, e.Attrs[k], seq})
			}
			st.Entities++
		}
		st.Observations += len(b.Observations)
	}
	for i, rows := range [][][]any{nil, ents, chains, tags, attrs} {
		if i == 0 || len(rows) == 0 {
			continue
		}
		t := stageTables[i]
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	// Observations stream from the batches without a copy of every row in memory.
	bi, oi := 0, 0
	row := make([]any, 5)
	next := func() ([]any, error) {
		for bi < len(batches) && oi >= len(batches[bi].Observations) {
			bi, oi = bi+1, 0
		}
		if bi >= len(batches) {
			return nil, nil
		}
		o := batches[bi].Observations[oi]
		oi++
		row[0], row[1], row[2], row[3], row[4] = o.Entity, string(o.Metric), o.Day, o.Value, string(o.Source)
		return row, nil
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_obs"}, stageTables[0].cols, pgx.CopyFromFunc(next)); err != nil {
		return fmt.Errorf("stage_obs: %w", err)
	}
	return nil
}

// merge runs inside the transaction, with store/duckdb's rules: entities merge field by field (a
// later non-empty value wins, so a tags-only record never blanks a name); chains given for an
// entity replace its old chains; tags accumulate; observations upsert on their key.
//
// Writers take one advisory lock for the merge: two ingesters then merge one after the other
// (their COPYs still run side by side) instead of deadlocking on rows they both touch, and
// ingest_log's sequence has no gaps or repeats. Readers take no lock at all.
func merge(ctx context.Context, tx pgx.Tx, batches []cw.Batch) error {
	if _, err := tx.Exec(ctx, mergeLock); err != nil {
		return fmt.Errorf("merge lock: %w", err)
	}
	now := time.Now().UTC()
	for _, b := range batches {
		if _, err := tx.Exec(ctx, store.UpsertSourceSQL, store.SourceArgs(b.Source, now)...); err != nil {
			return fmt.Errorf("source %s: %w", b.Source.ID, err)
		}
	}
	steps := []struct{ what, q string }{
		// (array_agg(… ORDER BY seq DESC))[1] is DuckDB's arg_max(…, seq).
		{"entities", `INSERT INTO entities (id, kind, name, symbol, category, parent)
			SELECT id, (array_agg(kind ORDER BY seq DESC))[1],
				coalesce((array_agg(name ORDER BY seq DESC) FILTER (WHERE name <> ''))[1], ''),
				coalesce((array_agg(symbol ORDER BY seq DESC) FILTER (WHERE symbol <> ''))[1], ''),
				coalesce((array_agg(category ORDER BY seq DESC) FILTER (WHERE category <> ''))[1], ''),
				coalesce((array_agg(parent ORDER BY seq DESC) FILTER (WHERE parent <> ''))[1], '')
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
		{"attrs", `INSERT INTO entity_attrs SELECT DISTINCT ON (entity_id, key) entity_id, key, value FROM stage_attr
			ORDER BY entity_id, key, seq DESC
			ON CONFLICT (entity_id, key) DO UPDATE SET value = excluded.value`},
		// Observations may name an entity no batch described; give it a bare row so joins never
		// lose it.
		// ON CONFLICT alone, no NOT EXISTS: no correlated subquery for Citus to refuse.
		{"entities", `INSERT INTO entities
			SELECT DISTINCT entity_id, split_part(entity_id, ':', 1), '', '', '', '' FROM stage_obs
			ON CONFLICT (id) DO NOTHING`},
		// An unchanged value is left alone: re-ingesting a week rewrites no rows (no dead tuples,
		// no WAL) and the stored result is the same as DuckDB's unconditional update. Rows go in
		// key order, so the primary key's B-tree fills page by page instead of at random (the
		// bundle's first load: 5.7 s → 4.6 s here).
		{"observations", `INSERT INTO observations SELECT entity_id, metric, day, value, source_id FROM stage_obs
			ORDER BY entity_id, metric, day, source_id
			ON CONFLICT (entity_id, metric, day, source_id) DO UPDATE SET value = excluded.value
			WHERE observations.value IS DISTINCT FROM excluded.value`},
		{"observation days", `INSERT INTO observation_days SELECT DISTINCT source_id, metric, day FROM stage_obs
			ON CONFLICT DO NOTHING`},
	}
	for _, s := range steps {
		if _, err := tx.Exec(ctx, s.q); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	var seq int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(batch_seq), 0) FROM ingest_log`).Scan(&seq); err != nil {
		return fmt.Errorf("ingest log: %w", err)
	}
	for _, b := range batches {
		seq++
		if _, err := tx.Exec(ctx, `INSERT INTO ingest_log VALUES ($1, $2, $3, $4, $5)`,
			seq, string(b.Source.ID), len(b.Observations), len(b.Entities), now); err != nil {
			return fmt.Errorf("ingest log: %w", err)
		}
	}
	return nil
}

// Empty tells whether the store holds no observation.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	defer s.lock()()
	var empty bool
	if err := s.q.QueryRowContext(ctx, store.EmptySQL).Scan(&empty); err != nil {
		return false, fmt.Errorf("store: empty: %w", err)
	}
	return empty, nil
}

// HasDays tells whether any observation lies in (from, to].
func (s *Store) HasDays(ctx context.Context, from, to time.Time) (bool, error) {
	defer s.lock()()
	var has bool
	if err := s.q.QueryRowContext(ctx, store.HasDaysSQL, cw.DayString(from), cw.DayString(to)).Scan(&has); err != nil {
		return false, fmt.Errorf("store: days %s..%s: %w", cw.DayString(from), cw.DayString(to), err)
	}
	return has, nil
}

// NewestDay is the newest day any observation lies on (zero: none).
func (s *Store) NewestDay(ctx context.Context) (time.Time, error) {
	defer s.lock()()
	return store.ScanDay(s.q.QueryRowContext(ctx, store.NewestDaySQL), "newest day")
}

// Version changes whenever a write commits (a batch or an ingest run): the dashboard caches
// reports until it changes.
func (s *Store) Version(ctx context.Context) (string, error) {
	defer s.lock()()
	var seq, runs int64
	if err := s.q.QueryRowContext(ctx, store.VersionSQL).Scan(&seq, &runs); err != nil {
		return "", fmt.Errorf("store: version: %w", err)
	}
	return fmt.Sprintf("%d.%d", seq, runs), nil
}

// Coverage lists, per source and metric, the stored span.
func (s *Store) Coverage(ctx context.Context) ([]cw.Coverage, error) {
	defer s.lock()()
	rows, err := s.q.QueryContext(ctx, store.CoverageSQL)
	if err != nil {
		return nil, fmt.Errorf("store: coverage: %w", err)
	}
	return store.ScanCoverage(rows)
}

// Check is the integrity check of store/duckdb, in PostgreSQL's SQL. Outer joins with the
// distributed table on the outer side instead of NOT EXISTS: Citus accepts a correlated subquery
// only when it correlates on the distribution column (docs/scale-out.md).
func (s *Store) Check(ctx context.Context) ([]string, error) {
	defer s.lock()()
	checks := []store.Check{
		{What: "observations without a source row", Q: `SELECT count(*) FROM observations o LEFT JOIN sources s ON s.id = o.source_id WHERE s.id IS NULL`},
		{What: "observations without an entity row", Q: `SELECT count(*) FROM observations o LEFT JOIN entities e ON e.id = o.entity_id WHERE e.id IS NULL`},
		{What: "duplicate observation keys", Q: `SELECT count(*) FROM (SELECT 1 FROM observations GROUP BY entity_id, metric, day, source_id HAVING count(*) > 1) d`},
		{What: "non-finite values", Q: `SELECT count(*) FROM observations WHERE value IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)`},
		{What: "sources with rows but no committed batch", Q: `SELECT count(*) FROM (SELECT DISTINCT source_id FROM observations) o
			LEFT JOIN (SELECT DISTINCT source_id FROM ingest_log) l ON l.source_id = o.source_id WHERE l.source_id IS NULL`},
	}
	problems, err := store.RunChecks(ctx, s.q, checks)
	if err != nil {
		return nil, err
	}
	return problems, nil
}

// RecordRun stores the outcome of one source's ingest run.
func (s *Store) RecordRun(ctx context.Context, r cw.IngestRun) error {
	var since any
	if !r.Since.IsZero() {
		since = cw.Day(r.Since)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO ingest_runs VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8)`,
		r.Source, r.StartedAt.UTC(), r.FinishedAt.UTC(), since, r.Status, r.Batches, r.Rows, r.Error)
	if err != nil {
		return fmt.Errorf("store: record run %s: %w", r.Source, err)
	}
	return nil
}

// LastRuns returns the newest run of every source.
func (s *Store) LastRuns(ctx context.Context) ([]cw.IngestRun, error) {
	defer s.lock()()
	rows, err := s.q.QueryContext(ctx, store.LastRunsSQL)
	if err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	return store.ScanRuns(rows)
}
