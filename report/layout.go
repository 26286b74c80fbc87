package report

import (
	"fmt"
	"strings"
)

// The layout is a small document model every format can print: headings, paragraphs, tables,
// quoted notes, lists, citations and the analyst's own Markdown. Sections lay their blocks out
// with it, so a new format is one renderer of these elements, never a second copy of the
// outline.

// Style says how a span of text prints.
type Style int

const (
	// Text is data (a token name, a news title): renderers escape it, so it can never become
	// markup.
	Text Style = iota
	// Literal is the report's own wording ("Zone: ", "]"): printed as written, escaped only
	// where the format would otherwise misread it (HTML).
	Literal
	Code   // an identifier: `coingecko-markets`
	Strong // emphasised data: **Layer 1**
	Em     // a remark: _Unavailable: …_ (its text is escaped like Text)
)

// Span is a run of text in one style. Link, when set, is the entity the text names: formats
// that can link (the dashboard) open its page.
type Span struct {
	Text  string `json:"text"`
	Style Style  `json:"style"`
	Link  string `json:"link,omitempty"`
}

// Inline is a line of spans.
type Inline []Span

// T is data text, L the report's own wording, C an identifier, B strong, I a remark.
func T(s string) Span { return Span{Text: s, Style: Text} }
func L(s string) Span { return Span{Text: s, Style: Literal} }
func C(s string) Span { return Span{Text: s, Style: Code} }
func B(s string) Span { return Span{Text: s, Style: Strong} }
func I(s string) Span { return Span{Text: s, Style: Em} }

// TL is data text naming an entity.
func TL(s, entity string) Span { return Span{Text: s, Style: Text, Link: entity} }

// Lf is literal text from a format string (for the report's own wording around numbers).
func Lf(format string, a ...any) Span { return L(fmt.Sprintf(format, a...)) }

// Plain is the inline's text without styling.
func (in Inline) Plain() string {
	var b strings.Builder
	for _, s := range in {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Kind is an element's kind.
type Kind int

const (
	Heading      Kind = iota // Level 1–3, Text
	Paragraph                // Text
	Table                    // Header, Right, Rows
	Quote                    // Items: notes a reader must not miss
	List                     // Items
	Citation                 // Text: where the figures above came from
	Markdown                 // Raw: the analyst's own Markdown, printed as written where the format allows
	ChartElement             // Chart: drawn where the format can draw
)

// Element is one block of the layout.
type Element struct {
	Kind   Kind
	Level  int
	Text   Inline
	Items  []Inline
	Header []Inline
	Right  []bool // per column: right-aligned (numbers)
	Rows   [][]Inline
	Raw    string
	Chart  *Chart
}

// H3 is a subsection heading.
func H3(spans ...Span) Element { return Element{Kind: Heading, Level: 3, Text: spans} }

// P is a paragraph.
func P(spans ...Span) Element { return Element{Kind: Paragraph, Text: spans} }

// Notes quotes each note as data; no notes, no element.
func Notes(ns []string) []Element {
	if len(ns) == 0 {
		return nil
	}
	e := Element{Kind: Quote}
	for _, n := range ns {
		e.Items = append(e.Items, Inline{T(n)})
	}
	return []Element{e}
}

// Tab builds a table from column titles; a title ending in ":" is a right-aligned column (the
// colon is dropped).
func Tab(cols ...string) Element {
	e := Element{Kind: Table}
	for _, c := range cols {
		right := strings.HasSuffix(c, ":")
		e.Header = append(e.Header, Inline{L(strings.TrimSuffix(c, ":"))})
		e.Right = append(e.Right, right)
	}
	return e
}

// Row appends a row of cells; each cell is a span or an Inline.
func (e *Element) Row(cells ...any) {
	row := make([]Inline, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case Span:
			row[i] = Inline{v}
		case Inline:
			row[i] = v
		case string:
			row[i] = Inline{L(v)}
		default:
			panic(fmt.Sprintf("report: table cell of type %T", c))
		}
	}
	e.Rows = append(e.Rows, row)
}

// ChangeTable lays figures out as the report's standard table, with each figure's note quoted
// under it. An unavailable figure keeps its row and says why in the source column.
func ChangeTable(cs []Change) []Element {
	if len(cs) == 0 {
		return []Element{P(I("None."))}
	}
	t := Tab("figure", "from", "to", "start:", "end:", "change:", "%:", "source")
	var foot []Inline
	for _, c := range cs {
		if c.Unavailable != "" && !c.Available() {
			src := Inline{T(c.Unavailable)}
			if c.Source != "" {
				src = Inline{C(c.Source), L(": "), T(c.Unavailable)}
			}
			t.Row(TL(c.Label, c.Entity), L(c.From), L(c.To), L(Value(c.Start, c.Unit)), L(Value(c.End, c.Unit)), "", "", src)
			continue
		}
		abs := ""
		if c.Abs != nil {
			if c.Unit == "USD" {
				abs = SignedUSD(*c.Abs)
			} else {
				abs = SignedAmount(*c.Abs)
			}
		}
		t.Row(TL(c.Label, c.Entity), L(c.From), L(c.To), L(Value(c.Start, c.Unit)), L(Value(c.End, c.Unit)), L(abs), L(PctPtr(c.Pct)), C(c.Source))
		if c.Note != "" {
			foot = append(foot, Inline{T(c.Label), L(": "), T(c.Note)})
		}
	}
	out := []Element{t}
	if len(foot) > 0 {
		out = append(out, Element{Kind: Quote, Items: foot})
	}
	return out
}

// ProtocolTable lays protocols out with category, chains (four, then a count) and TVL change.
func ProtocolTable(ps []Protocol) []Element {
	if len(ps) == 0 {
		return []Element{P(I("None."))}
	}
	t := Tab("protocol", "category", "chains", "TVL "+ps[0].From+":", "TVL "+ps[0].To+":", "change:", "source")
	for _, x := range ps {
		chains := x.Chains
		more := ""
		if len(chains) > 4 {
			more = fmt.Sprintf(" +%d", len(chains)-4)
			chains = chains[:4]
		}
		t.Row(TL(x.Label, x.Entity), T(x.Category), Inline{T(strings.Join(chains, ", ")), L(more)},
			L(USD(*x.Start)), L(USD(*x.End)), L(PctPtr(x.Pct)), C(x.Source))
	}
	return []Element{t}
}

// ChangeSources lists the provenance ids of figures, for a section's Cites.
func ChangeSources(cs ...Change) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Source)
	}
	return out
}
