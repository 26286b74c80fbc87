package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"cryptoweekly/store"
)

// These tests run the real command in its own processes, as a desk would: the binary is built
// once per test run.

var cli struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

func binary(t *testing.T) string {
	t.Helper()
	cli.once.Do(func() {
		dir, err := os.MkdirTemp("", "cryptoweekly-pgtest")
		if err != nil {
			cli.err = err
			return
		}
		cli.path = filepath.Join(dir, "cryptoweekly")
		cli.out, cli.err = exec.Command("go", "build", "-o", cli.path, "cryptoweekly/cmd/cryptoweekly").CombinedOutput()
	})
	if cli.err != nil {
		t.Fatalf("go build: %v\n%s", cli.err, cli.out)
	}
	return cli.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if cli.path != "" {
		os.RemoveAll(filepath.Dir(cli.path))
	}
	os.Exit(code)
}

func cwCommand(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"), "TZ=UTC"}
	return cmd
}

// runCW runs the command in dir with a private environment (no user config, no default store).
func runCW(t *testing.T, dir string, args ...string) (string, string, error) {
	t.Helper()
	cmd := cwCommand(t, dir, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// TestReportSameAsDuckDB builds the 2024-12-13 report from the bundled dataset on DuckDB and on
// PostgreSQL, then the default week's (chosen from the coverage of every day, DayCounts): the
// files are byte-identical except the line naming the store (and the time it was generated).
func TestReportSameAsDuckDB(t *testing.T) {
	addr := freshURL(t)
	dir := t.TempDir()
	for _, c := range []struct{ name, db string }{{"duckdb", filepath.Join(dir, "cw.duckdb")}, {"postgres", addr}} {
		if _, errs, err := runCW(t, dir, "report", "--db", c.db, "--week-end", "2024-12-13", "--out", filepath.Join(dir, c.name)); err != nil {
			t.Fatalf("%s report: %v\n%s", c.name, err, errs)
		}
		if _, errs, err := runCW(t, dir, "report", "--db", c.db, "--out", filepath.Join(dir, c.name)); err != nil {
			t.Fatalf("%s report of the default week: %v\n%s", c.name, err, errs)
		}
	}
	weeks := func(name string) []string {
		es, err := os.ReadDir(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		return out
	}
	if a, b := weeks("duckdb"), weeks("postgres"); !reflect.DeepEqual(a, b) || len(a) != 2 {
		t.Fatalf("weeks reported: DuckDB %v, PostgreSQL %v", a, b)
	}
	for _, w := range weeks("duckdb") {
		sameReport(t, dir, w)
	}
}

func sameReport(t *testing.T, dir, week string) {
	t.Helper()
	for _, f := range []string{"report.md", "report.json"} {
		a, err := os.ReadFile(filepath.Join(dir, "duckdb", week, f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "postgres", week, f))
		if err != nil {
			t.Fatal(err)
		}
		la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
		if len(la) != len(lb) {
			t.Fatalf("%s: %d lines on DuckDB, %d on PostgreSQL", f, len(la), len(lb))
		}
		differ := 0
		for i := range la {
			if la[i] == lb[i] {
				continue
			}
			differ++
			storeLine := strings.Contains(la[i], "DuckDB ") && strings.Contains(lb[i], "PostgreSQL ")
			generated := strings.Contains(la[i], `"generated_at"`) && strings.Contains(lb[i], `"generated_at"`)
			if !storeLine && !generated {
				t.Errorf("%s/%s line %d differs:\nDuckDB:     %s\nPostgreSQL: %s", week, f, i+1, la[i], lb[i])
			}
		}
		t.Logf("%s/%s: %d bytes, %d lines, %d differ (the store and generation time)", week, f, len(b), len(lb), differ)
	}
}

// replayArchive is an ingest archive of the example API payloads in ../shared/api-shapes, made
// by cmd/cryptoweekly's own TestIngestThenReplay (CW_KEEP_ARCHIVE), so the replay below is the
// one that test checks against a live ingest.
func replayArchive(t *testing.T) (dir, baseURL string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "archive")
	cmd := exec.Command("go", "test", "-count=1", "-run", "^TestIngestThenReplay$", "cryptoweekly/cmd/cryptoweekly")
	cmd.Env = append(os.Environ(), "CW_KEEP_ARCHIVE="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making the archive: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "BASE_URL"))
	if err != nil {
		t.Skip("no archive (../shared/api-shapes not present)")
	}
	return dir, string(b)
}

// TestConcurrentIngestAndReports: one process writes (a re-import of the bundled dataset, then
// ingest --replay after ingest --replay) while two processes build reports in a loop. No report
// fails or waits on a lock, and every report is the same as on an idle store.
func TestConcurrentIngestAndReports(t *testing.T) {
	addr := freshURL(t)
	archive, base := replayArchive(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg.json")
	os.WriteFile(cfg, []byte(`{"chains": ["Ethereum", "Solana"]}`), 0o644)
	ingest := []string{"ingest", "--db", addr, "--replay", archive, "--full", "--sources", "alternativeme,defillama,coingecko", "--config", cfg,
		"--base-url", "alternativeme=" + base, "--base-url", "defillama=" + base, "--base-url", "coingecko=" + base + "/api/v3"}
	report := func(out string) (map[string]any, time.Duration, error) {
		t0 := time.Now()
		_, errs, err := runCW(t, dir, "report", "--db", addr, "--week-end", "2024-12-13", "--out", out, "--format", "json")
		d := time.Since(t0)
		if err != nil {
			return nil, d, &exec.ExitError{Stderr: []byte(errs)}
		}
		b, err := os.ReadFile(filepath.Join(out, "2024-12-13", "report.json"))
		if err != nil {
			return nil, d, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, d, err
		}
		delete(m, "generated_at") // when it ran, and which ingest runs it lists, are not data
		delete(m, "ingest")
		return m, d, nil
	}
	// The store as the writers will leave it: the bundle and the replayed archive.
	if _, errs, err := runCW(t, dir, "import", "--db", addr); err != nil {
		t.Fatalf("import: %v\n%s", err, errs)
	}
	if _, errs, err := runCW(t, dir, ingest...); err != nil {
		t.Fatalf("ingest: %v\n%s", err, errs)
	}
	want, idle, err := report(filepath.Join(dir, "idle"))
	if err != nil {
		t.Fatal(err)
	}
	// The writers below re-import the bundle and then re-ingest the archive, one transaction per
	// source in --sources order, so the store passes through exactly these committed states: after
	// the import (the bundled files' values stand on the days they share with the replayed example
	// payloads), after each source's commit, and back to idle. A report must equal one of them —
	// never a mix, which would be a torn read.
	states := []map[string]any{want}
	if _, errs, err := runCW(t, dir, "import", "--db", addr); err != nil {
		t.Fatalf("import: %v\n%s", err, errs)
	}
	for i, src := range []string{"", "alternativeme", "defillama", "coingecko"} {
		if src != "" {
			one := append([]string{}, ingest...)
			for k := range one {
				if one[k] == "alternativeme,defillama,coingecko" {
					one[k] = src
				}
			}
			if _, errs, err := runCW(t, dir, one...); err != nil {
				t.Fatalf("ingest %s: %v\n%s", src, err, errs)
			}
		}
		st, _, err := report(filepath.Join(dir, "state", string(rune('a'+i))))
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, st)
	}
	if !reflect.DeepEqual(states[len(states)-1], want) {
		t.Fatal("import then ingesting source by source does not return the store to the idle report")
	}
	committed := func(got map[string]any) bool {
		for _, st := range states {
			if reflect.DeepEqual(got, st) {
				return true
			}
		}
		return false
	}

	// Lock waits, sampled from pg_stat_activity while the processes run.
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var waits struct {
		sync.Mutex
		samples, readers, writers int
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c, err := pgx.Connect(ctx, addr)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		for ctx.Err() == nil {
			var r, w int
			err := c.QueryRow(ctx, `SELECT count(*) FILTER (WHERE backend_xid IS NULL), count(*) FILTER (WHERE backend_xid IS NOT NULL)
				FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cryptoweekly' AND wait_event_type = 'Lock'`).Scan(&r, &w)
			if err == nil {
				waits.Lock()
				waits.samples++
				waits.readers += r
				waits.writers += w
				waits.Unlock()
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()

	writerDone := make(chan struct{})
	var writes []time.Duration
	go func() {
		defer close(writerDone)
		t0 := time.Now()
		if _, errs, err := runCW(t, dir, "import", "--db", addr); err != nil {
			t.Errorf("import while reading: %v\n%s", err, errs)
		}
		writes = append(writes, time.Since(t0))
		for i := 0; i < 5; i++ {
			t0 := time.Now()
			if _, errs, err := runCW(t, dir, ingest...); err != nil {
				t.Errorf("ingest while reading: %v\n%s", err, errs)
			}
			writes = append(writes, time.Since(t0))
		}
	}()
	var mu sync.Mutex
	var took []time.Duration
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-writerDone:
					if i >= 2 {
						return
					}
				default:
				}
				got, d, err := report(filepath.Join(dir, "r", string(rune('a'+r)), string(rune('a'+i%26))))
				if err != nil {
					t.Errorf("report while writing: %v", err)
					return
				}
				if !committed(got) {
					t.Errorf("a report built while writing matches no committed state of the store")
				}
				mu.Lock()
				took = append(took, d)
				mu.Unlock()
			}
		}()
	}
	<-writerDone
	stop()
	wg.Wait()
	slices.Sort(took)
	if len(took) == 0 {
		t.Fatal("no report ran")
	}
	t.Logf("2 readers built %d reports while 1 writer committed 1 import (%s) and 5 ingests (%v); report time idle %s, while writing min %s / median %s / max %s; lock waits seen in %d samples of pg_stat_activity: %d by readers, %d by writers",
		len(took), writes[0].Round(time.Millisecond), roundAll(writes[1:]), idle.Round(time.Millisecond),
		took[0].Round(time.Millisecond), took[len(took)/2].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond),
		waits.samples, waits.readers, waits.writers)
	if waits.readers > 0 {
		t.Errorf("reports waited on locks (%d samples)", waits.readers)
	}
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}

// TestServerRestartDuringImport: the server restarts while `cryptoweekly import` writes the
// bundled dataset into an empty store. The command fails saying nothing was stored, the store is
// still empty and sound, and running the import again gives the full store and a report.
func TestServerRestartDuringImport(t *testing.T) {
	addr := freshURL(t)
	restart := os.Getenv("CRYPTOWEEKLY_TEST_POSTGRES_RESTART")
	if restart == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CRYPTOWEEKLY_TEST_POSTGRES_RESTART is not set in CI (scripts/postgres.sh test sets it)")
		}
		t.Skip("CRYPTOWEEKLY_TEST_POSTGRES_RESTART (a command that restarts the server) is not set")
	}
	dir := t.TempDir()
	var errs bytes.Buffer
	cmd := cwCommand(t, dir, "import", "--db", addr)
	cmd.Stderr = &errs
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for !applyRunning(t, addr, "any") {
		if time.Since(t0) > 60*time.Second {
			cmd.Process.Kill()
			t.Fatal("the import's write never showed up in pg_stat_activity")
		}
		time.Sleep(20 * time.Millisecond)
	}
	at := time.Since(t0)
	args := strings.Fields(restart)
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", restart, err, out)
	}
	err := cmd.Wait()
	t.Logf("restarted %s into the import; it exited after %s (%v): %s", at.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond), err, strings.TrimSpace(errs.String()))
	if err == nil {
		t.Fatal("import succeeded across a server restart")
	}
	if !strings.Contains(errs.String(), "connection was lost") {
		t.Errorf("the error does not say the connection was lost: %s", errs.String())
	}
	var s *Store
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if s, err = Open(context.Background(), addr, store.Options{ReadOnly: true}); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	cov, err := s.Coverage(context.Background())
	problems, cerr := s.Check(context.Background())
	s.Close()
	if err != nil || cerr != nil || len(cov) != 0 || len(problems) != 0 {
		t.Fatalf("after the interrupted import: coverage %v (%v), check %v (%v)", cov, err, problems, cerr)
	}
	if _, errs, err := runCW(t, dir, "import", "--db", addr); err != nil {
		t.Fatalf("import again: %v\n%s", err, errs)
	}
	if _, errs, err := runCW(t, dir, "report", "--db", addr, "--week-end", "2024-12-13", "--out", dir, "--format", "json"); err != nil {
		t.Fatalf("report: %v\n%s", err, errs)
	}
}
