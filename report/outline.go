package report

import (
	"fmt"
	"strings"
)

// Document is the report laid out: the header fields and the elements every format prints in
// order. Renderers print it; they decide how, never what or in which order.
type Document struct {
	Title     string
	WeekStart string
	WeekEnd   string
	Generated string
	Store     string
	Body      []Element
}

// Outline lays the report out: overview, the sections numbered in report order (each closed by
// the citation of its sources), the outlook, the methodology and the sources.
func Outline(r *Report) Document {
	d := Document{Title: r.Title, WeekStart: r.WeekStart, WeekEnd: r.WeekEnd, Generated: r.GeneratedAt, Store: r.Store}
	add := func(es ...Element) { d.Body = append(d.Body, es...) }
	h2 := func(spans ...Span) { add(Element{Kind: Heading, Level: 2, Text: spans}) }

	h2(L("Overview"))
	if len(r.Overview) == 0 {
		add(P(I("No section had enough data for an overview.")))
	}
	ov := Element{Kind: List}
	for _, b := range r.Overview {
		ov.Items = append(ov.Items, Inline{T(b)})
	}
	add(ov)

	n := 0
	for _, p := range r.Sections {
		n++
		h2(Lf("%d. %s", n, p.Block.Title()))
		st := p.Block.Status()
		if st.Unavailable != "" {
			add(P(I("Unavailable: " + st.Unavailable + ".")))
			add(Notes(st.Notes)...)
		} else {
			add(p.Block.Layout()...)
		}
		if c, ok := citation(r, p.Block.Cites()); ok {
			add(c)
		}
	}

	n++
	h2(Lf("%d. Outlook", n))
	if r.Outlook.Markdown != "" {
		add(Element{Kind: Markdown, Raw: strings.TrimSpace(r.Outlook.Markdown)})
		add(P(I("From analyst notes: " + r.Outlook.FromNotes + ".")))
	} else {
		add(P(I("No analyst notes for this week; what moved most:")))
		l := Element{Kind: List}
		for _, i := range r.Outlook.Items {
			l.Items = append(l.Items, Inline{T(i)})
		}
		add(l)
	}

	h2(L("Methodology"))
	t := Tab("setting", "value")
	for _, s := range r.Methodology.Settings {
		t.Row(T(s.Name), T(s.Value))
	}
	add(t, P(B("Definitions")))
	defs := Element{Kind: List}
	for _, x := range r.Methodology.Definitions {
		defs.Items = append(defs.Items, Inline{C(x.ID), L(": "), T(x.Text)})
	}
	rules := Element{Kind: List}
	for _, x := range r.Methodology.Rules {
		rules.Items = append(rules.Items, Inline{T(x)})
	}
	add(defs, rules)

	h2(L("Sources and licences"))
	t = Tab("id", "provider", "location", "captured", "licence", "note")
	for _, s := range r.Sources {
		captured := ""
		if !s.FetchedAt.IsZero() {
			captured = s.FetchedAt.Format("2006-01-02")
		}
		t.Row(C(string(s.ID)), T(s.Provider), T(s.Location), L(captured), T(s.Licence), T(s.Note))
	}
	add(t)
	if len(r.Ingest) > 0 {
		add(P(B("Last live ingest per source")))
		t = Tab("source", "finished (UTC)", "status", "rows:", "error")
		for _, in := range r.Ingest {
			t.Row(T(in.Source), L(in.FinishedAt.UTC().Format("2006-01-02 15:04")), T(in.Status), Lf("%d", in.Rows), T(in.Error))
		}
		add(t)
	}
	return d
}

// citation names the sources of a section's figures with their licence notes, from the
// provenance records the report cites.
func citation(r *Report, ids []string) (Element, bool) {
	seen := map[string]bool{}
	in := Inline{L("Source: ")}
	n := 0
	for _, id := range ids {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		for _, s := range r.Sources {
			if string(s.ID) != id {
				continue
			}
			if n > 0 {
				in = append(in, L("; "))
			}
			n++
			in = append(in, T(s.Provider), L(" "), C(id))
			if !s.FetchedAt.IsZero() {
				in = append(in, L(", captured "+s.FetchedAt.Format("2006-01-02")))
			}
			in = append(in, L(" (licence: "), T(s.Licence), L(")"))
		}
	}
	if n == 0 {
		return Element{}, false
	}
	return Element{Kind: Citation, Text: append(in, L("."))}, true
}

// String is a debugging aid: the element's kind and plain text.
func (e Element) String() string {
	return fmt.Sprintf("%d:%s", e.Kind, e.Text.Plain())
}
