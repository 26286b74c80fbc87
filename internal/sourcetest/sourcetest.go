// Package sourcetest is test support for the connector packages under provider/: it replays
// api-shapes payloads (testdata/ copies of /work/shared/api-shapes) from an httptest server,
// injects faults (429 with Retry-After, 500 then OK, truncated bodies, hangs), builds a
// httpx.Client whose backoff sleeps are recorded instead of slept, and checks that a secret
// never leaks into an error or the archive.
//
// It is imported only from _test.go files.
package sourcetest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
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
	"cryptoweekly/internal/httpx"
)

// Fixture returns the "response" body of an api-shapes file in the calling package's testdata/
// directory; path selects a nested wrapper such as "latest".
func Fixture(t testing.TB, name string, path ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, p := range path {
		if err := json.Unmarshal(m[p], &m); err != nil {
			t.Fatal(err)
		}
	}
	r, ok := m["response"]
	if !ok {
		t.Fatalf("%s: no response", name)
	}
	return r
}

// Server replays payloads by URL path. Faults[path] are consumed one per request before the
// normal route answers; an unknown path is a JSON 404. Hits and Seen record every request
// (read them once the requests are done).
type Server struct {
	Prefix string // trimmed from the request path before routing, e.g. "/api/v3"
	Routes map[string]http.HandlerFunc
	Faults map[string][]http.HandlerFunc
	Hits   map[string]int
	Seen   []*http.Request

	mu sync.Mutex
}

// NewServer returns a server answering routes.
func NewServer(routes map[string]http.HandlerFunc) *Server {
	if routes == nil {
		routes = map[string]http.HandlerFunc{}
	}
	return &Server{Routes: routes, Faults: map[string][]http.HandlerFunc{}, Hits: map[string]int{}}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := strings.TrimPrefix(r.URL.Path, s.Prefix)
	s.Hits[p]++
	s.Seen = append(s.Seen, r.Clone(context.Background()))
	var h http.HandlerFunc
	if fs := s.Faults[p]; len(fs) > 0 {
		h, s.Faults[p] = fs[0], fs[1:]
	} else {
		h = s.Routes[p]
	}
	s.mu.Unlock()
	if h == nil {
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	h(w, r)
}

// JSON answers 200 with body as application/json.
func JSON(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}
}

// Status answers code with body and header name/value pairs, e.g.
// Status(429, "slow down", "Retry-After", "3").
func Status(code int, body string, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

// Hang never answers: it waits for the client to give up (or 5s).
func Hang(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

// Truncated answers 200 promising 5000 bytes but sending only partial.
func Truncated(partial string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		w.WriteHeader(200)
		io.WriteString(w, partial)
	}
}

// Env is a replay server, an archive directory and recorded backoff sleeps.
type Env struct {
	Srv     *Server
	TS      *httptest.Server
	Archive string
	Sleeps  []time.Duration // backoff sleeps requested by clients from Client
	Now     time.Time       // the clients' clock

	mu sync.Mutex
}

// NewEnv starts srv (closed when the test ends) with a fresh archive directory.
func NewEnv(t *testing.T, srv *Server, now time.Time) *Env {
	e := &Env{Srv: srv, Archive: t.TempDir(), Now: now}
	e.TS = httptest.NewServer(srv)
	t.Cleanup(e.TS.Close)
	return e
}

// Client returns a fetch client for the server: no rate limit (by IP or localhost), archive in
// e.Archive, a fixed clock, and sleeps that return at once and are appended to e.Sleeps.
func (e *Env) Client(timeout time.Duration, retries int) *httpx.Client {
	u, _ := url.Parse(e.TS.URL)
	return httpx.New(httpx.Options{
		ArchiveDir: e.Archive, MaxRetries: retries, Timeout: timeout,
		Limits: map[string]httpx.Limit{u.Host: {Rate: 0}, "localhost:" + u.Port(): {Rate: 0}},
		Now:    func() time.Time { return e.Now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			e.Sleeps = append(e.Sleeps, d)
			e.mu.Unlock()
			return ctx.Err()
		},
	})
}

// ObsMap keys a batch's observations by "entity metric day".
func ObsMap(b cw.Batch) map[string]float64 {
	m := map[string]float64{}
	for _, o := range b.Observations {
		m[o.Entity+" "+string(o.Metric)+" "+cw.DayString(o.Day)] = o.Value
	}
	return m
}

// EntMap keys a batch's entities by ID.
func EntMap(b cw.Batch) map[string]cw.Entity {
	m := map[string]cw.Entity{}
	for _, e := range b.Entities {
		m[e.ID] = e
	}
	return m
}

// AssertNoSecret fails the test if secret appears in err's message.
func AssertNoSecret(t testing.TB, err error, secret string) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("secret in error: %v", err)
	}
}

// AssertNoSecretInArchive fails the test if secret appears in any file under dir (gzip files
// are read decompressed). An empty or missing dir passes: a timeout archives nothing.
func AssertNoSecretInArchive(t testing.TB, dir, secret string) {
	t.Helper()
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
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("secret in archive file %s", p)
		}
		return nil
	})
}
