package report

import (
	"fmt"
	"time"

	cw "cryptoweekly"
)

// F64 returns a pointer to v, for the optional figures of the model.
func F64(v float64) *float64 { return &v }

// Change builds a figure from a stored pair of values, citing its source and its definition. A
// missing end makes the figure unavailable, naming the missing observation.
func (e *Env) Change(label, unit string, p cw.Pair, from, to time.Time) Change {
	def := string(cw.DefinitionOf(p.Metric, p.Source))
	c := Change{Label: label, Entity: p.Entity, Unit: unit, Source: string(p.Source),
		Definition: def, From: cw.DayString(from), To: cw.DayString(to), Start: p.V0, End: p.V1}
	e.Cite(string(p.Source))
	e.Define(def)
	switch {
	case p.V0 == nil && p.V1 == nil:
		c.Unavailable = fmt.Sprintf("no `%s` observation on %s or %s", p.Metric, c.From, c.To)
	case p.V0 == nil:
		c.Unavailable = fmt.Sprintf("no `%s` observation on %s", p.Metric, c.From)
	case p.V1 == nil:
		c.Unavailable = fmt.Sprintf("no `%s` observation on %s", p.Metric, c.To)
	default:
		c.Abs = F64(*p.V1 - *p.V0)
		if *p.V0 != 0 {
			c.Pct = F64((*p.V1/(*p.V0) - 1) * 100)
		}
	}
	return c
}

// Missing is a figure the store cannot support, with the reason.
func Missing(label, unit, reason string) Change {
	return Change{Label: label, Unit: unit, Unavailable: reason}
}
