package duckdb

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/store"
)

func day(s string) time.Time { d, _ := cw.ParseDay(s); return d }

func batch(src cw.SourceID, obs ...cw.Observation) cw.Batch {
	for i := range obs {
		obs[i].Source = src
	}
	return cw.Batch{Source: cw.Provenance{ID: src, Provider: "test", Location: "fixture", Licence: "test"}, Observations: obs}
}

func count(t *testing.T, s *Store, q string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestApplyUpsertAndMerge(t *testing.T) {
	ctx := context.Background()
	s, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := batch("a",
		cw.Observation{Entity: "chain:ethereum", Metric: "tvl", Day: day("2024-12-06"), Value: 70.95e9},
		cw.Observation{Entity: "chain:ethereum", Metric: "tvl", Day: day("2024-12-13"), Value: 73.47e9},
	)
	b.Entities = []cw.Entity{{ID: "chain:ethereum", Kind: cw.KindChain, Name: "Ethereum", Chains: []string{"Ethereum"}}}
	if _, err := s.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	// Applying again changes nothing: ingest is safe to run twice.
	if _, err := s.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM observations`); n != 2 {
		t.Fatalf("rows after re-apply = %d, want 2", n)
	}
	// A tags-only record from another source must not blank the name.
	tags := cw.Batch{Source: cw.Provenance{ID: "t", Provider: "x", Location: "y", Licence: "z"},
		Entities: []cw.Entity{{ID: "chain:ethereum", Kind: cw.KindChain, Tags: []string{"sector:layer-1"}}}}
	if _, err := s.Apply(ctx, tags); err != nil {
		t.Fatal(err)
	}
	var name string
	s.db.QueryRow(`SELECT name FROM entities WHERE id = 'chain:ethereum'`).Scan(&name)
	if name != "Ethereum" {
		t.Fatalf("name = %q after tags-only merge", name)
	}
	if n := count(t, s, `SELECT count(*) FROM entity_tags`); n != 1 {
		t.Fatalf("tags = %d", n)
	}
	// Upsert updates a value.
	b2 := batch("a", cw.Observation{Entity: "chain:ethereum", Metric: "tvl", Day: day("2024-12-13"), Value: 1})
	if _, err := s.Apply(ctx, b2); err != nil {
		t.Fatal(err)
	}
	var v float64
	s.db.QueryRow(`SELECT value FROM observations WHERE day = DATE '2024-12-13'`).Scan(&v)
	if v != 1 {
		t.Fatalf("upsert value = %v", v)
	}
	if p, err := s.Check(ctx); err != nil || len(p) > 0 {
		t.Fatalf("check: %v %v", p, err)
	}
}

func TestApplyIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	good := batch("good", cw.Observation{Entity: "index:x", Metric: "v", Day: day("2024-01-01"), Value: 1})
	if _, err := s.Apply(ctx, good); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		bad  cw.Batch
		want string
	}{
		{"nan", batch("bad", cw.Observation{Entity: "index:x", Metric: "v", Day: day("2024-01-02"), Value: math.NaN()}), "NaN"},
		{"duplicate day", batch("bad",
			cw.Observation{Entity: "index:x", Metric: "v", Day: day("2024-01-02"), Value: 1},
			cw.Observation{Entity: "index:x", Metric: "v", Day: day("2024-01-02"), Value: 2}), "duplicate day"},
		{"not midnight", batch("bad", cw.Observation{Entity: "index:x", Metric: "v", Day: day("2024-01-02").Add(time.Hour), Value: 1}), "midnight"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			more := batch("more", cw.Observation{Entity: "index:y", Metric: "v", Day: day("2024-01-01"), Value: 1})
			_, err := s.Apply(ctx, more, c.bad)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if n := count(t, s, `SELECT count(*) FROM observations`); n != 1 {
				t.Fatalf("store changed: %d rows", n)
			}
			if n := count(t, s, `SELECT count(*) FROM sources`); n != 1 {
				t.Fatalf("store changed: %d sources", n)
			}
		})
	}
}

func TestReadOnlyAndLocking(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cw.duckdb")
	if _, err := Open(path, Options{ReadOnly: true}); err == nil {
		t.Fatal("read-only open of a missing file should fail")
	}
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Apply(ctx, batch("a", cw.Observation{Entity: "index:x", Metric: "v", Day: day("2024-01-01"), Value: 1})); err != nil {
		t.Fatal(err)
	}
	w.Close()
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Apply(ctx, batch("a")); err == nil {
		t.Fatal("apply on read-only store should fail")
	}
	cov, err := r.Coverage(ctx)
	if err != nil || len(cov) != 1 || cov[0].Rows != 1 || !cov[0].Last.Equal(day("2024-01-01")) {
		t.Fatalf("coverage = %+v, %v", cov, err)
	}
	if SchemaVersion() != 4 {
		t.Fatalf("schema version %d", SchemaVersion())
	}
}

// TestOlderSchemaMigrates: a store left at an older schema version refuses a read-only open with
// store.ErrSchemaOutdated, and a read-write open migrates it without losing rows.
func TestOlderSchemaMigrates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, batch("a", cw.Observation{Entity: "index:x", Metric: "v", Day: day("2024-01-01"), Value: 1})); err != nil {
		t.Fatal(err)
	}
	// Roll back to version 1 as an older binary left it.
	for _, q := range []string{`DROP TABLE ingest_runs`, `DROP TABLE observation_days`, `DELETE FROM schema_migrations WHERE version > 1`} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if _, err := Open(path, Options{ReadOnly: true}); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("read-only open of an old store: %v", err)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM observations`); n != 1 {
		t.Fatalf("rows after migration = %d", n)
	}
	if n := count(t, s, `SELECT count(*) FROM observation_days WHERE source_id = 'a' AND metric = 'v' AND day = DATE '2024-01-01'`); n != 1 {
		t.Fatalf("day index after migration = %d rows", n)
	}
	if n := count(t, s, `SELECT max(version) FROM schema_migrations`); n != SchemaVersion() {
		t.Fatalf("version after migration = %d", n)
	}
	s.Close()
}

// TestApplyDuplicateAcrossBatches: two batches of one source staging the same key in one Apply
// store it once, with the later batch's value (the merge de-duplicates; there is no primary key
// since migration 3), and a later Apply replaces it.
func TestApplyDuplicateAcrossBatches(t *testing.T) {
	ctx := context.Background()
	s, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	o := func(v float64) cw.Observation {
		return cw.Observation{Entity: "asset:btc", Metric: cw.MetricPrice, Day: day("2024-12-13"), Value: v}
	}
	other := cw.Observation{Entity: "asset:eth", Metric: cw.MetricPrice, Day: day("2024-12-13"), Value: 3}
	if _, err := s.Apply(ctx, batch("a", o(1), other), batch("a", o(2))); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM observations`); n != 2 {
		t.Fatalf("%d rows, want 2", n)
	}
	if v := count(t, s, `SELECT value::INTEGER FROM observations WHERE entity_id = 'asset:btc'`); v != 2 {
		t.Fatalf("value %d, want the later batch's 2", v)
	}
	if _, err := s.Apply(ctx, batch("a", o(5))); err != nil {
		t.Fatal(err)
	}
	if v := count(t, s, `SELECT value::INTEGER FROM observations WHERE entity_id = 'asset:btc'`); v != 5 {
		t.Fatalf("value %d after a later Apply, want 5", v)
	}
	if p, err := s.Check(ctx); err != nil || len(p) > 0 {
		t.Fatalf("check: %v %v", p, err)
	}
}

// TestEntitiesLongList: a list of bulkIDs or more IDs takes Entities' other path (every entity of
// the IDs' kinds, filtered in Go); it must answer exactly as the short lists do.
func TestEntitiesLongList(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "e.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := batch("a")
	var ids []string
	for i := 0; i < bulkIDs+200; i++ {
		e := cw.Entity{ID: fmt.Sprintf("asset:t%04d", i), Kind: cw.KindAsset, Name: fmt.Sprintf("Token %d", i), Symbol: fmt.Sprintf("T%d", i),
			Tags: []string{"cmc:z", "cmc:a", fmt.Sprintf("cmc:n%d", i%7)}}
		if i%3 == 0 {
			e.Chains = []string{"Solana", "Ethereum"}
		}
		if i%5 == 0 {
			e.Attrs = map[string]string{"url": "https://example.org/" + e.Symbol}
		}
		b.Entities = append(b.Entities, e)
		if i%50 != 49 { // leave some stored entities out of the question
			ids = append(ids, e.ID)
		}
	}
	b.Entities = append(b.Entities, cw.Entity{ID: "protocol:p", Kind: cw.KindProtocol, Name: "P", Chains: []string{"Base", "Arbitrum"}},
		cw.Entity{ID: "protocol:q", Kind: cw.KindProtocol, Name: "Q"})
	if _, err := s.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	ids = append(ids, "protocol:p", "asset:unknown", "nokind")
	if len(ids) < bulkIDs {
		t.Fatalf("%d IDs: not a long list", len(ids))
	}
	long, err := s.Entities(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	short := map[string]cw.Entity{}
	for lo := 0; lo < len(ids); lo += 10 {
		part, err := s.Entities(ctx, ids[lo:min(lo+10, len(ids))])
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(short, part)
	}
	if len(long) != len(ids)-2 || !reflect.DeepEqual(long, short) {
		t.Fatalf("long list: %d entities, short lists: %d (want %d); equal: %v", len(long), len(short), len(ids)-2, reflect.DeepEqual(long, short))
	}
	if e := long["asset:t0000"]; !reflect.DeepEqual(e.Tags, []string{"cmc:a", "cmc:n0", "cmc:z"}) || !reflect.DeepEqual(e.Chains, []string{"Ethereum", "Solana"}) ||
		e.Attrs["url"] != "https://example.org/T0" {
		t.Errorf("asset:t0000 = %+v", e)
	}
	if _, ok := long["protocol:q"]; ok {
		t.Error("an entity not asked for came back")
	}
}

// TestDayIndexHasNoRepeats: observation_days has no key to refuse a repeat, so the merge must add
// only days it does not list yet, however often a day is written.
func TestDayIndexHasNoRepeats(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "d.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	obs := func(v float64, days ...string) []cw.Observation {
		var out []cw.Observation
		for _, d := range days {
			for _, e := range []string{"asset:a", "asset:b"} {
				out = append(out, cw.Observation{Entity: e, Metric: cw.MetricPrice, Day: day(d), Value: v})
			}
		}
		return out
	}
	for i, days := range [][]string{{"2024-01-01", "2024-01-02"}, {"2024-01-02", "2024-01-03"}, {"2024-01-01", "2024-01-02", "2024-01-03"}} {
		if _, err := s.Apply(ctx, batch("a", obs(float64(i+1), days...)...), batch("b", obs(1, days[0])...)); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM observation_days`); n != 5 {
		t.Errorf("observation_days holds %d rows, want 5 (3 days of a, 2 of b)", n)
	}
	if problems, err := s.Check(ctx); err != nil || len(problems) != 0 {
		t.Errorf("check: %v %v", problems, err)
	}
}
