package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
	"cryptoweekly/store"
	"cryptoweekly/web"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "[flags]\n\nServes the dashboard (latest report, archive, drill-downs, CSV) and the JSON API. The store\nis opened read-only only for the moment a request needs it, so ingest and import keep working\nwhile the server runs.", stderr)
	db := dbFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	refresh := fs.Duration("refresh", 10*time.Second, "how often to check whether the store has changed")
	cfgPath := fs.String("config", "", "config file whose \"report\" object sets floors, filters and sectors (default "+defaultConfigPath()+")")
	var ics stringList
	fs.Var(&ics, "ics", "extra events calendar (iCalendar file or http(s) URL; repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	file, err := loadConfig(firstNonEmpty(*cfgPath, defaultConfigPath()), *cfgPath != "")
	if err != nil {
		return usageError{err}
	}
	cfg := report.DefaultConfig()
	if file.Report != nil {
		cfg = *file.Report
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	// Make sure there is a store (a fresh machine gets the embedded dataset), then let it go.
	st, err := openForRead(ctx, *db, stderr)
	if err != nil {
		return err
	}
	st.Close()
	cal, err := calendar(ctx, ics, archiveDir(*db))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := serveOn(ctx, ln, web.Config{
		Open: func(ctx context.Context) (cw.Store, error) {
			return store.Open(ctx, *db, store.Options{ReadOnly: true, LockWait: lockWait})
		},
		Report:   cfg,
		Calendar: func(context.Context) ([]report.Event, error) { return cal, nil },
		Refresh:  *refresh,
		Log:      slog.New(slog.NewJSONHandler(stderr, nil)),
	})
	fmt.Fprintf(stdout, "serving %s on http://%s/\n", shown(*db), ln.Addr())
	return srv()
}

// serveOn serves until ctx ends (SIGINT, SIGTERM), then lets requests in flight finish.
func serveOn(ctx context.Context, ln net.Listener, c web.Config) func() error {
	hs := &http.Server{Handler: web.New(c), ReadHeaderTimeout: 10 * time.Second}
	return func() error {
		done := make(chan error, 1)
		go func() { done <- hs.Serve(ln) }()
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
		}
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			return err
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
