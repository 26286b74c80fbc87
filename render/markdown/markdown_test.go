package markdown

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"cryptoweekly/render/rendertest"
)

func TestMarkdownEscapesData(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, rendertest.Hostile()); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, bad := range []string{"<script>", "<b>", "**WIN**"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown carries %q unescaped", bad)
		}
	}
	if regexp.MustCompile(`[^\\]\]\(javascript`).MatchString(md) {
		t.Error("markdown carries a live link target")
	}
	// Every table row of the gainers table keeps its 7 columns: the name's "|" is escaped.
	rows := 0
	for _, line := range strings.Split(md, "\n") {
		if strings.Contains(line, "PWN") && strings.HasPrefix(line, "|") {
			rows++
			if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 8 {
				t.Errorf("row has %d cell separators: %s", n, line)
			}
		}
	}
	if rows != 1 {
		t.Errorf("%d gainer rows, want 1", rows)
	}
	if !strings.Contains(md, "&lt;script&gt;") {
		t.Error("the name should still be readable as text")
	}
}

func TestSectionCitesItsSources(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, rendertest.Cited()); err != nil {
		t.Fatal(err)
	}
	want := "<sub>Source: alternative.me `alternativeme-fng`, captured 2026-03-12 (licence: attribution &lt;required&gt;).</sub>"
	if !strings.Contains(b.String(), want) {
		t.Errorf("markdown lacks %q", want)
	}
	if !strings.Contains(b.String(), "## 1. Market sentiment\n\n") || !strings.Contains(b.String(), "## 2. Outlook\n\n") {
		t.Errorf("sections are not numbered in order:\n%s", b.String())
	}
}
