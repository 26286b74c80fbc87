package report

import (
	"slices"
	"strings"
)

// Chart is a figure's picture: a time series, a bar chart or small multiples, with everything a
// reader needs beside it (unit, source line, a text alternative). Sections build charts from their
// blocks' data only; renderers that cannot draw (Markdown) leave them out.
type Chart struct {
	Kind   ChartKind
	Title  string
	Unit   string   // "USD", "index", "%" (a change), "share" (percent of a whole)
	Series []Series // line and spark charts
	Bars   []Bar    // bar charts, in display order
	// Mark shades a span of days on a time axis (the report's week).
	Mark [2]string
	// Zones are horizontal bands of a line chart's value axis (Fear & Greed zones).
	Zones  []Zone
	Source string // the source line under the chart
	Alt    string // the text alternative for screen readers
}

// ChartKind is how a chart is drawn.
type ChartKind int

const (
	LineChart  ChartKind = iota // one or more series over time
	BarChart                    // labelled horizontal bars; negative values drawn to the left
	SparkChart                  // small multiples: one small line per series
)

// Bar is one labelled value of a bar chart.
type Bar struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Link  string  `json:"link,omitempty"` // an entity id the bar stands for (the dashboard links it)
}

// Zone is a labelled band of values.
type Zone struct {
	From, To float64
	Label    string
}

// Figure wraps a chart as a layout element.
func Figure(c Chart) Element { return Element{Kind: ChartElement, Chart: &c} }

// GrowthChart draws figures' percent changes as bars, in the order given (negative bars to the
// left), each bar linked to its entity.
func GrowthChart(title string, cs []Change) []Element {
	c := Chart{Kind: BarChart, Title: title, Unit: "%"}
	var alt, src []string
	for _, x := range cs {
		if x.Pct == nil {
			continue
		}
		c.Bars = append(c.Bars, Bar{Label: x.Label, Value: *x.Pct, Link: x.Entity})
		alt = append(alt, x.Label+" "+Pct(*x.Pct))
		if !slices.Contains(src, x.Source) {
			src = append(src, x.Source)
		}
	}
	if len(c.Bars) == 0 {
		return nil
	}
	c.Source = strings.Join(src, ", ")
	c.Alt = "Bar chart, " + title + ": " + strings.Join(alt, "; ") + "."
	return []Element{Figure(c)}
}
