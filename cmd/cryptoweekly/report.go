package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/events"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/rawfile"
	"cryptoweekly/render"
	_ "cryptoweekly/render/all"
	"cryptoweekly/report"
	_ "cryptoweekly/section/all"
)

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "[flags]", stderr)
	db := dbFlag(fs)
	weekEnd := fs.String("week-end", "", "last day of the week, YYYY-MM-DD (default: the latest day every core series covers)")
	out := fs.String("out", "reports", "output folder; the report goes to <out>/<week-end>/")
	formats := fs.String("format", "", "comma-separated output formats: "+strings.Join(render.Names(), ", ")+" (default: md, html, json, and pdf when Chromium is installed)")
	notes := fs.String("notes", "", "analyst notes (Markdown) for the outlook (default: notes/<week-end>.md if it exists)")
	var ics stringList
	fs.Var(&ics, "ics", "extra events calendar to merge with the built-in one: an iCalendar file or http(s) URL (repeatable)")
	cfgPath := fs.String("config", "", "config file whose \"report\" object sets floors, filters and sectors (default "+defaultConfigPath()+")")
	// Flags override the config file, which overrides the defaults: read them into their own
	// variables and apply only the ones given.
	def := report.DefaultConfig()
	topN := fs.Int("top-n", def.TopN, "length of the top lists")
	chainMin := fs.Float64("chain-min-tvl", def.ChainMinTVL, "minimum chain TVL (USD) for the chain growth ranking")
	protoMin := fs.Float64("protocol-min-tvl", def.ProtocolMinTVL, "minimum protocol TVL (USD) at week end for the protocol ranking")
	minVol := fs.Float64("min-volume", def.TokenMinVolume, "minimum 24h volume (USD) for the gainers lists")
	sectorCap := fs.Float64("sector-cap", def.SectorWeightCap, "cap on one constituent's weight in a sector index, percent (0 = pure market-cap weights)")
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
	cfg := def
	if file.Report != nil {
		cfg = *file.Report
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "top-n":
			cfg.TopN = *topN
		case "chain-min-tvl":
			cfg.ChainMinTVL = *chainMin
		case "protocol-min-tvl":
			cfg.ProtocolMinTVL = *protoMin
		case "min-volume":
			cfg.TokenMinVolume = *minVol
		case "sector-cap":
			cfg.SectorWeightCap = *sectorCap
		}
	})
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	explicit := *formats != ""
	if !explicit {
		*formats = "md,html,json,pdf"
	}
	var outFormats []render.Format
	var unusable []error
	for _, name := range strings.Split(*formats, ",") {
		f, err := render.Lookup(strings.TrimSpace(name))
		if err != nil {
			return usageError{fmt.Errorf("--format: %w", err)}
		}
		// A format this machine cannot produce (PDF without Chromium) does not stop the others.
		if err := f.Usable(); err != nil {
			fmt.Fprintf(stderr, "%s not written: %v\n", f.Name, err)
			if explicit {
				unusable = append(unusable, fmt.Errorf("%s: %w", f.Name, err))
			}
			continue
		}
		outFormats = append(outFormats, f)
	}
	st, err := openForRead(ctx, *db, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	var end time.Time
	if *weekEnd != "" {
		end, err = cw.ParseDay(*weekEnd)
		if err != nil {
			return usageError{fmt.Errorf("--week-end: %w", err)}
		}
	}
	// The whole coverage reads every stored row (seconds on a store of the whole market): the
	// default week comes from the recent days' coverage when it can (report.DefaultWeek), a
	// chosen week is checked against the coverage of its own days, and the store's span is named
	// from all of it only when that week has no data.
	if end.IsZero() {
		if end, err = report.DefaultWeek(ctx, st, cfg); err != nil {
			return err
		}
	} else if has, err := report.WeekCovered(ctx, st, cfg, end); err != nil {
		return err
	} else if !has {
		// A week no section has data in would be a report of "unavailable" sections (a macro
		// series reaching back to 1954 is no reason to write one for 2010).
		cov, err := report.LoadCoverage(ctx, st, cfg)
		if err != nil {
			return err
		}
		first, last := cov.Span()
		if first.IsZero() {
			return fmt.Errorf("--week-end %s: the store holds no report data", cw.DayString(end))
		}
		return usageError{fmt.Errorf("--week-end %s: no data that week; the store's data spans %s..%s", cw.DayString(end), cw.DayString(first), cw.DayString(last))}
	}
	cal, err := calendar(ctx, ics, archiveDir(*db))
	if err != nil {
		return err
	}
	in := report.Inputs{Calendar: cal, StoreName: st.Describe()}
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
		if err := rawfile.CheckText(notesPath, b); err != nil {
			return usageError{fmt.Errorf("--notes: %w", err)}
		}
		if len(b) > maxNotesBytes {
			return usageError{fmt.Errorf("--notes: %s has %d bytes, more than the %d allowed", notesPath, len(b), maxNotesBytes)}
		}
		in.NotesPath, in.Notes = notesPath, string(b)
	}
	r, err := report.Build(ctx, st, cfg, end, in)
	if err != nil {
		return err
	}
	// Render every format first: a render error (or a bad value) leaves the old files as they
	// were, instead of a new report.md beside an old report.json.
	var files []outFile
	for _, f := range outFormats {
		var buf bytes.Buffer
		if err := f.Render(&buf, r); err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		files = append(files, outFile{"report." + f.Ext, buf.Bytes()})
	}
	dir := filepath.Join(*out, cw.DayString(end))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := publish(dir, files); err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintln(stdout, filepath.Join(dir, f.name))
	}
	return errors.Join(unusable...)
}

// maxNotesBytes caps the analyst notes (a page of Markdown is a few kB).
const maxNotesBytes = 1 << 20

// calendar is the built-in events calendar plus the user's iCalendar files or URLs. URLs go
// through the same polite, archiving HTTP client as ingest.
func calendar(ctx context.Context, extra []string, archive string) ([]report.Event, error) {
	var client *httpx.Client
	cal, err := events.Calendar(extra, func(url string) ([]byte, error) {
		if client == nil {
			client = httpx.New(httpx.Options{ArchiveDir: archive})
		}
		resp, err := client.Get(ctx, httpx.Request{Source: "ics", Endpoint: "calendar", URL: url})
		if err != nil {
			return nil, err
		}
		return resp.Body, nil
	})
	if err != nil {
		return nil, fmt.Errorf("--ics: %w", err)
	}
	return cal, nil
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
