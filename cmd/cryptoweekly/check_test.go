package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/store/duckdb"

	duckdbdrv "github.com/duckdb/duckdb-go/v2"
)

// TestCheckCommand (defect 14): `cryptoweekly check` exits 0 on a sound store and 1 naming the
// finding on a store holding what the plausibility table forbids (written behind its back).
func TestCheckCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cw.duckdb")
	s, err := duckdb.Open(db, duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	day, _ := cw.ParseDay("2024-12-13")
	b := cw.Batch{Source: cw.Provenance{ID: "t", Provider: "test", Location: "fixture", Licence: "test"},
		Observations: []cw.Observation{{Entity: "asset:x", Metric: cw.MetricMarketCap, Day: day, Value: 1e9, Source: "t"}}}
	if _, err := s.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if out, errs, code := runCLI(t, "check", "--db", db); code != 0 || !strings.Contains(out, "no problems found") || !strings.Contains(out, "holds ") {
		t.Fatalf("sound store: exit %d, %s%s", code, out, errs)
	}

	c, err := duckdbdrv.NewConnector(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := sql.OpenDB(c)
	if _, err := raw.Exec(`INSERT INTO observations VALUES ('asset:x', 'market_cap', DATE '2024-12-12', 1e300, 't')`); err != nil {
		t.Fatal(err)
	}
	// And a day index row with no observation behind it.
	if _, err := raw.Exec(`INSERT INTO observation_days VALUES ('t', 'price', DATE '2020-01-01')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	time.Sleep(10 * time.Millisecond)
	out, errs, code := runCLI(t, "check", "--db", db)
	// Written behind the store's back, the row is also missing from the day index (migration 4).
	if code != 1 || !strings.Contains(out, "implausible market_cap") || !strings.Contains(out, "1 observation days missing from observation_days") ||
		!strings.Contains(out, "1 observation_days rows without an observation") || !strings.Contains(errs, "3 problem(s) found") {
		t.Errorf("implausible row: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if _, errs, code := runCLI(t, "check", "--db", filepath.Join(t.TempDir(), "none.duckdb")); code != 1 || !strings.Contains(errs, "does not exist") {
		t.Errorf("missing store: exit %d, %q", code, errs)
	}
}

// TestConfigMustBeUTF8: the config file is text input like any other (issue 7: UTF-8 at every
// boundary).
func TestConfigMustBeUTF8(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(cfg, []byte("{\"report\": {\"sectors\": [{\"name\": \"L\xe9\", \"tags\": []}]}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runCLI(t, "report", "--config", cfg, "--db", filepath.Join(t.TempDir(), "x.duckdb"))
	if code != 2 || !strings.Contains(errs, "config.json:1: invalid UTF-8") {
		t.Errorf("exit %d, %s", code, errs)
	}
}
