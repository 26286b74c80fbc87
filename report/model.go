// Package report is the one page model of the weekly report and its outline: a header, the
// ordered sections (section/<name>, listed in section/all), the outlook, the methodology and the
// sources. Sections fill their own blocks through the store's Reader; this package runs them,
// numbers them, writes the overview and outlook from what they hold, and lays the whole report
// out as format-neutral elements (Outline) that the renderers (render/<format>) print. Nothing
// here or in a renderer computes a figure, so Markdown, JSON and HTML always agree.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"

	cw "cryptoweekly"
)

// Change is a figure compared between two dates: the unit of almost every sentence in the report.
// A nil pointer means "not available"; Unavailable then says why. From/To are the dates actually
// used, which for weekly or monthly snapshots differ from the week's ends (Note says so).
type Change struct {
	Label       string   `json:"label"`
	Entity      string   `json:"entity,omitempty"`
	Unit        string   `json:"unit"`       // "USD", "index", "%", "ratio"
	Definition  string   `json:"definition"` // definition id, see Methodology.Definitions
	Source      string   `json:"source"`     // provenance id
	From        string   `json:"from,omitempty"`
	To          string   `json:"to,omitempty"`
	Start       *float64 `json:"start"`
	End         *float64 `json:"end"`
	Abs         *float64 `json:"abs_change"`
	Pct         *float64 `json:"pct_change"`
	Note        string   `json:"note,omitempty"`
	Unavailable string   `json:"unavailable,omitempty"`
}

// Available reports whether both ends are known.
func (c Change) Available() bool { return c.Start != nil && c.End != nil }

// Base holds what every section has: whether it could be filled and, if not, why and which live
// source would fill it.
type Base struct {
	Unavailable string   `json:"unavailable,omitempty"`
	Notes       []string `json:"notes,omitempty"`
}

// Status gives a section block's Base to the code that runs every section.
func (b *Base) Status() *Base { return b }

// Point is one dated value.
type Point struct {
	Day   string  `json:"day"`
	Value float64 `json:"value"`
	Zone  string  `json:"zone,omitempty"`
}

// Protocol is a protocol's TVL change with its metadata (the protocol ranking and the chain
// spotlight both list them).
type Protocol struct {
	Change
	Category string   `json:"category"`
	Chains   []string `json:"chains"`
}

// Event is a dated calendar or news item.
type Event struct {
	Date   string   `json:"date"`
	Time   string   `json:"time,omitempty"` // US Eastern
	Kind   string   `json:"kind"`
	Title  string   `json:"title"`
	Link   string   `json:"link,omitempty"`
	Tags   []string `json:"tags,omitempty"`
	Source string   `json:"source"`
	// Prior is the last print released before a scheduled release ("Oct 2024: 2.6% y/y, 0.2%
	// m/m; core 3.3% y/y"), or the target range before an FOMC decision; PriorSource cites it.
	Prior       string `json:"prior,omitempty"`
	PriorSource string `json:"prior_source,omitempty"`
}

// Report is the whole weekly report.
type Report struct {
	Title       string `json:"title"`
	WeekStart   string `json:"week_start"` // exclusive: the week is (WeekStart, WeekEnd]
	WeekEnd     string `json:"week_end"`
	GeneratedAt string `json:"generated_at"`
	Store       string `json:"store"` // where the data was read from

	Overview []string `json:"overview"`
	// Sections are the numbered sections in report order, each under its name in JSON.
	Sections    []Part          `json:"-"`
	Outlook     OutlookSection  `json:"outlook"`
	Methodology Methodology     `json:"methodology"`
	Sources     []cw.Provenance `json:"sources"`
	Ingest      []cw.IngestRun  `json:"ingest,omitempty"` // the last live ingest run of each source
}

// Part is one section's block in a report.
type Part struct {
	Name  string
	Block Block
}

// Block returns the block of the named section, or nil.
func (r *Report) Block(name string) Block {
	for _, p := range r.Sections {
		if p.Name == name {
			return p.Block
		}
	}
	return nil
}

// OutlookSection: analyst notes, or what moved most.
type OutlookSection struct {
	Base
	FromNotes string   `json:"from_notes,omitempty"` // path of the notes file used
	Markdown  string   `json:"markdown,omitempty"`   // the analyst's text, as written
	Items     []string `json:"items,omitempty"`      // data-driven items when there are no notes
}

// Methodology lists floors, filters and definitions used.
type Methodology struct {
	Settings    []Setting    `json:"settings"`
	Definitions []Definition `json:"definitions"`
	Rules       []string     `json:"rules"`
}

// Setting is one configurable value as used.
type Setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Definition explains a definition id used by figures.
type Definition struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// MarshalJSON writes the header, then each section under its name in report order, then the
// closing parts: one flat object, so a reader of report.json needs no knowledge of the outline.
func (r Report) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	field := func(k string, v any) error {
		raw, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("report: %s: %w", k, err)
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(raw)
		return nil
	}
	type kv struct {
		k string
		v any
	}
	head := []kv{{"title", r.Title}, {"week_start", r.WeekStart}, {"week_end", r.WeekEnd},
		{"generated_at", r.GeneratedAt}, {"store", r.Store}, {"overview", r.Overview}}
	for _, p := range r.Sections {
		head = append(head, kv{p.Name, p.Block})
	}
	head = append(head, kv{"outlook", r.Outlook}, kv{"methodology", r.Methodology}, kv{"sources", r.Sources})
	if len(r.Ingest) > 0 {
		head = append(head, kv{"ingest", r.Ingest})
	}
	for _, f := range head {
		if err := field(f.k, f.v); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a report.json back, each section into the block type its registered
// section makes; a section this binary does not know is kept out (its JSON is ignored).
func (r *Report) UnmarshalJSON(data []byte) error {
	type plain Report // no methods: decodes the fixed fields
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*r = Report(p)
	r.Sections = nil
	for _, s := range Sections() {
		msg, ok := raw[s.Name()]
		if !ok {
			continue
		}
		b := s.NewBlock()
		if err := json.Unmarshal(msg, b); err != nil {
			return fmt.Errorf("report: section %s: %w", s.Name(), err)
		}
		r.Sections = append(r.Sections, Part{s.Name(), b})
	}
	return nil
}

// Series is a dated series a chart draws: the model carries every point a chart shows, so a
// renderer only scales and draws.
type Series struct {
	Label  string  `json:"label"`
	Entity string  `json:"entity,omitempty"`
	Unit   string  `json:"unit"`
	Source string  `json:"source"`
	Points []Point `json:"points"`
}
