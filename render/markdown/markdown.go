// Package markdown writes the report as a Markdown article with tables. Text that came from data
// (token names, news titles) is escaped so it cannot inject markup or HTML.
package markdown

import (
	"bufio"
	"io"
	"strings"

	"cryptoweekly/render"
	"cryptoweekly/report"
)

func init() { render.Register(render.Format{Name: "md", Ext: "md", Render: Write}) }

// Write prints the report's outline.
func Write(out io.Writer, r *report.Report) error {
	d := report.Outline(r)
	w := bufio.NewWriter(out)
	w.WriteString("# " + esc(d.Title) + "\n\n")
	w.WriteString("*Week (" + d.WeekStart + ", " + d.WeekEnd + "] UTC · generated " + d.Generated + " · data: " + esc(d.Store) + "*\n\n")
	for _, e := range d.Body {
		element(w, e)
	}
	return w.Flush()
}

func element(w *bufio.Writer, e report.Element) {
	switch e.Kind {
	case report.Heading:
		w.WriteString(strings.Repeat("#", e.Level) + " " + inline(e.Text) + "\n\n")
	case report.Paragraph:
		w.WriteString(inline(e.Text) + "\n\n")
	case report.Table:
		w.WriteString("|")
		for _, h := range e.Header {
			w.WriteString(" " + inline(h) + " |")
		}
		w.WriteString("\n|")
		for _, right := range e.Right {
			if right {
				w.WriteString("---:|")
			} else {
				w.WriteString("---|")
			}
		}
		w.WriteString("\n")
		for _, row := range e.Rows {
			w.WriteString("|")
			for _, c := range row {
				w.WriteString(" " + inline(c) + " |")
			}
			w.WriteString("\n")
		}
		w.WriteString("\n")
	case report.Quote:
		for _, it := range e.Items {
			w.WriteString("> " + inline(it) + "\n")
		}
		if len(e.Items) > 0 {
			w.WriteString("\n")
		}
	case report.List:
		for _, it := range e.Items {
			w.WriteString("- " + inline(it) + "\n")
		}
		w.WriteString("\n")
	case report.Citation:
		w.WriteString("<sub>" + inline(e.Text) + "</sub>\n\n")
	case report.Markdown:
		// The analyst's own notes are Markdown already.
		w.WriteString(e.Raw + "\n\n")
	}
}

func inline(in report.Inline) string {
	var b strings.Builder
	for _, s := range in {
		switch s.Style {
		case report.Literal:
			b.WriteString(s.Text)
		case report.Code:
			b.WriteString("`" + s.Text + "`")
		case report.Strong:
			b.WriteString("**" + esc(s.Text) + "**")
		case report.Em:
			b.WriteString("_" + esc(s.Text) + "_")
		default:
			b.WriteString(esc(s.Text))
		}
	}
	return b.String()
}

// esc neutralises Markdown and HTML in text that came from data: a token named
// "<script>" or "**WIN**" must print as those characters, not as markup.
var mdEscaper = strings.NewReplacer(
	"\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]",
	"<", "&lt;", ">", "&gt;", "\n", " ", "\r", " ", "#", "\\#",
)

func esc(s string) string { return mdEscaper.Replace(s) }
