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
	Now     func() time.Time
}

// Server serves the dashboard and the API.
type Server struct {
	c   Config
	mux *http.ServeMux

	// store is the mutex every store use takes: one short read-only open at a time, so the
	// server never holds more than one DuckDB handle.
	store sync.Mutex

	mu        sync.Mutex
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
	s := &Server{c: c, mux: http.NewServeMux(), reports: map[string]*cached{}}
	s.routes()
	return s
}

// ServeHTTP logs every request as one structured line.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t0 := time.Now()
	rec := &recorder{ResponseWriter: w, status: 200}
	s.mux.ServeHTTP(rec, r)
	s.c.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "bytes", rec.bytes,
		"ms", float64(time.Since(t0).Microseconds())/1000)
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
	due := s.c.Now().Sub(s.checked) >= s.c.Refresh
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
		v = s.c.Now().String()
		return nil
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checked = s.c.Now()
	if v != s.version {
		s.version = v
		s.reports = map[string]*cached{}
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
