package fanout

import (
	"sync/atomic"
	"testing"
)

func TestEachCallsEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 100} {
		calls := make([]int32, n)
		var total atomic.Int32
		N(n, func(i int) { atomic.AddInt32(&calls[i], 1); total.Add(1) })
		if int(total.Load()) != n {
			t.Fatalf("n=%d: %d calls", n, total.Load())
		}
		for i, c := range calls {
			if c != 1 {
				t.Fatalf("n=%d: index %d called %d times", n, i, c)
			}
		}
	}
	// A custom order with every index once.
	seen := make([]int32, 4)
	Each([]int{3, 1, 0, 2}, func(i int) { atomic.AddInt32(&seen[i], 1) })
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("order: index %d called %d times", i, c)
		}
	}
}
