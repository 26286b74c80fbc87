package postgres

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
