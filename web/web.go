// Package web is the dashboard and JSON API behind `cryptoweekly serve`: the latest report, an
// archive of every week the store supports, drill-downs for chains, protocols, tokens and
// sectors, CSV downloads of every table, and /api/… for programs.
//
// The store while serving: DuckDB lets one process write a file, or any number read it, never
// both at once. The server therefore never keeps the store open. It opens it read-only for the
// few milliseconds a cache miss needs (computing a week, reading a series) and to check, at most
// every Refresh, whether a write has committed since (the store's version); everything else is
// served from memory. An ingest from cron waits at most for one such read, and the server keeps
// answering from its cache while the ingest commits. With PostgreSQL any number of processes share
// the store and the same rules simply cost less.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
)

// Opener opens the store read-only for one short use.
type Opener func(ctx context.Context) (cw.Store, error)

// Config is what the server needs.
type Config struct {
	Open   Opener
	Report report.Config
	// Calendar gives the events calendar for a report (built-in plus the user's iCalendar files).
	Calendar func(ctx context.Context) ([]report.Event, error)
	// Refresh is how often the store's version is checked (default 10 s).
	Refresh time.Duration
	Log     *slog.Logger
	// Now is the wall clock of the reports (generated-at, which weeks are finished); tests fix it.
	Now func() time.Time
}

// Server serves the dashboard and the API.
type Server struct {
	c   Config
	mux *http.ServeMux

	// store is the mutex every store use takes: one short read-only open at a time, so the
	// server never holds more than one DuckDB handle.
	store sync.Mutex

	mu        sync.Mutex
	responses map[string]*response // finished GET responses by URL, until the store changes
	version   string
	checked   time.Time
	reports   map[string]*cached // by week end
	coverage  *report.Coverage
	latest    time.Time
	covErr    error
	providers []cw.Provenance
}

type cached struct {
	r    *report.Report
	json []byte
	etag string
}

// New builds the server.
func New(c Config) *Server {
	if c.Refresh <= 0 {
		c.Refresh = 10 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	s := &Server{c: c, mux: http.NewServeMux(), reports: map[string]*cached{}, responses: map[string]*response{}}
	s.routes()
	return s
}

// ServeHTTP logs every request as one structured line. Every page and API answer depends only on
// the store (and the day), so a successful GET is kept until the store changes: a cached read
// costs a map lookup, never a store access.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t0 := time.Now()
	rec := &recorder{ResponseWriter: w, status: 200}
	s.cachedServe(rec, r)
	s.c.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "bytes", rec.bytes,
		"ms", float64(time.Since(t0).Microseconds())/1000)
}

// response is a finished answer kept for the next reader.
type response struct {
	header http.Header
	body   []byte
	etag   string
}

// maxResponses bounds the cache: past that, it starts over.
const maxResponses = 4096

func (s *Server) cachedServe(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path == "/healthz" {
		s.mux.ServeHTTP(w, r)
		return
	}
	if err := s.fresh(r.Context()); err != nil {
		s.mux.ServeHTTP(w, r) // the handler reports the store's state
		return
	}
	key := r.URL.RequestURI()
	s.mu.Lock()
	c := s.responses[key]
	s.mu.Unlock()
	if c == nil {
		buf := &bufferWriter{header: http.Header{}, status: 200}
		s.mux.ServeHTTP(buf, r)
		if buf.status != http.StatusOK {
			buf.replay(w)
			return
		}
		sum := sha256.Sum256(buf.body.Bytes())
		c = &response{header: buf.header, body: buf.body.Bytes(), etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		if c.header.Get("ETag") != "" {
			c.etag = c.header.Get("ETag")
		}
		s.mu.Lock()
		if len(s.responses) >= maxResponses {
			s.responses = map[string]*response{}
		}
		s.responses[key] = c
		s.mu.Unlock()
	}
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.Header().Set("ETag", c.etag)
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-cache")
	}
	if r.Header.Get("If-None-Match") == c.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(c.body)
}

// bufferWriter captures a handler's answer.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) WriteHeader(code int)        { b.status = code }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.body.Write(p) }

func (b *bufferWriter) replay(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	w.Write(b.body.Bytes())
}

type recorder struct {
	http.ResponseWriter
	status, bytes int
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }
func (r *recorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// withStore runs f with the store open read-only, closing it right after.
func (s *Server) withStore(ctx context.Context, f func(cw.Store) error) error {
	s.store.Lock()
	defer s.store.Unlock()
	st, err := s.c.Open(ctx)
	if err != nil {
		return fmt.Errorf("%w: %v", errUnavailable, err)
	}
	defer st.Close()
	return f(st)
}

var (
	errUnavailable = errors.New("the store is unavailable")
	errNotFound    = errors.New("not found")
)

type versioner interface {
	Version(ctx context.Context) (string, error)
}

// fresh drops the caches when the store has changed since the last check (at most every
// Refresh). A store without a version is treated as changed every Refresh.
func (s *Server) fresh(ctx context.Context) error {
	s.mu.Lock()
	due := time.Since(s.checked) >= s.c.Refresh
	s.mu.Unlock()
	if !due {
		return nil
	}
	var v string
	err := s.withStore(ctx, func(st cw.Store) error {
		if vs, ok := st.(versioner); ok {
			var err error
			v, err = vs.Version(ctx)
			return err
		}
		v = time.Now().String()
		return nil
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checked = time.Now()
	if v != s.version {
		s.version = v
		s.reports = map[string]*cached{}
		s.responses = map[string]*response{}
		s.coverage, s.covErr = nil, nil
	}
	return nil
}

// cover returns the store's coverage (cached until the store changes).
func (s *Server) cover(ctx context.Context) (*report.Coverage, time.Time, error) {
	if err := s.fresh(ctx); err != nil {
		return nil, time.Time{}, err
	}
	s.mu.Lock()
	if s.coverage != nil || s.covErr != nil {
		defer s.mu.Unlock()
		return s.coverage, s.latest, s.covErr
	}
	s.mu.Unlock()
	var cov *report.Coverage
	err := s.withStore(ctx, func(st cw.Store) error {
		var err error
		cov, err = report.LoadCoverage(ctx, st, s.c.Report)
		return err
	})
	if errors.Is(err, errUnavailable) {
		return nil, time.Time{}, err
	}
	var latest time.Time
	if err == nil {
		latest, err = cov.DefaultWeekEnd()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.coverage, s.latest, s.covErr = cov, latest, err
	return cov, latest, err
}

// week computes (or returns the cached) report for the week ending at end.
func (s *Server) week(ctx context.Context, end time.Time) (*cached, error) {
	cov, _, err := s.cover(ctx)
	if cov == nil {
		return nil, err
	}
	first, last := cov.Span()
	if end.Before(first.AddDate(0, 0, 7)) || end.After(last.AddDate(0, 0, 7)) {
		return nil, fmt.Errorf("%w: the store covers %s to %s", errNotFound, cw.DayString(first), cw.DayString(last))
	}
	key := cw.DayString(end)
	s.mu.Lock()
	c := s.reports[key]
	s.mu.Unlock()
	if c != nil {
		return c, nil
	}
	in := report.Inputs{Now: s.c.Now()}
	if s.c.Calendar != nil {
		if in.Calendar, err = s.c.Calendar(ctx); err != nil {
			return nil, err
		}
	}
	var r *report.Report
	err = s.withStore(ctx, func(st cw.Store) error {
		in.StoreName = st.Describe()
		var err error
		r, err = report.Build(ctx, st, s.c.Report, end, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	c = &cached{r: r, json: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	s.mu.Lock()
	s.reports[key] = c
	s.mu.Unlock()
	return c, nil
}

// parseWeek reads a week end from a path; anything else is a 400.
func parseWeek(v string) (time.Time, error) {
	if len(v) != 10 {
		return time.Time{}, fmt.Errorf("week %q: want YYYY-MM-DD", clip(v))
	}
	return cw.ParseDay(v)
}

// clip quotes at most 40 bytes of a user's input back.
func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// finished reports whether a week is over (its figures no longer change by themselves).
func (s *Server) finished(end time.Time) bool {
	return cw.Day(s.c.Now()).After(end.AddDate(0, 0, 1))
}
