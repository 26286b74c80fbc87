package news

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/sources/fetch"
)

// server replays api-shapes payloads. faults[path] are consumed one per request before the
// normal route answers.
type server struct {
	t      *testing.T
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	faults map[string][]http.HandlerFunc
	hits   map[string]int
	seen   []*http.Request
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := r.URL.Path
	s.hits[p]++
	s.seen = append(s.seen, r.Clone(context.Background()))
	var h http.HandlerFunc
	if fs := s.faults[p]; len(fs) > 0 {
		h, s.faults[p] = fs[0], fs[1:]
	} else {
		h = s.routes[p]
	}
	s.mu.Unlock()
	if h == nil {
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	h(w, r)
}

func jsonBody(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}
}

func status(code int, body string, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func hang(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func truncated(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "5000")
	w.WriteHeader(200)
	io.WriteString(w, `<?xml version="1.0"?><rss><channel><item><title>cut`)
}

type env struct {
	srv     *server
	ts      *httptest.Server
	archive string
	sleeps  []time.Duration
	mu      sync.Mutex
}

func newEnv(t *testing.T, routes map[string]http.HandlerFunc) *env {
	e := &env{srv: &server{t: t, routes: routes, faults: map[string][]http.HandlerFunc{}, hits: map[string]int{}}, archive: t.TempDir()}
	e.ts = httptest.NewServer(e.srv)
	t.Cleanup(e.ts.Close)
	return e
}

func (e *env) client(timeout time.Duration, retries int) *fetch.Client {
	u, _ := url.Parse(e.ts.URL)
	return fetch.New(fetch.Options{
		ArchiveDir: e.archive, MaxRetries: retries, Timeout: timeout,
		Limits: map[string]fetch.Limit{u.Host: {Rate: 0}, "localhost:" + u.Port(): {Rate: 0}},
		Now:    func() time.Time { return fetchDay },
		Sleep: func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			e.sleeps = append(e.sleeps, d)
			e.mu.Unlock()
			return ctx.Err()
		},
	})
}

func obsMap(b cw.Batch) map[string]float64 {
	m := map[string]float64{}
	for _, o := range b.Observations {
		m[o.Entity+" "+o.Metric+" "+cw.DayString(o.Day)] = o.Value
	}
	return m
}

func entMap(b cw.Batch) map[string]cw.Entity {
	m := map[string]cw.Entity{}
	for _, e := range b.Entities {
		m[e.ID] = e
	}
	return m
}

func assertNoSecret(t *testing.T, dir, secret string) {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			b, _ = io.ReadAll(zr)
		}
		n++
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("secret in archive file %s", p)
		}
		return nil
	})
	_ = n // a timeout archives nothing
}
