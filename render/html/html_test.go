package html

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"cryptoweekly/render/rendertest"
	"cryptoweekly/report"
)

// balanced checks that every tag is closed in order (void elements aside): text is always
// escaped, so a '<' in the output is a tag.
func balanced(t *testing.T, doc string) {
	t.Helper()
	void := map[string]bool{"meta": true, "br": true, "img": true, "hr": true, "link": true, "input": true}
	var stack []string
	for _, m := range regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>`).FindAllStringSubmatch(doc, -1) {
		name := strings.ToLower(m[2])
		switch {
		case m[1] == "/":
			if len(stack) == 0 || stack[len(stack)-1] != name {
				t.Fatalf("</%s> closes %v", name, stack)
			}
			stack = stack[:len(stack)-1]
		case m[3] == "/" || void[name]:
		default:
			stack = append(stack, name)
		}
	}
	if strings.HasPrefix(strings.TrimSpace(doc), "<!DOCTYPE") && len(stack) != 0 {
		t.Fatalf("unclosed: %v", stack)
	}
}

func renderDoc(t *testing.T, r *report.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHostileTextIsInert(t *testing.T) {
	doc := renderDoc(t, rendertest.Hostile())
	balanced(t, doc)
	for _, bad := range []string{"<script", "<b>PWN", "javascript:x\"", "onerror="} {
		if strings.Contains(doc, bad) {
			t.Errorf("HTML carries %q", bad)
		}
	}
	if !strings.Contains(doc, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Error("the hostile name should still read as text")
	}
}

func TestSelfContained(t *testing.T) {
	doc := renderDoc(t, rendertest.Charted())
	balanced(t, doc)
	// No resource is fetched: the only URLs are the SVG namespace.
	for _, m := range regexp.MustCompile(`(?i)(src|href)\s*=\s*"([^"#][^"]*)"`).FindAllStringSubmatch(doc, -1) {
		t.Errorf("external reference %s=%q", m[1], m[2])
	}
	for _, u := range regexp.MustCompile(`https?://[^"<\s]+`).FindAllString(doc, -1) {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("URL %s in a self-contained report", u)
		}
	}
	for _, want := range []string{"<nav class=\"toc\"", "@page { size: A4", "prefers-color-scheme: dark", "break-inside: avoid",
		`<a href="#s1">Overview</a>`, `<a href="#s2">1. Market sentiment</a>`} {
		if !strings.Contains(doc, want) {
			t.Errorf("missing %q", want)
		}
	}
}

func TestCharts(t *testing.T) {
	doc := renderDoc(t, rendertest.Charted())
	svgs := regexp.MustCompile(`(?s)<svg [^>]*class="(\w+)"[^>]*>.*?</svg>`).FindAllStringSubmatch(doc, -1)
	if len(svgs) != 3 {
		t.Fatalf("%d charts, want 3", len(svgs))
	}
	line, bars, sparks := svgs[0][0], svgs[1][0], svgs[2][0]
	// Line: zones shaded and labelled, the week marked, a polyline per series, y ticks in the
	// unit, dates on the time axis, and a text alternative.
	for _, want := range []string{`class="zone"`, ">Extreme Greed</text>", `class="week"`, `class="series"`,
		`<title id="chart1-t">Crypto Fear &amp; Greed Index, last 90 days</title>`, `<desc id="chart1-d">Line chart of the Fear &amp; Greed index: Fear &amp; Greed from 45 on 2024-09-15 to 83 on 2024-12-13; the week is shaded.</desc>`,
		">2024-09-15</text>", ">2024-12-13</text>", `role="img"`} {
		if !strings.Contains(line, want) {
			t.Errorf("line chart lacks %q", want)
		}
	}
	if n := strings.Count(line, `class="tick y"`); n < 3 {
		t.Errorf("%d y ticks", n)
	}
	// Bars: one per value, the negative one drawn in the negative colour and left of zero.
	if n := strings.Count(bars, `class="bar"`); n != 3 {
		t.Errorf("%d bars", n)
	}
	if !strings.Contains(bars, `fill="`+negative+`"><title>Sonic: -4.10%</title>`) {
		t.Errorf("negative bar not drawn as such:\n%s", bars)
	}
	for _, want := range []string{">+12.50%</text>", ">Avalanche</text>", `class="axis zero"`} {
		if !strings.Contains(bars, want) {
			t.Errorf("bar chart lacks %q", want)
		}
	}
	// Sparks: one small line per series with its ends.
	if n := strings.Count(sparks, "<polyline"); n != 2 {
		t.Errorf("%d sparklines", n)
	}
	if !strings.Contains(sparks, ">$1.00 → $1.50</text>") {
		t.Errorf("sparkline ends missing:\n%s", sparks)
	}
	// Each chart names its source by provider under it.
	if !strings.Contains(doc, "Source: alternative.me <code>alternativeme-fng</code>") {
		t.Error("chart source line missing")
	}
}

func TestLinks(t *testing.T) {
	r := rendertest.Charted()
	var b strings.Builder
	b.WriteString(string(Body(r, Options{Link: func(e string) string { return "/entity/" + e }})))
	if !strings.Contains(b.String(), `<a href="/entity/chain:avalanche">`) {
		t.Error("bars do not link their entities")
	}
	if strings.Contains(renderDoc(t, r), "/entity/") {
		t.Error("the standalone file links to pages that do not exist")
	}
}

func TestTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		unit   string
		want   string
	}{
		{137.1e9, 140.4e9, "USD", "$137B $138B $139B $140B $141B"},
		{45, 83, "index", "40 50 60 70 80 90"},
		{-4.1, 12.5, "%", "-5% 0% 5% 10% 15%"},
	} {
		var got []string
		for _, v := range niceTicks(c.lo, c.hi, 5) {
			got = append(got, axisLabel(v, c.unit))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("ticks %v..%v = %s, want %s", c.lo, c.hi, strings.Join(got, " "), c.want)
		}
	}
}

// Chart labels are data too: inside SVG they stay text.
func TestHostileChartLabels(t *testing.T) {
	name := `<script>alert(1)</script> "q" & | ` + "`x`\nline"
	c := report.Chart{Kind: report.BarChart, Title: name, Unit: "%", Bars: []report.Bar{{Label: name, Value: -1, Link: `x"><script>`}}, Alt: name}
	got := string(Chart(c, nil, Options{Link: func(e string) string { return "/entity/" + e }}))
	balanced(t, got)
	if strings.Contains(got, "<script") || strings.Contains(got, `x"><`) {
		t.Errorf("SVG carries markup from data:\n%s", got)
	}
	if !strings.Contains(got, "&lt;script&gt;alert(1)&lt;/script&gt; &#34;q&#34; &amp; | `x`") {
		t.Errorf("label not shown as text:\n%s", got)
	}
}
