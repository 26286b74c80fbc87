package section

import (
	"fmt"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
)

// History reads one series' daily values over the days days up to end, for a chart: the
// charts draw only what the model carries.
func History(env *report.Env, p cw.Pair, label, unit string, days int, end time.Time) (report.Series, error) {
	pts, err := env.Reader.Daily(env.Ctx, p.Entity, p.Metric, p.Source, end.AddDate(0, 0, -days), end)
	if err != nil {
		return report.Series{}, fmt.Errorf("history of %s: %w", p.Entity, err)
	}
	s := report.Series{Label: label, Entity: p.Entity, Unit: unit, Source: string(p.Source), Points: make([]report.Point, len(pts))}
	for i, x := range pts {
		s.Points[i] = report.Point{Day: cw.DayString(x.Day), Value: x.Value}
	}
	return s, nil
}

// Span describes a series' first and last point for a chart's text alternative.
func Span(s report.Series) string {
	if len(s.Points) == 0 {
		return s.Label + ": no data"
	}
	a, b := s.Points[0], s.Points[len(s.Points)-1]
	return fmt.Sprintf("%s from %s on %s to %s on %s", s.Label, report.Value(&a.Value, s.Unit), a.Day, report.Value(&b.Value, s.Unit), b.Day)
}
