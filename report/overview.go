package report

import (
	"fmt"
	"sort"
)

// Summarize writes the overview bullets and, when there are no analyst notes, the outlook items,
// from figures already in the sections. It picks and phrases; it never derives a number the
// sections do not already hold, and a section that is unavailable contributes nothing.
func Summarize(r *Report) {
	var b, fallback []string
	for _, p := range r.Sections {
		o, ok := p.Block.(Overviewer)
		if !ok {
			continue
		}
		for _, x := range o.Overview() {
			if x.Fallback {
				fallback = append(fallback, x.Text)
			} else {
				b = append(b, x.Text)
			}
		}
	}
	for _, f := range fallback {
		if len(b) < 4 {
			b = append(b, f)
		}
	}
	if len(b) > 6 {
		b = b[:6]
	}
	r.Overview = b
	if r.Outlook.Markdown == "" {
		r.Outlook.Items = movers(r)
	}
}

// Moved phrases a percent change without a doubled sign: "rose 2.76%", "fell 5.46%".
func Moved(pct float64) string {
	m := Movement(pct)
	if m == "was flat" {
		return m + " (" + Pct(pct) + ")"
	}
	if pct < 0 {
		pct = -pct
	}
	return fmt.Sprintf("%s %.2f%%", m, pct)
}

// movers lists the largest moves of the week across sections, largest first, for the outlook
// when no analyst notes exist, plus the next week's scheduled events.
func movers(r *Report) []string {
	type mv struct {
		abs  float64
		text string
	}
	var ms []mv
	var scheduled []string
	for _, p := range r.Sections {
		if m, ok := p.Block.(Mover); ok {
			for _, x := range m.Moves() {
				c := x.Change
				if c.Pct == nil || !c.Available() {
					continue
				}
				a := *c.Pct
				if a < 0 {
					a = -a
				}
				ms = append(ms, mv{a, fmt.Sprintf("%s %s %s to %s (%s → %s, %s)", x.What, c.Label, Pct(*c.Pct), Value(c.End, c.Unit), c.From, c.To, c.Source)})
			}
		}
		if s, ok := p.Block.(Scheduler); ok {
			scheduled = append(scheduled, s.Scheduled()...)
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].abs > ms[j].abs })
	var out []string
	for _, m := range ms[:min(5, len(ms))] {
		out = append(out, "Largest move: "+m.text+".")
	}
	return append(out, scheduled...)
}
