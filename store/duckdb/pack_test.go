package duckdb

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	cw "cryptoweekly"
)

// TestPackOrderAndLaterWins checks the staging key against the rule it stands for: rows come out
// in (metric, day, entity, source) order, one per observation key, with the value of the last
// batch that gave the key; decoding a key gives back its strings and day.
func TestPackOrderAndLaterWins(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	day0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	type key struct {
		m, e string
		d    time.Time
		s    string
	}
	want := map[key]float64{}
	var batches []cw.Batch
	for b := 0; b < 6; b++ {
		src := cw.SourceID(fmt.Sprintf("src-%d", b%3)) // sources 0..2, each in two batches
		seen := map[key]bool{}
		batch := cw.Batch{Source: cw.Provenance{ID: src}}
		for i := 0; i < 3000; i++ {
			k := key{fmt.Sprintf("metric_%d", r.Intn(7)), fmt.Sprintf("coin:%c%d", 'a'+r.Intn(26), r.Intn(50)), day0.AddDate(0, 0, r.Intn(400)), string(src)}
			if seen[k] {
				continue
			}
			seen[k] = true
			v := r.Float64()
			want[k] = v
			batch.Observations = append(batch.Observations, cw.Observation{Entity: k.e, Metric: cw.Metric(k.m), Day: k.d, Value: v, Source: src})
		}
		batches = append(batches, batch)
	}
	p, err := pack(batches)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.keys) != len(want) {
		t.Fatalf("%d rows, want %d (one per key)", len(p.keys), len(want))
	}
	var prev key
	for i, k := range p.keys {
		got := key{p.metrics[k>>metricShift], p.entities[(k>>entityShift)&(1<<entityBits-1)],
			time.Unix(int64((k>>dayShift)&(1<<dayBits-1))*86400, 0).UTC(), p.sources[k&(1<<sourceBits-1)]}
		v, ok := want[got]
		if !ok {
			t.Fatalf("row %d decodes to %v, which no batch gave", i, got)
		}
		if v != p.vals[i] {
			t.Fatalf("row %d (%v) = %v, want the last batch's %v", i, got, p.vals[i], v)
		}
		if i > 0 && slices.Compare([]string{prev.m, prev.d.Format(time.DateOnly), prev.e, prev.s}, []string{got.m, got.d.Format(time.DateOnly), got.e, got.s}) >= 0 {
			t.Fatalf("row %d %v is not after row %d %v", i, got, i-1, prev)
		}
		prev = got
	}
}
