package cryptoweekly

import (
	"math/rand"
	"testing"
	"time"
)

// TestKeySetMatchesMap checks KeySet against a plain map over orders that take each path:
// rising and falling runs, round-robin series (a row per day, a column per series), a series
// revisited out of order (the switch to the map), and repeats in each of those states.
func TestKeySetMatchesMap(t *testing.T) {
	day := func(n int) time.Time { return FirstDay.AddDate(0, 0, n) }
	type add struct {
		e string
		m Metric
		d int
	}
	cases := map[string][]add{
		"rising":              {{"a", "p", 1}, {"a", "p", 2}, {"a", "p", 3}},
		"falling":             {{"a", "p", 9}, {"a", "p", 5}, {"a", "p", 1}},
		"repeat of one day":   {{"a", "p", 1}, {"a", "p", 1}},
		"repeat after a run":  {{"a", "p", 1}, {"a", "p", 2}, {"a", "p", 2}},
		"round robin":         {{"a", "p", 1}, {"b", "p", 1}, {"a", "q", 1}, {"a", "p", 2}, {"b", "p", 2}, {"a", "q", 2}},
		"out of order, new":   {{"a", "p", 1}, {"a", "p", 3}, {"a", "p", 2}},
		"out of order, again": {{"a", "p", 1}, {"a", "p", 3}, {"b", "p", 1}, {"a", "p", 1}},
		"turns then repeats":  {{"a", "p", 5}, {"a", "p", 6}, {"a", "p", 4}, {"b", "p", 1}, {"a", "p", 6}},
	}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		var adds []add
		for j := r.Intn(60); j > 0; j-- {
			adds = append(adds, add{string(rune('a' + r.Intn(3))), Metric(string(rune('p' + r.Intn(2)))), r.Intn(20)})
		}
		cases["random "+string(rune('A'+i%26))+string(rune('0'+i/26))] = adds
	}
	for name, adds := range cases {
		k := NewKeySet(0)
		want := map[add]int{}
		for i, a := range adds {
			first, dup := k.Add(a.e, a.m, day(a.d))
			w, wdup := want[a]
			if dup != wdup || (dup && first != w) {
				t.Fatalf("%s: add %d %v: got (%d, %v), want (%d, %v)", name, i, a, first, dup, w, wdup)
			}
			if !wdup {
				want[a] = len(want) // KeySet numbers the keys it kept
			}
			// Find, asked now and then, sees every key kept so far and switches nothing else.
			if i%7 == 3 {
				probe := adds[r.Intn(i+1)]
				if f, ok := k.Find(probe.e, probe.m, day(probe.d)); !ok || f != want[probe] {
					t.Fatalf("%s: Find %v after add %d = (%d, %v), want (%d, true)", name, probe, i, f, ok, want[probe])
				}
				if _, ok := k.Find("absent", probe.m, day(probe.d)); ok {
					t.Fatalf("%s: Find of an absent entity succeeded", name)
				}
			}
		}
	}
}
