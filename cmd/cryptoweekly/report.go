package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/events"
	"cryptoweekly/metrics"
	"cryptoweekly/render"
	"cryptoweekly/report"
)

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "[flags]", stderr)
	db := dbFlag(fs)
	weekEnd := fs.String("week-end", "", "last day of the week, YYYY-MM-DD (default: the latest day every core series covers)")
	out := fs.String("out", "reports", "output folder; the report goes to <out>/<week-end>/")
	formats := fs.String("format", "md,json", "comma-separated output formats: md, json")
	notes := fs.String("notes", "", "analyst notes (Markdown) for the outlook (default: notes/<week-end>.md if it exists)")
	ics := fs.String("ics", "", "extra events calendar (iCalendar .ics file) to merge with the built-in one")
	cfg := metrics.DefaultConfig()
	fs.IntVar(&cfg.TopN, "top-n", cfg.TopN, "length of the top lists")
	fs.Float64Var(&cfg.ChainMinTVL, "chain-min-tvl", cfg.ChainMinTVL, "minimum chain TVL (USD) for the chain growth ranking")
	fs.Float64Var(&cfg.ProtocolMinTVL, "protocol-min-tvl", cfg.ProtocolMinTVL, "minimum protocol TVL (USD) at week end for the protocol ranking")
	fs.Float64Var(&cfg.TokenMinVolume, "min-volume", cfg.TokenMinVolume, "minimum 24h volume (USD) for the gainers lists")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	want := map[string]bool{}
	for _, f := range strings.Split(*formats, ",") {
		f = strings.TrimSpace(f)
		if f != "md" && f != "json" {
			return usageError{fmt.Errorf("--format: unknown format %q (md, json)", f)}
		}
		want[f] = true
	}
	store, err := openForRead(ctx, *db, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	var end time.Time
	if *weekEnd != "" {
		end, err = cw.ParseDay(*weekEnd)
		if err != nil {
			return usageError{fmt.Errorf("--week-end: %w", err)}
		}
	} else {
		cov, err := metrics.LoadCoverage(ctx, store.DB(), cfg)
		if err != nil {
			return err
		}
		end, err = cov.DefaultWeekEnd()
		if err != nil {
			return err
		}
	}
	cal, err := calendar(*ics)
	if err != nil {
		return err
	}
	in := metrics.Inputs{Calendar: cal, StoreName: "DuckDB " + store.Path()}
	notesPath := *notes
	if notesPath == "" {
		if p := filepath.Join("notes", cw.DayString(end)+".md"); fileExists(p) {
			notesPath = p
		}
	}
	if notesPath != "" {
		b, err := os.ReadFile(notesPath)
		if err != nil {
			return fmt.Errorf("--notes: %w", err)
		}
		in.NotesPath, in.Notes = notesPath, string(b)
	}
	r, err := metrics.Week(ctx, store.DB(), cfg, end, in)
	if err != nil {
		return err
	}
	dir := filepath.Join(*out, cw.DayString(end))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		ext    string
		render func(io.Writer, *report.Report) error
	}{{"md", render.Markdown}, {"json", render.JSON}} {
		if !want[f.ext] {
			continue
		}
		var buf bytes.Buffer
		if err := f.render(&buf, r); err != nil {
			return err
		}
		path := filepath.Join(dir, "report."+f.ext)
		if err := writeAtomic(path, buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintln(stdout, path)
	}
	return nil
}

// calendar is the built-in events calendar plus an optional ICS file.
func calendar(icsPath string) ([]report.Event, error) {
	evs, err := events.Load()
	if err != nil {
		return nil, err
	}
	if icsPath != "" {
		f, err := os.Open(icsPath)
		if err != nil {
			return nil, fmt.Errorf("--ics: %w", err)
		}
		more, err := events.ParseICS(f, icsPath)
		f.Close()
		if err != nil {
			return nil, err
		}
		evs = append(evs, more...)
	}
	out := make([]report.Event, 0, len(evs))
	for _, e := range evs {
		out = append(out, report.Event{Date: cw.DayString(e.Date), Time: e.TimeET, Kind: e.Kind, Title: e.Title, Source: e.Source})
	}
	return out, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// writeAtomic writes via a temp file and rename, so a reader never sees half a report.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
