// Command cryptoweekly builds the weekly crypto-market research report from an embedded store.
//
// One file per subcommand: report.go, import.go, weeks.go, ingest.go, serve.go, check.go, bundle.go.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/bundle"
	"cryptoweekly/store"
	_ "cryptoweekly/store/all"
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"report", "compute a week and write it as Markdown, HTML, JSON and PDF (--format)", runReport},
	{"weeks", "list weeks with their data coverage per section", runWeeks},
	{"import", "load the bundled dataset, or a folder of raw files, into the store", runImport},
	{"ingest", "fetch live data from the public APIs (or replay an archive) into the store", runIngest},
	{"serve", "serve the dashboard and JSON API (read-only; ingest keeps working)", runServe},
	{"check", "check the store's integrity (exit 1 on any finding)", runCheck},
	{"bundle", "regenerate the embedded dataset from raw files (developers)", runBundle},
}

// usageError marks errors caused by how the command was called (exit code 2).
type usageError struct{ error }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			}
			fmt.Fprintf(stderr, "cryptoweekly %s: %v\n", c.name, err)
			var ue usageError
			if errors.As(err, &ue) {
				return 2
			}
			return 1
		}
	}
	fmt.Fprintf(stderr, "cryptoweekly: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "cryptoweekly — the weekly crypto-market research report, reproducible from stored data.")
	fmt.Fprintln(w, "\nUsage: cryptoweekly <command> [flags]   (cryptoweekly <command> --help for flags)\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}

// newFlags makes a FlagSet whose errors are returned, with a usage line.
func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: cryptoweekly %s %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}

// defaultDB is $CRYPTOWEEKLY_DB, else the DuckDB file under the XDG data directory.
func defaultDB() string {
	if p := os.Getenv("CRYPTOWEEKLY_DB"); p != "" {
		return p
	}
	return defaultDuckDB()
}

// defaultDuckDB is the store's file under the XDG data directory.
func defaultDuckDB() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "cryptoweekly", "cryptoweekly.duckdb")
}

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", defaultDB(), "store: a DuckDB file (or duckdb:PATH) or a PostgreSQL URL (postgres://user@host/db); default $CRYPTOWEEKLY_DB, else a file under $XDG_DATA_HOME")
}

const lockWait = 60 * time.Second

// openForRead opens the store read-only, first loading the embedded dataset if the store does not
// exist yet or holds nothing, so `cryptoweekly report` works on a fresh machine. A store written
// by an older binary is migrated first (one short read-write open).
func openForRead(ctx context.Context, addr string, stderr io.Writer) (cw.Store, error) {
	ro := store.Options{ReadOnly: true, LockWait: lockWait}
	s, err := store.Open(ctx, addr, ro)
	if errors.Is(err, store.ErrSchemaOutdated) {
		fmt.Fprintf(stderr, "migrating %s to this binary's schema…\n", shown(addr))
		w, werr := store.Open(ctx, addr, store.Options{LockWait: lockWait})
		if werr != nil {
			return nil, werr
		}
		w.Close()
		s, err = store.Open(ctx, addr, ro)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		empty, err := s.Empty(ctx)
		if err != nil {
			s.Close()
			return nil, err
		}
		if !empty {
			return s, nil
		}
		s.Close()
	}
	fmt.Fprintf(stderr, "store %s is empty: loading the bundled dataset…\n", shown(addr))
	if err := loadBundle(ctx, addr, stderr); err != nil {
		return nil, err
	}
	return store.Open(ctx, addr, ro)
}

func loadBundle(ctx context.Context, addr string, stderr io.Writer) error {
	t0 := time.Now()
	batches, err := bundle.Load()
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, addr, store.Options{LockWait: lockWait})
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Apply(ctx, batches...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "loaded %d series families, %d entities, %d observations in %s\n", st.Batches, st.Entities, st.Observations, time.Since(t0).Round(time.Millisecond))
	return nil
}

// shown is a store address fit to print: a password in a URL or a keyword string is masked.
func shown(addr string) string {
	if u, err := url.Parse(addr); err == nil && u.Scheme != "" && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
		return addr
	}
	return passwordKV.ReplaceAllString(addr, "password=xxxxx")
}

var passwordKV = regexp.MustCompile(`password=('[^']*'|\S+)`)

// isPath reports whether a store address is a file path (DuckDB) rather than a server URL.
func isPath(addr string) bool {
	scheme, _, ok := strings.Cut(addr, "://")
	return !ok || strings.ContainsAny(scheme, `/\.`)
}

// archiveDir is where fetched responses are kept: beside a DuckDB file, or in the data
// directory for a server store.
func archiveDir(addr string) string {
	if isPath(addr) && !strings.Contains(addr, "=") {
		return filepath.Join(filepath.Dir(strings.TrimPrefix(addr, "duckdb:")), "archive")
	}
	return filepath.Join(filepath.Dir(defaultDuckDB()), "archive")
}
