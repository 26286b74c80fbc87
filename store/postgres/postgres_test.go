package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	cw "cryptoweekly"
	"cryptoweekly/store"
	"cryptoweekly/store/storetest"
)

// baseURL is the throwaway database scripts/postgres.sh made for this run. Locally, without it,
// the tests skip; in CI they must run, so there a missing variable is a failure.
func baseURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("CRYPTOWEEKLY_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CRYPTOWEEKLY_TEST_POSTGRES is not set in CI: .ci/run must run the tests through scripts/postgres.sh test")
		}
		t.Skip("no PostgreSQL: run `bash scripts/postgres.sh test go test ./store/postgres/` (or set CRYPTOWEEKLY_TEST_POSTGRES to a throwaway database URL)")
	}
	return u
}

var schemaSeq atomic.Int64

// freshURL is the address of a new, empty schema in the test database, dropped after the test:
// one empty store per test without the cost of a database per test.
func freshURL(t testing.TB) string {
	t.Helper()
	base := baseURL(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), schemaSeq.Add(1))
	admin(t, base, `CREATE SCHEMA `+name)
	t.Cleanup(func() { admin(t, base, `DROP SCHEMA IF EXISTS `+name+` CASCADE`) })
	return withParam(t, base, "search_path", name)
}

func withParam(t testing.TB, base, k, v string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.String()
}

// admin runs one statement on its own connection.
func admin(t testing.TB, addr, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, addr)
	if err != nil {
		t.Fatalf("admin connect: %v", err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func open(t testing.TB, addr string, o store.Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), addr, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	baseURL(t)
	storetest.Run(t, func(t *testing.T) cw.Store { return open(t, freshURL(t), store.Options{}) })
}

// TestOpenThroughRegistry: a postgres:// or postgresql:// address selects this backend.
func TestOpenThroughRegistry(t *testing.T) {
	addr := freshURL(t)
	for _, a := range []string{addr, strings.Replace(addr, "postgres://", "postgresql://", 1)} {
		s, err := store.Open(context.Background(), a, store.Options{})
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		if d := s.Describe(); !strings.HasPrefix(d, "PostgreSQL postgres://") || strings.Contains(d, "cryptoweekly-local") {
			t.Errorf("Describe = %q: names the backend, never the password", d)
		}
		s.Close()
	}
}

// TestOpenErrors: what a user sees for each way an address can be wrong.
func TestOpenErrors(t *testing.T) {
	addr := freshURL(t)
	u, _ := url.Parse(addr)
	wrongPW := *u
	wrongPW.User = url.UserPassword(u.User.Username(), "not-the-password")
	refused := *u
	refused.Host = "127.0.0.1:1"
	noDB := *u
	noDB.Path = "/cryptoweekly_no_such_db"
	for _, c := range []struct {
		name, addr, want string
	}{
		{"connection refused", refused.String(), "cannot reach PostgreSQL at postgres://"},
		{"wrong password", wrongPW.String(), "wrong password"},
		{"no database", noDB.String(), "database does not exist"},
		{"bad address", "postgres://x:y@[::1", "PostgreSQL address"},
	} {
		t0 := time.Now()
		_, err := Open(context.Background(), c.addr, store.Options{LockWait: 5 * time.Second})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "not-the-password") || strings.Contains(err.Error(), "cryptoweekly-local") {
			t.Errorf("%s: the error shows a password: %v", c.name, err)
		}
		if time.Since(t0) > 4*time.Second {
			t.Errorf("%s: took %s; a refused connection is not a lock to wait for", c.name, time.Since(t0))
		}
		t.Logf("%s: %v", c.name, err)
	}
}

// TestSchemaVersions: an empty database reads as "no store yet", an older schema asks for a
// read-write open (which migrates), and a newer one is refused without a change.
func TestSchemaVersions(t *testing.T) {
	ctx := context.Background()
	addr := freshURL(t)
	if _, err := Open(ctx, addr, store.Options{ReadOnly: true}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("read-only open of an empty database: %v, want ErrNotFound", err)
	}
	s := open(t, addr, store.Options{})
	if _, err := s.Apply(ctx, storetest.Fixture()...); err != nil {
		t.Fatal(err)
	}
	before, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	// An older binary's store: migrations 2–4 not applied yet.
	admin(t, addr, `DROP TABLE ingest_runs; DROP TABLE observation_days; DELETE FROM schema_migrations WHERE version >= 2`)
	if _, err := Open(ctx, addr, store.Options{ReadOnly: true}); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("read-only open of an older schema: %v, want ErrSchemaOutdated", err)
	}
	open(t, addr, store.Options{}).Close()
	ro := open(t, addr, store.Options{ReadOnly: true})
	if runs, err := ro.LastRuns(ctx); err != nil || len(runs) != 0 {
		t.Fatalf("after migrating: %v %v", runs, err)
	}
	// Migration 4 lists the days already stored.
	if d, err := ro.LatestDay(ctx, "t-assets", cw.MetricPrice, time.Date(2024, 12, 6, 0, 0, 0, 0, time.UTC), time.Date(2024, 12, 13, 0, 0, 0, 0, time.UTC)); err != nil || cw.DayString(d) != "2024-12-09" {
		t.Fatalf("latest day after migrating: %v %v", d, err)
	}
	if _, err := ro.Apply(ctx, storetest.Fixture()[0]); err == nil {
		t.Fatal("a read-only store wrote")
	}
	ro.Close()

	// A newer binary's store.
	admin(t, addr, fmt.Sprintf(`INSERT INTO schema_migrations VALUES (%d, now())`, SchemaVersion()+1))
	for _, ro := range []bool{false, true} {
		_, err := Open(ctx, addr, store.Options{ReadOnly: ro})
		if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
			t.Fatalf("read-only=%v open of a newer schema: %v", ro, err)
		}
		t.Logf("newer schema: %v", err)
	}
	admin(t, addr, fmt.Sprintf(`DELETE FROM schema_migrations WHERE version = %d`, SchemaVersion()+1))
	s = open(t, addr, store.Options{ReadOnly: true})
	defer s.Close()
	after, err := storetest.Dump(ctx, s)
	if err != nil || strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Fatalf("the data changed across the version checks (%v)", err)
	}
}

// TestConcurrentMigrations: several processes opening a new database at once migrate it once.
func TestConcurrentMigrations(t *testing.T) {
	addr := freshURL(t)
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			s, err := Open(context.Background(), addr, store.Options{})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestSnapshotOutlivesOpenContext: a read-only store opened under a short deadline (a dashboard
// request's) keeps answering after that deadline, until Close.
func TestSnapshotOutlivesOpenContext(t *testing.T) {
	addr := freshURL(t)
	w := open(t, addr, store.Options{})
	if _, err := w.Apply(context.Background(), storetest.Fixture()...); err != nil {
		t.Fatal(err)
	}
	w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	s, err := Open(ctx, addr, store.Options{ReadOnly: true})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // database/sql rolls back a cancelled transaction asynchronously
	defer s.Close()
	if n, err := s.CountEntities(context.Background(), cw.KindProtocol); err != nil || n != 3 {
		t.Fatalf("after the Open context ended: %d, %v", n, err)
	}
}
