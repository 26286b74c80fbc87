package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	cw "cryptoweekly"
	"cryptoweekly/store"
	"cryptoweekly/store/storetest"
)

// generation is one write that sets every value of n series to g: a reader that ever sees two
// different values in one answer saw a half-committed write.
func generation(g, n int) cw.Batch {
	b := cw.Batch{Source: cw.Provenance{ID: "gen", Provider: "Test", Location: "generation", Licence: "test"}}
	for i := 0; i < n; i++ {
		for d := 0; d < 2; d++ {
			b.Observations = append(b.Observations, cw.Observation{Entity: fmt.Sprintf("index:g%05d", i), Metric: cw.MetricValue,
				Day: time.Date(2024, 12, 12+d, 0, 0, 0, 0, time.UTC), Value: float64(g), Source: "gen"})
		}
	}
	return b
}

func values(t *testing.T, s cw.Reader) map[float64]int {
	obs, err := s.Observations(context.Background(), "index:g", cw.MetricValue, time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Error(err)
		return nil
	}
	out := map[float64]int{}
	for _, o := range obs {
		out[o.Value]++
	}
	return out
}

// TestReadersSeeWholeCommits: one writer rewrites 10,000 rows per commit while readers query.
// Every answer holds one generation (a commit is whole), and a read-only store answers every
// query from one snapshot (a report never mixes two commits).
func TestReadersSeeWholeCommits(t *testing.T) {
	addr := freshURL(t)
	ctx := context.Background()
	w := open(t, addr, store.Options{})
	defer w.Close()
	const n = 5000
	if _, err := w.Apply(ctx, generation(0, n)); err != nil {
		t.Fatal(err)
	}
	var done atomic.Bool
	var gens atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer done.Store(true)
		for g := 1; g <= 12; g++ {
			if _, err := w.Apply(ctx, generation(g, n)); err != nil {
				t.Error(err)
				return
			}
			gens.Store(int64(g))
		}
	}()
	var reads, snapshots, sawChange atomic.Int64
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !done.Load() {
				ro, err := Open(ctx, addr, store.Options{ReadOnly: true})
				if err != nil {
					t.Error(err)
					return
				}
				first := values(t, ro)
				time.Sleep(20 * time.Millisecond) // a commit or two lands meanwhile
				again := values(t, ro)
				ro.Close()
				if len(first) != 1 || first[firstKey(first)] != 2*n {
					t.Errorf("one answer holds %v: a half-committed write", first)
				}
				if !reflect.DeepEqual(first, again) {
					t.Errorf("a read-only store's second query saw %v after %v: not one snapshot", again, first)
				}
				if latest := values(t, w); firstKey(latest) != firstKey(first) {
					sawChange.Add(1)
				}
				reads.Add(2)
				snapshots.Add(1)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d generations of %d rows committed while 2 readers made %d queries in %d snapshots (%d outlived a commit)",
		gens.Load(), 2*n, reads.Load(), snapshots.Load(), sawChange.Load())
	if snapshots.Load() == 0 {
		t.Error("the readers never ran")
	}
}

func firstKey(m map[float64]int) float64 {
	for k := range m {
		return k
	}
	return -1
}

// TestServerRestartDuringApply restarts the server while a large Apply is copying rows, then
// while it merges them: Apply fails saying the connection was lost and nothing was stored, the
// store holds exactly what it held before, and the same Store works again once the server is back.
func TestServerRestartDuringApply(t *testing.T) {
	t.Run("copy", func(t *testing.T) { restartDuringApply(t, "copy") })
	t.Run("merge", func(t *testing.T) { restartDuringApply(t, "merge") })
}

func restartDuringApply(t *testing.T, phase string) {
	addr := freshURL(t)
	restart := os.Getenv("CRYPTOWEEKLY_TEST_POSTGRES_RESTART")
	if restart == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CRYPTOWEEKLY_TEST_POSTGRES_RESTART is not set in CI (scripts/postgres.sh test sets it)")
		}
		t.Skip("CRYPTOWEEKLY_TEST_POSTGRES_RESTART (a command that restarts the server) is not set")
	}
	ctx := context.Background()
	s := open(t, addr, store.Options{LockWait: 30 * time.Second})
	defer s.Close()
	if _, err := s.Apply(ctx, storetest.Fixture()...); err != nil {
		t.Fatal(err)
	}
	before, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	big := generation(1, 400_000) // 800,000 rows: a second or more of COPY and merge
	errc := make(chan error, 1)
	t0 := time.Now()
	go func() {
		_, err := s.Apply(ctx, append(storetest.Fixture(), big)...)
		errc <- err
	}()
	// Restart once the write is in the phase: its session shows in pg_stat_activity.
	for !applyRunning(t, addr, phase) {
		if time.Since(t0) > 30*time.Second {
			t.Fatal("the Apply never showed up in pg_stat_activity")
		}
		time.Sleep(20 * time.Millisecond)
	}
	at := time.Since(t0)
	args := strings.Fields(restart)
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", restart, err, out)
	}
	err = <-errc
	t.Logf("restarted %s into the Apply, during its %s; Apply returned after %s: %v", at.Round(time.Millisecond), phase, time.Since(t0).Round(time.Millisecond), err)
	if err == nil {
		t.Fatal("Apply succeeded across a server restart (it committed before the restart: make the batch bigger)")
	}
	if !strings.Contains(err.Error(), "connection was lost") {
		t.Errorf("the error does not say the connection was lost: %v", err)
	}
	// The same Store, once the server is back: the pool drops the dead connection.
	var after []string
	for deadline := time.Now().Add(30 * time.Second); ; {
		after, err = storetest.Dump(ctx, s)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("the interrupted Apply left %d rows where there were %d", len(after), len(before))
	}
	if problems, err := s.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("Check after the restart: %v %v", problems, err)
	}
	if _, err := s.Apply(ctx, storetest.Fixture()...); err != nil {
		t.Fatalf("Apply after the restart: %v", err)
	}
}

// applyRunning reports whether an Apply is in the phase ("copy", "merge" or "any"), as
// pg_stat_activity shows another session's statement.
func applyRunning(t *testing.T, addr, phase string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := Open(ctx, addr, store.Options{})
	if err != nil {
		return false
	}
	defer s.Close()
	cond := map[string]string{
		"copy":  `query ILIKE 'copy%'`,
		"merge": `query LIKE '%INSERT INTO observations%'`,
		"any":   `(query ILIKE 'copy%' OR query LIKE '%INSERT INTO observations%')`,
	}[phase]
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND `+cond).Scan(&n)
	return err == nil && n > 0
}

// TestCitusSnapshotWaitsForMerges runs the Citus path of a read-only Open on plain PostgreSQL
// (isDistributed forced; the path is plain SQL but for one Citus setting, which PostgreSQL keeps
// as a placeholder). On Citus a reader that took its worker snapshots during a merge's two-phase
// commit saw half of the merge (docs/scale-out.md), so there Open waits for a running merge,
// bounded by LockWait, and lets go of the lock once its snapshots are taken. Without Citus, Open
// never waits.
func TestCitusSnapshotWaitsForMerges(t *testing.T) {
	addr := freshURL(t)
	ctx := context.Background()
	w := open(t, addr, store.Options{})
	defer w.Close()
	const n = 20_000
	if _, err := w.Apply(ctx, generation(0, n)); err != nil {
		t.Fatal(err)
	}
	// hold takes the merge lock as a merge does, in a transaction of its own; release ends it.
	hold := func() (release func()) {
		t.Helper()
		c, err := pgx.Connect(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, mergeLock); err != nil {
			t.Fatal(err)
		}
		return func() { tx.Commit(ctx); c.Close(ctx) }
	}
	openRO := func(wait time.Duration) (*Store, error) {
		return Open(ctx, addr, store.Options{ReadOnly: true, LockWait: wait})
	}

	release := hold()
	if ro, err := openRO(0); err != nil {
		t.Fatalf("without Citus a reader waited for a merge: %v", err)
	} else {
		ro.Close()
	}

	plain := isDistributed
	isDistributed = func(context.Context, *sql.Conn) (bool, error) { return true, nil }
	defer func() { isDistributed = plain }()

	for _, wait := range []time.Duration{0, 300 * time.Millisecond} {
		t0 := time.Now()
		_, err := openRO(wait)
		if err == nil || !strings.Contains(err.Error(), "merging for longer than") {
			t.Fatalf("LockWait %v during a merge: %v, want the merge-wait error", wait, err)
		}
		if took := time.Since(t0); took < wait {
			t.Errorf("LockWait %v: gave up after %v", wait, took)
		}
	}
	type opened struct {
		s   *Store
		err error
	}
	done := make(chan opened, 1)
	go func() { s, err := openRO(30 * time.Second); done <- opened{s, err} }()
	select {
	case o := <-done:
		t.Fatalf("a reader opened during a merge without waiting: %v", o.err)
	case <-time.After(300 * time.Millisecond):
	}
	release()
	o := <-done
	if o.err != nil {
		t.Fatalf("after the merge: %v", o.err)
	}
	// Its snapshots taken, the reader no longer holds the lock: a merge goes ahead at once.
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var free bool
	if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock(`+mergeLockKey+`)`).Scan(&free); err != nil || !free {
		t.Fatalf("an open reader still holds the merge lock: %v %v", free, err)
	}
	tx.Rollback()
	if _, err := w.Apply(ctx, generation(1, 10)); err != nil {
		t.Fatal(err)
	}
	o.s.Close()

	// A reader opened while a real merge runs sees all of that merge: its snapshot comes after it.
	const big = 100_000 // a merge of a second or so, for the test to see it running
	errc := make(chan error, 1)
	go func() { _, err := w.Apply(ctx, generation(2, big)); errc <- err }()
	for !applyRunning(t, addr, "merge") {
		select {
		case err := <-errc:
			t.Fatalf("the Apply ended (%v) before the test saw it merging", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	ro, err := openRO(30 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if got := values(t, ro); len(got) != 1 || got[2] != 2*big {
		t.Fatalf("a reader opened during the merge of generation 2 reads %v", got)
	}
}
