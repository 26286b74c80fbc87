package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
	_ "cryptoweekly/provider/all"
	"cryptoweekly/store"
)

// ingestOptions is everything one ingest run needs; tests build it directly.
type ingestOptions struct {
	db       string
	sources  []string
	since    time.Time
	full     bool
	replay   string
	archive  string
	cfg      Config
	baseURLs map[string]string // source → base URL override (tests)
	client   httpx.Options
	getenv   func(string) string // nil: os.Getenv (tests pass their own, so no real key leaks in)
	progress bool
}

// allSources names the registered live providers in their default order.
func allSources() []string {
	var out []string
	for _, p := range cw.LiveProviders() {
		out = append(out, p.Name)
	}
	return out
}

func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var keys []string
	for _, p := range cw.LiveProviders() {
		keys = append(keys, p.KeyEnv...)
	}
	fs := newFlags("ingest", "[flags]\n\nFetches the report's series from the public APIs into the store. Each source's data is\ncommitted in one transaction; a failing source is reported and the others go on. Every\nresponse is archived (gzip) so `--replay DIR` can rebuild the store with no network.\nKeys: "+strings.Join(keys, ", ")+"\nor the config file; keyed sources are skipped without a key.", stderr)
	db := dbFlag(fs)
	srcs := fs.String("sources", strings.Join(allSources(), ","), "comma-separated sources to run")
	since := fs.String("since", "", "fetch days after this day (YYYY-MM-DD) instead of resuming after the last run")
	full := fs.Bool("full", false, "fetch the full history (backfill)")
	replay := fs.String("replay", "", "rebuild from an archive folder instead of the network")
	archive := fs.String("archive", "", "archive folder (default: <store folder>/archive)")
	cfgPath := fs.String("config", "", "config file (default "+defaultConfigPath()+")")
	var bases stringList
	fs.Var(&bases, "base-url", "SOURCE=URL: send a source's requests to a mirror or proxy instead of the public API (repeatable)")
	var feeds stringList
	fs.Var(&feeds, "feed", "RSS/Atom feed for the regulatory/news watch, added to the config's feeds (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	o := ingestOptions{db: *db, full: *full, replay: *replay, archive: *archive}
	cfg, err := loadConfig(firstNonEmpty(*cfgPath, defaultConfigPath()), *cfgPath != "")
	if err != nil {
		return usageError{err}
	}
	if cfg.Raw, err = withFeeds(cfg.Raw, feeds); err != nil {
		return usageError{err}
	}
	o.baseURLs = map[string]string{}
	for _, b := range bases {
		name, u, ok := strings.Cut(b, "=")
		if !ok || !contains(allSources(), name) || !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
			return usageError{fmt.Errorf("--base-url %q: want SOURCE=http(s)://host/path with SOURCE one of %s", b, strings.Join(allSources(), ", "))}
		}
		o.baseURLs[name] = strings.TrimRight(u, "/")
	}
	o.cfg = cfg
	for _, s := range strings.Split(*srcs, ",") {
		s = strings.TrimSpace(s)
		if !contains(allSources(), s) {
			return usageError{fmt.Errorf("--sources: unknown source %q (have %s)", s, strings.Join(allSources(), ", "))}
		}
		o.sources = append(o.sources, s)
	}
	if *since != "" {
		if o.since, err = cw.ParseDay(*since); err != nil {
			return usageError{fmt.Errorf("--since: %w", err)}
		}
	}
	if o.archive == "" {
		o.archive = archiveDir(*db)
	}
	if st, err := os.Stderr.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		o.progress = stderr == os.Stderr
	}
	results, err := ingest(ctx, o, stderr)
	if err != nil {
		return err
	}
	printSummary(stdout, results)
	var failed []string
	for _, r := range results {
		if r.Status != "ok" && r.Status != "skipped" {
			failed = append(failed, r.Source)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%s did not complete (see the summary; the other sources were committed)", strings.Join(failed, ", "))
	}
	return nil
}

// result is one source's line in the summary.
type result struct {
	cw.IngestRun
	Requests int
	Note     string
}

// ingest runs the sources concurrently (they hit different hosts), then commits each source's
// batches in its own transaction. The store is opened read-write only for those commits, so a
// report reading the store is blocked for seconds, not for the whole download.
func ingest(ctx context.Context, o ingestOptions, stderr io.Writer) ([]result, error) {
	counter := &countingTransport{base: o.client.Transport, counts: map[string]int{}}
	if o.replay != "" {
		rt, err := httpx.NewReplayTransport(o.replay)
		if err != nil {
			return nil, fmt.Errorf("--replay: %w", err)
		}
		counter.base = rt
	}
	copts := o.client
	copts.Transport = counter
	// Each provider budgets its own hosts; limits given in the options (tests) win.
	copts.Limits = map[string]httpx.Limit{}
	for _, p := range cw.LiveProviders() {
		if p.Limits != nil {
			for h, l := range p.Limits(o.env(p.Name, nil)) {
				copts.Limits[h] = l
			}
		}
	}
	for h, l := range o.client.Limits {
		copts.Limits[h] = l
	}
	if o.replay == "" {
		copts.ArchiveDir = o.archive
	}
	if o.replay != "" {
		copts.MaxRetries = -1 // an archive answers the same every time
		copts.NoRateLimit = true
	}
	logMu := sync.Mutex{}
	logf := func(format string, args ...any) {
		if o.progress {
			return
		}
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(stderr, time.Now().UTC().Format("15:04:05 ")+format+"\n", args...)
	}
	copts.Logf = logf
	client := httpx.New(copts)

	// Resume points, read before any download so no lock is held while fetching.
	resume := map[string]time.Time{}
	if !o.full && o.since.IsZero() {
		s, err := store.Open(ctx, o.db, store.Options{ReadOnly: true, LockWait: lockWait})
		// A new store, or one an older binary wrote (the commit migrates it), has no resume point.
		if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrSchemaOutdated) {
			return nil, err
		}
		if err == nil {
			runs, err := s.LastRuns(ctx)
			if err != nil {
				// No resume point is not fatal: the sources fetch their full history instead.
				logf("cannot read the last runs (%v): fetching full history", err)
			}
			for _, r := range runs {
				if r.Status == "ok" || r.Status == "partial" {
					// Re-fetch the last day: its bar was partial when it was fetched.
					resume[r.Source] = cw.Day(r.FinishedAt).AddDate(0, 0, -2)
				}
			}
			s.Close()
		}
	}

	var p *mpb.Progress
	if o.progress {
		p = mpb.NewWithContext(ctx, mpb.WithOutput(stderr), mpb.WithWidth(40))
	}
	results := make([]result, len(o.sources))
	var wg sync.WaitGroup
	batches := make([][]cw.Batch, len(o.sources))
	for i, name := range o.sources {
		results[i].Source = name
		src, note, err := buildSource(name, client, o)
		if err != nil {
			results[i].Status, results[i].Error = "failed", err.Error()
			continue
		}
		if src == nil {
			results[i].Status, results[i].Note = "skipped", note
			continue
		}
		since := o.since
		if since.IsZero() && !o.full {
			since = resume[name]
		}
		results[i].Since = since
		var bar *mpb.Bar
		if p != nil {
			bar = p.New(0, mpb.SpinnerStyle(), mpb.PrependDecorators(decor.Name(name, decor.WC{W: 15, C: decor.DindentRight})),
				mpb.AppendDecorators(decor.CurrentNoUnit("%d requests"), decor.Elapsed(decor.ET_STYLE_GO, decor.WC{W: 6})))
			counter.onRequest(name, func() { bar.Increment() })
		}
		wg.Add(1)
		go func(i int, src cw.Source, bar *mpb.Bar) {
			defer wg.Done()
			results[i].StartedAt = time.Now().UTC()
			logf("%s: fetching (since %s)", src.Name(), sinceText(results[i].Since))
			bs, err := src.Fetch(context.WithValue(ctx, sourceKey{}, src.Name()), results[i].Since)
			batches[i] = bs
			if err != nil {
				results[i].Error = err.Error()
			}
			if bar != nil {
				bar.SetTotal(-1, true)
			}
		}(i, src, bar)
	}
	wg.Wait()
	if p != nil {
		p.Wait()
	}
	for i := range results {
		r := &results[i]
		if r.Status == "skipped" {
			continue
		}
		r.Requests = counter.count(r.Source)
		if err := commitRun(ctx, o.db, r, batches[i]); err != nil {
			return results, err
		}
		logf("%s: %s, %d rows", r.Source, r.Status, r.Rows)
	}
	return results, nil
}

// commitRun writes one source's batches in one transaction, then records the run with its
// outcome, in one short read-write session. A run killed between the two is simply not recorded:
// the next run fetches the same days again, which changes nothing already stored.
func commitRun(ctx context.Context, db string, r *result, batches []cw.Batch) error {
	s, err := store.Open(ctx, db, store.Options{LockWait: lockWait})
	if err != nil {
		return err
	}
	defer s.Close()
	if len(batches) > 0 && r.Status != "failed" {
		st, err := s.Apply(ctx, batches...)
		if err != nil {
			r.Error = strings.TrimPrefix(r.Error+"; "+err.Error(), "; ")
			r.Status = "failed"
		} else {
			r.Batches, r.Rows = st.Batches, st.Observations
		}
	}
	switch {
	case r.Status == "failed":
	case r.Error == "" && r.Batches > 0:
		r.Status = "ok"
	case r.Error == "":
		r.Status, r.Error = "failed", "no data returned"
	case r.Batches > 0:
		r.Status = "partial"
	default:
		r.Status = "failed"
	}
	if r.StartedAt.IsZero() {
		r.StartedAt = time.Now().UTC()
	}
	r.FinishedAt = time.Now().UTC()
	return s.RecordRun(ctx, r.IngestRun)
}

// env is what provider name gets to build its connector.
func (o ingestOptions) env(name string, c *httpx.Client) cw.ProviderEnv {
	return cw.ProviderEnv{Client: c, BaseURL: o.baseURLs[name], ConfigJSON: o.cfg.Raw, Getenv: o.getenv}
}

// buildSource makes a connector, or nil with a note when a provider cannot run as configured
// (a keyed provider without its key).
func buildSource(name string, c *httpx.Client, o ingestOptions) (cw.Source, string, error) {
	p, ok := cw.ProviderByName(name)
	if !ok || p.New == nil {
		return nil, "", fmt.Errorf("unknown source %q", name)
	}
	return p.New(o.env(name, c))
}

// sourceKey marks a source's requests in their context, so requests are counted per source even
// when two sources share a host (a mirror, a proxy, a replay).
type sourceKey struct{}

// countingTransport counts requests per source and drives the progress bars.
type countingTransport struct {
	base   http.RoundTripper
	mu     sync.Mutex
	counts map[string]int
	hooks  map[string]func()
}

func (t *countingTransport) onRequest(source string, f func()) {
	t.mu.Lock()
	if t.hooks == nil {
		t.hooks = map[string]func(){}
	}
	t.hooks[source] = f
	t.mu.Unlock()
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	src, _ := r.Context().Value(sourceKey{}).(string)
	t.mu.Lock()
	t.counts[src]++
	f := t.hooks[src]
	t.mu.Unlock()
	if f != nil {
		f()
	}
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

// Replaying forwards the replay mark of the wrapped transport.
func (t *countingTransport) Replaying() bool { return httpx.IsReplay(t.base) }

func (t *countingTransport) count(source string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[source]
}

func printSummary(w io.Writer, rs []result) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Source < rs[j].Source })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "source\tstatus\tsince\trequests\tbatches\trows\ttime\terrors")
	for _, r := range rs {
		d := ""
		if !r.FinishedAt.IsZero() {
			d = r.FinishedAt.Sub(r.StartedAt).Round(time.Millisecond).String()
		}
		e := r.Error
		if r.Note != "" {
			e = r.Note
		}
		if len(e) > 160 {
			e = e[:157] + "..."
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", r.Source, r.Status, sinceText(r.Since), r.Requests, r.Batches, r.Rows, d, strings.ReplaceAll(e, "\n", " "))
	}
	tw.Flush()
}

func sinceText(t time.Time) string {
	if t.IsZero() {
		return "full"
	}
	return cw.DayString(t)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}
