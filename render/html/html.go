// Package html writes the report as one self-contained HTML article: inline CSS and inline SVG
// charts, no script, no external resource, a table of contents, light and dark styles and A4
// print rules. It prints report.Outline; every text is escaped, so data can never become markup.
package html

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	cw "cryptoweekly"
	"cryptoweekly/render"
	"cryptoweekly/report"
)

func init() { render.Register(render.Format{Name: "html", Ext: "html", Render: Write}) }

// Options tune the body for where it is shown.
type Options struct {
	// Link turns an entity id into a URL; nil prints names without links (the standalone file).
	Link func(entity string) string
	// TableLink, when set, gives the URL of the CSV download of the report's n-th table (from 0).
	TableLink func(n int) string
}

// Write prints the report as a standalone HTML document.
func Write(w io.Writer, r *report.Report) error {
	return page.Execute(w, pageData{Title: r.Title, CSS: template.CSS(CSS), Body: Body(r, Options{})})
}

type pageData struct {
	Title string
	CSS   template.CSS
	Body  template.HTML
}

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
{{.Body}}
</body>
</html>
`))

// Body renders the report's article (header, contents, sections) as HTML, for a page of its own
// or one of the dashboard's.
func Body(r *report.Report, o Options) template.HTML {
	d := report.Outline(r)
	b := &builder{o: o, sources: map[string]cw.Provenance{}}
	for _, s := range r.Sources {
		b.sources[string(s.ID)] = s
	}
	b.w("<article class=\"report\">\n<header>\n<h1>")
	b.text(d.Title)
	b.w("</h1>\n<p class=\"meta\">Week (" + esc(d.WeekStart) + ", " + esc(d.WeekEnd) + "] UTC · generated " + esc(d.Generated) + " · data: ")
	b.text(d.Store)
	b.w("</p>\n</header>\n")
	// The contents list every second-level heading, in order.
	b.w("<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ul>\n")
	n := 0
	for _, e := range d.Body {
		if e.Kind == report.Heading && e.Level == 2 {
			n++
			b.w(fmt.Sprintf("<li><a href=\"#s%d\">", n))
			b.inline(e.Text)
			b.w("</a></li>\n")
		}
	}
	b.w("</ul>\n</nav>\n")
	n = 0
	open := false
	for _, e := range d.Body {
		if e.Kind == report.Heading && e.Level == 2 {
			if open {
				b.w("</section>\n")
			}
			n++
			b.w(fmt.Sprintf("<section id=\"s%d\">\n", n))
			open = true
		}
		b.element(e)
	}
	if open {
		b.w("</section>\n")
	}
	b.w("</article>\n")
	return template.HTML(b.sb.String())
}

type builder struct {
	sb      strings.Builder
	o       Options
	sources map[string]cw.Provenance
	charts  int
	tables  int
}

func (b *builder) w(s string)    { b.sb.WriteString(s) }
func (b *builder) text(s string) { b.sb.WriteString(esc(s)) }

// esc escapes text for HTML content and attribute values alike.
func esc(s string) string { return template.HTMLEscapeString(s) }

func (b *builder) element(e report.Element) {
	switch e.Kind {
	case report.Heading:
		lv := strconv.Itoa(min(max(e.Level, 2), 4))
		b.w("<h" + lv + ">")
		b.inline(e.Text)
		b.w("</h" + lv + ">\n")
	case report.Paragraph:
		b.w("<p>")
		b.inline(e.Text)
		b.w("</p>\n")
	case report.Table:
		b.table(e)
	case report.Quote:
		b.w("<ul class=\"notes\">\n")
		for _, it := range e.Items {
			b.w("<li>")
			b.inline(it)
			b.w("</li>\n")
		}
		b.w("</ul>\n")
	case report.List:
		if len(e.Items) == 0 {
			return
		}
		b.w("<ul>\n")
		for _, it := range e.Items {
			b.w("<li>")
			b.inline(it)
			b.w("</li>\n")
		}
		b.w("</ul>\n")
	case report.Citation:
		b.w("<p class=\"source\"><small>")
		b.inline(e.Text)
		b.w("</small></p>\n")
	case report.Markdown:
		// The analyst's notes are shown as written, paragraph by paragraph, never as markup.
		b.w("<div class=\"analyst\">\n")
		for _, p := range strings.Split(strings.ReplaceAll(e.Raw, "\r\n", "\n"), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				b.w("<p>" + strings.ReplaceAll(esc(p), "\n", "<br>\n") + "</p>\n")
			}
		}
		b.w("</div>\n")
	case report.ChartElement:
		if e.Chart != nil {
			b.chart(*e.Chart)
		}
	}
}

func (b *builder) inline(in report.Inline) {
	for _, s := range in {
		open, close := "", ""
		switch s.Style {
		case report.Code:
			open, close = "<code>", "</code>"
		case report.Strong:
			open, close = "<strong>", "</strong>"
		case report.Em:
			open, close = "<em>", "</em>"
		}
		if s.Link != "" && b.o.Link != nil {
			if u := b.o.Link(s.Link); u != "" {
				open = "<a href=\"" + esc(u) + "\">" + open
				close += "</a>"
			}
		}
		b.w(open)
		b.text(s.Text)
		b.w(close)
	}
}

func (b *builder) table(e report.Element) {
	b.w("<div class=\"table\"><table>\n<thead><tr>")
	for i, h := range e.Header {
		b.w("<th scope=\"col\"" + numClass(e.Right, i) + ">")
		b.inline(h)
		b.w("</th>")
	}
	b.w("</tr></thead>\n<tbody>\n")
	for _, row := range e.Rows {
		b.w("<tr>")
		for i, c := range row {
			b.w("<td" + numClass(e.Right, i) + ">")
			b.inline(c)
			b.w("</td>")
		}
		b.w("</tr>\n")
	}
	b.w("</tbody>\n</table></div>\n")
	if b.o.TableLink != nil {
		b.w("<p class=\"csv\"><small><a href=\"" + esc(b.o.TableLink(b.tables)) + "\" download>CSV</a></small></p>\n")
	}
	b.tables++
}

func numClass(right []bool, i int) string {
	if i < len(right) && right[i] {
		return " class=\"num\""
	}
	return ""
}

// sourceLine names a chart's sources by provider, from the report's provenance records.
func (b *builder) sourceLine(ids string) string {
	var parts []string
	for _, id := range strings.Split(ids, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if p, ok := b.sources[id]; ok {
			parts = append(parts, esc(p.Provider)+" <code>"+esc(id)+"</code>")
		} else {
			parts = append(parts, "<code>"+esc(id)+"</code>")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Source: " + strings.Join(parts, "; ")
}

// Page writes a complete HTML page around a body, with the report's style sheet.
func Page(w io.Writer, title string, body template.HTML) error {
	return page.Execute(w, pageData{Title: title, CSS: template.CSS(CSS), Body: body})
}

// Chart renders one chart as a figure, for pages other than the report.
func Chart(c report.Chart, sources []cw.Provenance, o Options) template.HTML {
	b := &builder{o: o, sources: map[string]cw.Provenance{}}
	for _, s := range sources {
		b.sources[string(s.ID)] = s
	}
	b.chart(c)
	return template.HTML(b.sb.String())
}

// Table renders one table element.
func Table(e report.Element, o Options) template.HTML {
	b := &builder{o: o}
	b.table(e)
	return template.HTML(b.sb.String())
}
