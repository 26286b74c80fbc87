package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	rhtml "cryptoweekly/render/html"
	"cryptoweekly/report"
	"cryptoweekly/section/sectors"
)

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /{$}", s.page(s.latestPage))
	m.HandleFunc("GET /weeks", s.page(s.archivePage))
	m.HandleFunc("GET /report/{week}", s.page(s.reportPage))
	m.HandleFunc("GET /entity/{id}", s.page(s.entityPage))
	m.HandleFunc("GET /sector/{week}/{name}", s.page(s.sectorPage))
	m.HandleFunc("GET /csv/{week}/{n}", s.csvTable)
	m.HandleFunc("GET /api/weeks", s.api(s.apiWeeks))
	m.HandleFunc("GET /api/reports/{week}", s.apiReport)
	m.HandleFunc("GET /api/series/{entity}", s.api(s.apiSeries))
	m.HandleFunc("GET /api/sectors/{week}", s.api(s.apiSectors))
	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "no such API endpoint: "+clip(r.URL.Path))
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		pageError(w, http.StatusNotFound, "no such page: "+clip(r.URL.Path))
	})
}

// status maps an error to its HTTP status: bad input is a 4xx, a store that cannot be read a
// 503, anything else a 500.
func status(err error) int {
	var bad *badRequest
	switch {
	case errors.As(err, &bad):
		return http.StatusBadRequest
	case errors.Is(err, errNotFound):
		return http.StatusNotFound
	case errors.Is(err, errUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

type badRequest struct{ error }

func bad(format string, a ...any) error { return &badRequest{fmt.Errorf(format, a...)} }

// page renders an HTML page from a handler that returns its title and body.
func (s *Server) page(f func(r *http.Request) (string, template.HTML, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		title, body, err := f(r)
		if err != nil {
			if status(err) == http.StatusInternalServerError {
				s.c.Log.Error("page", "path", r.URL.Path, "err", err)
			}
			pageError(w, status(err), err.Error())
			return
		}
		var b bytes.Buffer
		if err := rhtml.Page(&b, title, nav+body); err != nil {
			pageError(w, 500, err.Error())
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b.Bytes())
	}
}

const nav = template.HTML(`<header class="dashbar"><nav class="top"><a href="/">Latest report</a><a href="/weeks">Archive</a><a href="/api/weeks">API</a></nav></header>` + "\n")

func pageError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	var b bytes.Buffer
	rhtml.Page(&b, http.StatusText(code), nav+template.HTML(`<main class="dash"><h1>`+template.HTMLEscapeString(http.StatusText(code))+
		`</h1><p>`+template.HTMLEscapeString(msg)+`</p></main>`))
	w.Write(b.Bytes())
}

// api writes a handler's value as JSON; errors are JSON too, with their status code.
func (s *Server) api(f func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := f(r)
		if err != nil {
			if status(err) == http.StatusInternalServerError {
				s.c.Log.Error("api", "path", r.URL.Path, "err", err)
			}
			apiError(w, status(err), err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(v)
	}
}

func apiError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": msg, "status": code})
}

// links are the dashboard's pages for the entities a report names.
func (s *Server) links(week string) rhtml.Options {
	return rhtml.Options{
		Link: func(entity string) string {
			if name, ok := strings.CutPrefix(entity, "sector:"); ok {
				return "/sector/" + week + "/" + url.PathEscape(name)
			}
			return "/entity/" + url.PathEscape(entity)
		},
		TableLink: func(n int) string { return fmt.Sprintf("/csv/%s/%d", week, n) },
	}
}

func (s *Server) latestPage(r *http.Request) (string, template.HTML, error) {
	_, latest, err := s.cover(r.Context())
	if err != nil {
		return "", "", err
	}
	c, err := s.week(r.Context(), latest)
	if err != nil {
		return "", "", err
	}
	return c.r.Title, rhtml.Body(c.r, s.links(cw.DayString(latest))), nil
}

func (s *Server) reportPage(r *http.Request) (string, template.HTML, error) {
	end, err := parseWeek(r.PathValue("week"))
	if err != nil {
		return "", "", bad("%v", err)
	}
	c, err := s.week(r.Context(), end)
	if err != nil {
		return "", "", err
	}
	return c.r.Title, rhtml.Body(c.r, s.links(cw.DayString(end))), nil
}

func (s *Server) archivePage(r *http.Request) (string, template.HTML, error) {
	weeks, err := s.weeks(r.Context())
	if err != nil {
		return "", "", err
	}
	cov, _, _ := s.cover(r.Context())
	cols := cov.Columns()
	esc := template.HTMLEscapeString
	var b strings.Builder
	b.WriteString(`<main class="dash"><h1>Archive</h1><p>Every week (ending on a Friday) the store holds data for, with each section's coverage; the default week first. A past week is computed when first opened.</p><div class="table"><table><thead><tr><th>week ending</th>`)
	for _, c := range cols {
		b.WriteString("<th>" + esc(c) + "</th>")
	}
	b.WriteString("</tr></thead><tbody>\n")
	for _, wk := range weeks {
		label := wk.End
		if wk.Default {
			label += " (default)"
		}
		b.WriteString(`<tr><td><a href="/report/` + esc(wk.End) + `">` + esc(label) + `</a></td>`)
		for _, c := range cols {
			b.WriteString("<td>" + esc(wk.Coverage[c]) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table></div></main>")
	return "Archive", template.HTML(b.String()), nil
}

// Week is one row of the archive.
type Week struct {
	End      string            `json:"week_end"`
	Default  bool              `json:"default,omitempty"`
	Coverage map[string]string `json:"coverage"`
}

func (s *Server) weeks(ctx context.Context) ([]Week, error) {
	cov, latest, err := s.cover(ctx)
	if cov == nil {
		return nil, err
	}
	first, last := cov.Span()
	var out []Week
	for _, d := range report.Fridays(first, last) {
		w := Week{End: cw.DayString(d), Coverage: map[string]string{}}
		for col, st := range cov.Week(d) {
			w.Coverage[col] = st.Level
		}
		out = append(out, w)
	}
	if !latest.IsZero() {
		// The default week need not be a Friday: list it first.
		out = append([]Week{{End: cw.DayString(latest), Default: true, Coverage: map[string]string{}}}, out...)
		for col, st := range cov.Week(latest) {
			out[0].Coverage[col] = st.Level
		}
	}
	return out, nil
}

func (s *Server) apiWeeks(r *http.Request) (any, error) {
	return s.weeks(r.Context())
}

// apiReport serves report.json with an ETag; a finished week may be cached by clients.
func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	end, err := parseWeek(r.PathValue("week"))
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	c, err := s.week(r.Context(), end)
	if err != nil {
		apiError(w, status(err), err.Error())
		return
	}
	s.cacheHeaders(w, end, c.etag)
	if r.Header.Get("If-None-Match") == c.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(c.json)
}

func (s *Server) cacheHeaders(w http.ResponseWriter, end time.Time, etag string) {
	w.Header().Set("ETag", etag)
	if s.finished(end) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
}

func (s *Server) apiSectors(r *http.Request) (any, error) {
	end, err := parseWeek(r.PathValue("week"))
	if err != nil {
		return nil, bad("%v", err)
	}
	c, err := s.week(r.Context(), end)
	if err != nil {
		return nil, err
	}
	return c.r.Block("sectors"), nil
}

func (s *Server) sectorPage(r *http.Request) (string, template.HTML, error) {
	end, err := parseWeek(r.PathValue("week"))
	if err != nil {
		return "", "", bad("%v", err)
	}
	name := r.PathValue("name")
	c, err := s.week(r.Context(), end)
	if err != nil {
		return "", "", err
	}
	blk, _ := c.r.Block("sectors").(*sectors.Block)
	if blk == nil {
		return "", "", fmt.Errorf("%w: no sector section", errNotFound)
	}
	var sec *sectors.Sector
	for i := range blk.Sectors {
		if blk.Sectors[i].Name == name {
			sec = &blk.Sectors[i]
		}
	}
	if sec == nil {
		return "", "", fmt.Errorf("%w: sector %q", errNotFound, clip(name))
	}
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<main class="dash"><p class="crumbs"><a href="/report/%s">Week ending %s</a> › Sectors</p><h1>%s</h1>`, cw.DayString(end), cw.DayString(end), esc(sec.Name))
	fmt.Fprintf(&b, "<p>Weekly return <strong>%s</strong> (%s), %d constituents, market cap at the start snapshot %s. Snapshot prices: <code>%s</code> %s → %s; a constituent with a daily series at both ends of the week is compared over the week's own ends, as its row says.</p>",
		esc(report.PctPtr(sec.Return)), esc(blk.Weighting), sec.Constituents, esc(report.USD(sec.MarketCap)), esc(blk.Source), esc(blk.From), esc(blk.To))
	t := report.Tab("constituent", "name", "weight:", "return:", "compared", "prices")
	chart := report.Chart{Kind: report.BarChart, Title: "Constituent weights in " + sec.Name, Unit: "share", Source: blk.Source}
	var alt []string
	for _, k := range sec.Top {
		id := "asset:" + strings.ToLower(k.Symbol)
		t.Row(report.TL(k.Symbol, id), report.T(k.Name), report.Lf("%.1f%%", k.Weight), report.L(report.Pct(k.Return)),
			report.L(k.From+" → "+k.To), report.C(k.Source))
		chart.Bars = append(chart.Bars, report.Bar{Label: k.Symbol, Value: k.Weight, Link: id})
		alt = append(alt, fmt.Sprintf("%s %.1f%%", k.Symbol, k.Weight))
	}
	chart.Alt = "Bar chart of constituent weights: " + strings.Join(alt, "; ") + "."
	o := s.links(cw.DayString(end))
	o.TableLink = nil
	b.WriteString(string(rhtml.Table(t, o)))
	if len(chart.Bars) > 0 {
		b.WriteString(string(rhtml.Chart(chart, c.r.Sources, o)))
	}
	fmt.Fprintf(&b, "<p class=\"source\"><small>Tags: %s. %s.</small></p></main>", esc(strings.Join(sec.Tags, ", ")), esc(blk.TagNote))
	return sec.Name + " — week ending " + cw.DayString(end), template.HTML(b.String()), nil
}

// metricsFor are the series an entity page shows, by kind, in order of preference.
var metricsFor = map[cw.Kind][]cw.Metric{
	cw.KindChain:      {cw.MetricTVL, cw.MetricTVLLegacy},
	cw.KindProtocol:   {cw.MetricTVL},
	cw.KindAsset:      {cw.MetricPrice, cw.MetricClose, cw.MetricMarketCap},
	cw.KindStablecoin: {cw.MetricCirculatingUSD, cw.MetricMarketCap},
	cw.KindIndex:      {cw.MetricValue, cw.MetricTVL, cw.MetricTVLLegacy, cw.MetricCirculatingUSD, cw.MetricDEXVolume},
	cw.KindContract:   {cw.MetricOpenInterestUSD},
}

// series reads an entity's daily values of one metric per source over (from, to].
func (s *Server) series(ctx context.Context, id string, m cw.Metric, from, to time.Time) ([]report.Series, cw.Entity, error) {
	var e cw.Entity
	var obs []cw.Observation
	err := s.withStore(ctx, func(st cw.Store) error {
		es, err := st.Entities(ctx, []string{id})
		if err != nil {
			return err
		}
		var ok bool
		if e, ok = es[id]; !ok {
			return fmt.Errorf("%w: entity %q", errNotFound, clip(id))
		}
		if m == "" {
			return nil
		}
		// The Reader selects by prefix: keep the entity's own rows only.
		all, err := st.Observations(ctx, id, m, from, to)
		for _, o := range all {
			if o.Entity == id {
				obs = append(obs, o)
			}
		}
		return err
	})
	if err != nil {
		return nil, e, err
	}
	bySrc := map[cw.SourceID]*report.Series{}
	var order []cw.SourceID
	for _, o := range obs {
		sr := bySrc[o.Source]
		if sr == nil {
			sr = &report.Series{Label: string(o.Source), Entity: id, Unit: unitOf(m), Source: string(o.Source)}
			bySrc[o.Source] = sr
			order = append(order, o.Source)
		}
		sr.Points = append(sr.Points, report.Point{Day: cw.DayString(o.Day), Value: o.Value})
	}
	out := make([]report.Series, 0, len(order))
	for _, src := range order {
		out = append(out, *bySrc[src])
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Points) > len(out[j].Points) })
	return out, e, nil
}

func unitOf(m cw.Metric) string {
	switch m {
	case cw.MetricValue:
		return "index"
	case cw.MetricBTCDominancePct:
		return "%"
	case cw.MetricTopicRank, cw.MetricTrendRank, cw.MetricCirculatingSupply, cw.MetricPublished:
		return ""
	}
	return "USD"
}

// validEntity refuses ids that cannot name an entity before they reach the store.
func validEntity(id string) error {
	kind, key, ok := strings.Cut(id, ":")
	if !ok || key == "" || len(id) > 200 || strings.ContainsAny(id, "/\\\x00") || kind != strings.ToLower(kind) {
		return bad("entity %q: want kind:key, e.g. chain:ethereum", clip(id))
	}
	return nil
}

func (s *Server) entityPage(r *http.Request) (string, template.HTML, error) {
	id := r.PathValue("id")
	if err := validEntity(id); err != nil {
		return "", "", err
	}
	to := cw.Day(s.c.Now())
	var series []report.Series
	var e cw.Entity
	var metric cw.Metric
	kind := cw.Kind(strings.SplitN(id, ":", 2)[0])
	for _, m := range append(metricsFor[kind], "") {
		var err error
		series, e, err = s.series(r.Context(), id, m, time.Time{}, to)
		if err != nil {
			return "", "", err
		}
		if metric = m; len(series) > 0 || m == "" {
			break
		}
	}
	esc := template.HTMLEscapeString
	var b strings.Builder
	name := e.Name
	if name == "" {
		name = id
	}
	fmt.Fprintf(&b, `<main class="dash"><p class="crumbs">%s</p><h1>%s</h1><ul>`, esc(string(e.Kind)), esc(name))
	if e.Symbol != "" {
		fmt.Fprintf(&b, "<li>Symbol: %s</li>", esc(e.Symbol))
	}
	if e.Category != "" {
		fmt.Fprintf(&b, "<li>Category: %s</li>", esc(e.Category))
	}
	if len(e.Chains) > 0 {
		fmt.Fprintf(&b, "<li>Chains: %s</li>", esc(strings.Join(e.Chains, ", ")))
	}
	if e.Parent != "" {
		fmt.Fprintf(&b, `<li>Parent: <a href="/entity/%s">%s</a></li>`, esc(url.PathEscape(e.Parent)), esc(e.Parent))
	}
	if len(e.Tags) > 0 {
		fmt.Fprintf(&b, "<li>Tags: %s</li>", esc(strings.Join(e.Tags, ", ")))
	}
	b.WriteString("</ul>")
	if len(series) == 0 {
		b.WriteString("<p><em>No series of this entity in the store.</em></p></main>")
		return name, template.HTML(b.String()), nil
	}
	main := series[0]
	// The chart shows the last year the store has; the table the last 14 values.
	var shown report.Series = main
	if n := len(main.Points); n > 0 {
		last, _ := cw.ParseDay(main.Points[n-1].Day)
		cut := cw.DayString(last.AddDate(-1, 0, 0))
		shown.Points = nil
		for _, p := range main.Points {
			if p.Day > cut {
				shown.Points = append(shown.Points, p)
			}
		}
	}
	chart := report.Chart{Kind: report.LineChart, Title: fmt.Sprintf("%s, %s (%s)", name, metric, main.Source), Unit: main.Unit,
		Series: []report.Series{shown}, Source: main.Source,
		Alt: fmt.Sprintf("Line chart of %s %s: %d daily values from %s to %s.", name, metric, len(shown.Points), shown.Points[0].Day, shown.Points[len(shown.Points)-1].Day)}
	b.WriteString(string(rhtml.Chart(chart, nil, rhtml.Options{})))
	t := report.Tab("day", string(metric)+":", "source")
	for i := len(main.Points) - 1; i >= 0 && i >= len(main.Points)-14; i-- {
		p := main.Points[i]
		t.Row(report.L(p.Day), report.L(report.Value(&p.Value, main.Unit)), report.C(main.Source))
	}
	b.WriteString(string(rhtml.Table(t, rhtml.Options{})))
	fmt.Fprintf(&b, `<p class="source"><small>All values: <a href="/api/series/%s?metric=%s">/api/series</a>. Other sources of this series: %d.</small></p></main>`,
		esc(url.PathEscape(id)), esc(string(metric)), len(series)-1)
	return name, template.HTML(b.String()), nil
}

func (s *Server) apiSeries(r *http.Request) (any, error) {
	id := r.PathValue("entity")
	if err := validEntity(id); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	m := cw.Metric(q.Get("metric"))
	if m == "" {
		kind := cw.Kind(strings.SplitN(id, ":", 2)[0])
		if ms := metricsFor[kind]; len(ms) > 0 {
			m = ms[0]
		} else {
			return nil, bad("metric: required for %s entities", clip(string(kind)))
		}
	}
	if len(m) > 64 || strings.ContainsAny(string(m), " \x00") {
		return nil, bad("metric %q", clip(string(m)))
	}
	to := cw.Day(s.c.Now())
	from := to.AddDate(-1, 0, 0)
	var err error
	if v := q.Get("to"); v != "" {
		if to, err = parseWeek(v); err != nil {
			return nil, bad("to: %v", err)
		}
	}
	if v := q.Get("from"); v != "" {
		if from, err = parseWeek(v); err != nil {
			return nil, bad("from: %v", err)
		}
		// from is inclusive for a reader of the API; the Reader's lower bound is exclusive.
		from = from.AddDate(0, 0, -1)
	}
	if !from.Before(to) {
		return nil, bad("from must be before to")
	}
	series, _, err := s.series(r.Context(), id, m, from, to)
	if err != nil {
		return nil, err
	}
	return map[string]any{"entity": id, "metric": m, "series": series}, nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	err := s.withStore(r.Context(), func(st cw.Store) error { return nil })
	if err != nil {
		apiError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// csvTable serves the n-th table of a week's report as CSV. A cell that a spreadsheet would
// run as a formula (=, +, -, @, tab, CR first) is prefixed with a quote.
func (s *Server) csvTable(w http.ResponseWriter, r *http.Request) {
	end, err := parseWeek(r.PathValue("week"))
	if err != nil {
		pageError(w, http.StatusBadRequest, err.Error())
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n > 1000 {
		pageError(w, http.StatusBadRequest, "table number "+clip(r.PathValue("n")))
		return
	}
	c, err := s.week(r.Context(), end)
	if err != nil {
		pageError(w, status(err), err.Error())
		return
	}
	var tables []report.Element
	for _, e := range report.Outline(c.r).Body {
		if e.Kind == report.Table {
			tables = append(tables, e)
		}
	}
	if n >= len(tables) {
		pageError(w, http.StatusNotFound, fmt.Sprintf("the report has %d tables", len(tables)))
		return
	}
	t := tables[n]
	var b bytes.Buffer
	cv := csv.NewWriter(&b)
	row := func(cells []report.Inline) {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = SafeCell(c.Plain())
		}
		cv.Write(out)
	}
	row(t.Header)
	for _, r := range t.Rows {
		row(r)
	}
	cv.Flush()
	s.cacheHeaders(w, end, c.etag)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="report-%s-table-%d.csv"`, cw.DayString(end), n))
	w.Write(b.Bytes())
}

// SafeCell neutralises a spreadsheet formula: "=1+1" becomes "'=1+1". Numbers such as "-3.2%"
// stay readable as text with the quote; a leading quote is the convention spreadsheets show as
// nothing.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
