package html

import (
	"fmt"
	"math"
	"strings"
	"time"

	"cryptoweekly/report"
)

// The charts are hand-written SVG: it needs no script, prints as vectors into PDF and keeps the
// binary small. Only scaling happens here; every value comes from the chart's series or bars.

// palette is Okabe–Ito's, distinguishable with the common colour-vision deficiencies.
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

const negative = "#D55E00"

// zoneFill shades Fear & Greed style bands from fear (orange) to greed (blue).
var zoneFill = []string{"#D55E00", "#E69F00", "#999999", "#56B4E9", "#0072B2"}

func (b *builder) chart(c report.Chart) {
	b.charts++
	id := fmt.Sprintf("chart%d", b.charts)
	b.w("<figure class=\"chart\">\n")
	var svg string
	switch c.Kind {
	case report.LineChart:
		svg = lineChart(c, id)
	case report.BarChart:
		svg = b.barChart(c, id)
	case report.SparkChart:
		svg = sparkChart(c, id)
	}
	b.w(svg)
	b.w("<figcaption><strong>" + esc(c.Title) + "</strong>")
	if unit := unitText(c.Unit); unit != "" {
		b.w(" <span class=\"unit\">(" + esc(unit) + ")</span>")
	}
	if s := b.sourceLine(c.Source); s != "" {
		b.w("<br><small>" + s + "</small>")
	}
	b.w("</figcaption>\n</figure>\n")
}

func unitText(u string) string {
	switch u {
	case "USD":
		return "US dollars"
	case "%":
		return "percent"
	case "share":
		return "percent of the whole"
	case "index":
		return "index points"
	}
	return u
}

// svgOpen starts an accessible SVG: its title and description are the chart's title and text
// alternative.
func svgOpen(sb *strings.Builder, id string, c report.Chart, w, h int) {
	fmt.Fprintf(sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-t %s-d\">\n",
		kindClass(c.Kind), w, h, id, id)
	fmt.Fprintf(sb, "<title id=\"%s-t\">%s</title>\n<desc id=\"%s-d\">%s</desc>\n", id, esc(c.Title), id, esc(c.Alt))
}

func kindClass(k report.ChartKind) string {
	switch k {
	case report.BarChart:
		return "bars"
	case report.SparkChart:
		return "sparks"
	}
	return "line"
}

func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

func lineChart(c report.Chart, id string) string {
	const W, H, left, right, top, bottom = 720, 280, 76, 110, 14, 36
	var t0, t1 time.Time
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for _, p := range s.Points {
			t, ok := parseDay(p.Day)
			if !ok {
				continue
			}
			if t0.IsZero() || t.Before(t0) {
				t0 = t
			}
			if t.After(t1) {
				t1 = t
			}
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		}
	}
	if t0.IsZero() || !t1.After(t0) {
		return ""
	}
	if len(c.Zones) > 0 {
		lo, hi = math.Min(lo, c.Zones[0].From), math.Max(hi, c.Zones[len(c.Zones)-1].To)
	}
	ticks := niceTicks(lo, hi, 5)
	lo, hi = ticks[0], ticks[len(ticks)-1]
	pw, ph := float64(W-left-right), float64(H-top-bottom)
	x := func(t time.Time) float64 { return float64(left) + pw*t.Sub(t0).Hours()/t1.Sub(t0).Hours() }
	y := func(v float64) float64 { return float64(top) + ph*(1-(v-lo)/(hi-lo)) }
	var sb strings.Builder
	svgOpen(&sb, id, c, W, H)
	for i, z := range c.Zones {
		y0, y1 := y(math.Min(z.To, hi)), y(math.Max(z.From, lo))
		fmt.Fprintf(&sb, "<rect class=\"zone\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.12\"/>\n",
			left, y0, pw, y1-y0, zoneFill[i%len(zoneFill)])
		fmt.Fprintf(&sb, "<text class=\"zone-label\" x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"middle\">%s</text>\n", float64(left)+pw+6, (y0+y1)/2, esc(z.Label))
	}
	if m0, ok0 := parseDay(c.Mark[0]); ok0 {
		if m1, ok1 := parseDay(c.Mark[1]); ok1 && !m0.After(t1) && !m1.Before(t0) {
			a, z := x(maxTime(m0, t0)), x(minTime(m1, t1))
			fmt.Fprintf(&sb, "<rect class=\"week\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\"><title>the report's week</title></rect>\n", a, top, math.Max(z-a, 2), ph)
		}
	}
	for _, v := range ticks {
		fmt.Fprintf(&sb, "<line class=\"grid\" x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", left, float64(left)+pw, y(v), y(v))
		fmt.Fprintf(&sb, "<text class=\"tick y\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">%s</text>\n", left-6, y(v), esc(axisLabel(v, c.Unit)))
	}
	for i := 0; i <= 4; i++ {
		t := t0.Add(time.Duration(float64(t1.Sub(t0)) * float64(i) / 4))
		fmt.Fprintf(&sb, "<text class=\"tick x\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x(t), H-bottom+18, t.Format("2006-01-02"))
	}
	fmt.Fprintf(&sb, "<line class=\"axis\" x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n", left, float64(left)+pw, float64(top)+ph, float64(top)+ph)
	for i, s := range c.Series {
		var pts []string
		for _, p := range s.Points {
			if t, ok := parseDay(p.Day); ok {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(t), y(p.Value)))
			}
		}
		col := palette[i%len(palette)]
		fmt.Fprintf(&sb, "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"><title>%s</title></polyline>\n",
			col, strings.Join(pts, " "), esc(s.Label))
		if len(c.Series) > 1 {
			ly := top + 10 + 16*i
			fmt.Fprintf(&sb, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>\n", float64(left)+pw+8, float64(left)+pw+24, ly, ly, col)
			fmt.Fprintf(&sb, "<text class=\"legend\" x=\"%.1f\" y=\"%d\" dominant-baseline=\"middle\">%s</text>\n", float64(left)+pw+28, ly, esc(s.Label))
		}
	}
	sb.WriteString("</svg>\n")
	return sb.String()
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (b *builder) barChart(c report.Chart, id string) string {
	const W, labelW, valueW, rowH, top = 720, 170, 90, 24, 8
	if len(c.Bars) == 0 {
		return ""
	}
	lo, hi := 0.0, 0.0
	for _, x := range c.Bars {
		lo, hi = math.Min(lo, x.Value), math.Max(hi, x.Value)
	}
	if hi == lo {
		hi = lo + 1
	}
	H := top*2 + rowH*len(c.Bars) + 20
	pw := float64(W - labelW - valueW)
	x := func(v float64) float64 { return float64(labelW) + pw*(v-lo)/(hi-lo) }
	var sb strings.Builder
	svgOpen(&sb, id, c, W, H)
	for i, bar := range c.Bars {
		yy := top + rowH*i
		a, z := x(math.Min(0, bar.Value)), x(math.Max(0, bar.Value))
		col := palette[0]
		if bar.Value < 0 {
			col = negative
		}
		label := "<text class=\"bar-label\" x=\"" + fmt.Sprint(labelW-8) + "\" y=\"" + fmt.Sprintf("%.1f", float64(yy)+rowH/2) +
			"\" text-anchor=\"end\" dominant-baseline=\"middle\">" + esc(bar.Label) + "</text>"
		if bar.Link != "" && b.o.Link != nil {
			if u := b.o.Link(bar.Link); u != "" {
				label = "<a href=\"" + esc(u) + "\">" + label + "</a>"
			}
		}
		sb.WriteString(label + "\n")
		fmt.Fprintf(&sb, "<rect class=\"bar\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: %s</title></rect>\n",
			a, yy+4, math.Max(z-a, 1), rowH-8, col, esc(bar.Label), esc(valueLabel(bar.Value, c.Unit)))
		vx, anchor := z+4, "start"
		if bar.Value < 0 {
			vx, anchor = a-4, "end"
			if a-4 < float64(labelW)+30 { // no room left of the bar: print inside it
				vx, anchor = a+4, "start"
			}
		}
		fmt.Fprintf(&sb, "<text class=\"bar-value\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" dominant-baseline=\"middle\">%s</text>\n",
			vx, float64(yy)+rowH/2, anchor, esc(valueLabel(bar.Value, c.Unit)))
	}
	fmt.Fprintf(&sb, "<line class=\"axis zero\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>\n", x(0), x(0), top, top+rowH*len(c.Bars))
	sb.WriteString("</svg>\n")
	return sb.String()
}

func sparkChart(c report.Chart, id string) string {
	const cols, cw, ch = 4, 178, 84
	n := len(c.Series)
	if n == 0 {
		return ""
	}
	rows := (n + cols - 1) / cols
	var sb strings.Builder
	svgOpen(&sb, id, c, cols*cw, rows*ch)
	for i, s := range c.Series {
		ox, oy := float64((i%cols)*cw), float64((i/cols)*ch)
		fmt.Fprintf(&sb, "<g class=\"spark\" transform=\"translate(%.0f %.0f)\">\n", ox, oy)
		fmt.Fprintf(&sb, "<text class=\"spark-label\" x=\"4\" y=\"12\">%s</text>\n", esc(s.Label))
		if len(s.Points) > 0 {
			first, last := s.Points[0], s.Points[len(s.Points)-1]
			fmt.Fprintf(&sb, "<text class=\"spark-value\" x=\"4\" y=\"26\">%s → %s</text>\n",
				esc(report.USD(first.Value)), esc(report.USD(last.Value)))
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range s.Points {
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		}
		if len(s.Points) > 1 {
			if hi == lo {
				hi = lo + 1
			}
			var pts []string
			for j, p := range s.Points {
				px := 4 + float64(cw-16)*float64(j)/float64(len(s.Points)-1)
				py := 34 + float64(ch-42)*(1-(p.Value-lo)/(hi-lo))
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
			}
			col := palette[0]
			if s.Points[len(s.Points)-1].Value < s.Points[0].Value {
				col = negative
			}
			fmt.Fprintf(&sb, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>\n", col, strings.Join(pts, " "))
		}
		sb.WriteString("</g>\n")
	}
	sb.WriteString("</svg>\n")
	return sb.String()
}

// niceTicks returns about n round tick values covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return []float64{0, 1}
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	var out []float64
	for v := start; v < hi+step*0.999; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	if len(out) < 2 {
		out = append(out, start+step)
	}
	return out
}

// axisLabel writes a tick value short: $54.1B, 3.2%, 75.
func axisLabel(v float64, unit string) string {
	switch unit {
	case "USD":
		a, sign := math.Abs(v), ""
		if v < 0 {
			sign = "-"
		}
		switch {
		case a >= 1e12:
			return sign + "$" + short(a/1e12) + "T"
		case a >= 1e9:
			return sign + "$" + short(a/1e9) + "B"
		case a >= 1e6:
			return sign + "$" + short(a/1e6) + "M"
		case a >= 1e3:
			return sign + "$" + short(a/1e3) + "K"
		}
		return sign + "$" + short(a)
	case "%", "share":
		return short(v) + "%"
	}
	return short(v)
}

func short(v float64) string {
	s := fmt.Sprintf("%.3g", v)
	if strings.ContainsAny(s, "e") {
		s = fmt.Sprintf("%.1f", v)
	}
	return s
}

// valueLabel writes a bar's value as the report does elsewhere.
func valueLabel(v float64, unit string) string {
	switch unit {
	case "share":
		return fmt.Sprintf("%.1f%%", v)
	case "%":
		return report.Pct(v)
	case "USD":
		return report.USD(v)
	}
	return report.Value(&v, unit)
}
