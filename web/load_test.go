package web

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkServeLoad is the dashboard's load test: an open-loop client on loopback sends a fixed
// rate of requests (cached report pages and API reads, mixed) for a bounded time and reports
// latency percentiles and errors; then it times one uncached past week. Bounded in count and
// time, loopback only. Run it with
//
//	go test ./web -run '^$' -bench ServeLoad -benchtime 1x -v
//
// CRYPTOWEEKLY_LOAD_RPS and CRYPTOWEEKLY_LOAD_SECONDS change the rate (500) and duration (10).
func BenchmarkServeLoad(b *testing.B) {
	rps, secs := envInt("CRYPTOWEEKLY_LOAD_RPS", 500), envInt("CRYPTOWEEKLY_LOAD_SECONDS", 10)
	ts := newServer(b, bundled(b))
	paths := []string{"/", "/report/2024-12-13", "/api/reports/2024-12-13", "/api/weeks", "/api/sectors/2024-12-13",
		"/weeks", "/sector/2024-12-13/Layer%201", "/csv/2024-12-13/3"}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}, Timeout: 10 * time.Second}
	fetch := func(p string) (time.Duration, error) {
		t0 := time.Now()
		resp, err := client.Get(ts.URL + p)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != 200 {
			err = fmt.Errorf("%s: HTTP %d", p, resp.StatusCode)
		}
		return time.Since(t0), err
	}
	for _, p := range paths { // warm the cache: the test is of cached reads
		if _, err := fetch(p); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < b.N; i++ {
		total := rps * secs
		lat := make([]time.Duration, total)
		var errs atomic.Int64
		var firstErr atomic.Value
		var wg sync.WaitGroup
		tick := time.Second / time.Duration(rps)
		t0 := time.Now()
		for k := 0; k < total; k++ {
			// Open loop: request k leaves at t0 + k·tick whatever the earlier ones are doing, so
			// a slow server shows as latency, not as a lower rate.
			time.Sleep(time.Until(t0.Add(time.Duration(k) * tick)))
			wg.Add(1)
			go func(k int) {
				defer wg.Done()
				d, err := fetch(paths[k%len(paths)])
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
				lat[k] = d
			}(k)
		}
		wg.Wait()
		elapsed := time.Since(t0)
		sort.Slice(lat, func(a, c int) bool { return lat[a] < lat[c] })
		pct := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
		achieved := float64(total) / elapsed.Seconds()
		// One past week nobody asked for yet: what a cache miss costs.
		cold := newServer(b, bundled(b))
		t1 := time.Now()
		if code, _, body := get(b, cold, "/report/2025-03-14"); code != 200 {
			b.Fatalf("uncached week: %d %.200s", code, body)
		}
		uncached := time.Since(t1)
		var tb strings.Builder
		fmt.Fprintf(&tb, "\n| target rps | achieved rps | requests | p50 | p90 | p99 | max | errors | uncached past week |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(&tb, "| %d | %.0f | %d | %s | %s | %s | %s | %d | %s |\n", rps, achieved, total,
			ms(pct(.50)), ms(pct(.90)), ms(pct(.99)), ms(lat[len(lat)-1]), errs.Load(), ms(uncached))
		if e := firstErr.Load(); e != nil {
			fmt.Fprintf(&tb, "first error: %v\n", e)
		}
		b.Log(tb.String())
		b.ReportMetric(float64(pct(.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(pct(.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(errs.Load()), "errors")
		b.ReportMetric(achieved, "rps")
		b.ReportMetric(float64(uncached.Microseconds())/1000, "uncached-ms")
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
