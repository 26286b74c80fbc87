package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/events"
	"cryptoweekly/internal/httpx"
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
	var ics stringList
	fs.Var(&ics, "ics", "extra events calendar to merge with the built-in one: an iCalendar file or http(s) URL (repeatable)")
	cfgPath := fs.String("config", "", "config file whose \"report\" object sets floors, filters and sectors (default "+defaultConfigPath()+")")
	// Flags override the config file, which overrides the defaults: read them into their own
	// variables and apply only the ones given.
	def := metrics.DefaultConfig()
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
	cal, err := calendar(ctx, ics, filepath.Join(filepath.Dir(*db), "archive"))
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

// calendar is the built-in events calendar plus the user's iCalendar files or URLs. URLs go
// through the same polite, archiving HTTP client as ingest.
func calendar(ctx context.Context, extra []string, archive string) ([]report.Event, error) {
	evs, err := events.Load()
	if err != nil {
		return nil, err
	}
	var client *httpx.Client
	for _, src := range extra {
		var body []byte
		if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
			if client == nil {
				client = httpx.New(httpx.Options{ArchiveDir: archive})
			}
			resp, err := client.Get(ctx, httpx.Request{Source: "ics", Endpoint: "calendar", URL: src})
			if err != nil {
				return nil, fmt.Errorf("--ics: %w", err)
			}
			body = resp.Body
		} else if body, err = os.ReadFile(src); err != nil {
			return nil, fmt.Errorf("--ics: %w", err)
		}
		more, err := events.ParseICS(bytes.NewReader(body), src)
		if err != nil {
			return nil, err
		}
		evs = append(evs, more...)
	}
	out := make([]report.Event, 0, len(evs))
	for _, e := range evs {
		out = append(out, report.Event{Date: cw.DayString(e.Date), Time: e.TimeET, Kind: e.Kind, Title: e.Title, Source: e.Source})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Date != out[j].Date {
			return out[i].Date < out[j].Date
		}
		return out[i].Time < out[j].Time
	})
	return out, nil
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

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
