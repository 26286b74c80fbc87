// Package fanout runs independent pieces of work on every core: the importer's file families,
// the bundle's files, a report's sections.
package fanout

import (
	"runtime"
	"sync"
)

// Each calls f(i) for every i of order, started in that order on as many goroutines as there
// are cores (never more than len(order)), and returns when every call has. Callers keep results
// by index, so what they return does not depend on the scheduling.
func Each(order []int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(order)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for _, i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
}

// N is Each over 0, 1, …, n-1.
func N(n int, f func(i int)) {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	Each(order, f)
}
