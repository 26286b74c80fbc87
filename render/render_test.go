package render

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
)

func f(v float64) *float64 { return &v }

// hostile builds a report whose data-derived text tries to break out of Markdown tables and
// inject HTML, as token names from an API can.
func hostile() *report.Report {
	name := `<script>alert("x")</script> | **WIN** [link](javascript:x)`
	tok := report.Token{Change: report.Change{Label: name, Unit: "USD", Start: f(1), End: f(2), Pct: f(100), Source: "coingecko-markets", From: "2024-12-02", To: "2024-12-09"},
		Symbol: "<b>PWN</b>", Name: name, MarketCap: 1e9, Volume24h: 2e7}
	return &report.Report{
		Title: "t", WeekStart: "2024-12-06", WeekEnd: "2024-12-13",
		Tokens:   report.TokenSection{TopGainers: []report.Token{tok}, Source: "coingecko-markets", From: "2024-12-02", To: "2024-12-09"},
		Chains:   report.ChainSection{All: []report.Change{{Label: name, Unit: "USD", Start: f(1e9), End: f(1.1e9), Pct: f(10), Source: "s"}}},
		Events:   report.EventSection{Regulatory: []report.Event{{Date: "2024-12-10", Title: name, Source: "news-x"}}},
		Overview: []string{"Tokens: top gainer " + name},
	}
}

func TestMarkdownEscapesData(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, hostile()); err != nil {
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
	for _, line := range strings.Split(md, "\n") {
		if strings.Contains(line, "PWN") && strings.HasPrefix(line, "|") {
			if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 8 {
				t.Errorf("row has %d cell separators: %s", n, line)
			}
		}
	}
	if !strings.Contains(md, "&lt;script&gt;") {
		t.Error("the name should still be readable as text")
	}
}

func TestJSONIsTheModel(t *testing.T) {
	var b bytes.Buffer
	r := hostile()
	if err := JSON(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>") {
		t.Error("JSON should escape < for safe embedding in HTML")
	}
	var back report.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Tokens.TopGainers[0].Name != r.Tokens.TopGainers[0].Name || *back.Tokens.TopGainers[0].Pct != 100 {
		t.Errorf("round trip lost data: %+v", back.Tokens.TopGainers[0])
	}
}

func TestSectionCitesItsSources(t *testing.T) {
	r := &report.Report{
		Sentiment: report.SentimentSection{Index: report.Change{Label: "F&G", Unit: "index", Start: f(72), End: f(76), Pct: f(5.56), Source: "alternativeme-fng"}},
		Sources: []cw.Provenance{{ID: "alternativeme-fng", Provider: "alternative.me", Licence: "attribution <required>",
			FetchedAt: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)}},
	}
	var b bytes.Buffer
	if err := Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	want := "<sub>Source: alternative.me `alternativeme-fng`, captured 2026-03-12 (licence: attribution &lt;required&gt;).</sub>"
	if !strings.Contains(b.String(), want) {
		t.Errorf("markdown lacks %q", want)
	}
}
