package news

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	cw "cryptoweekly"
)

// FuzzParseFeed: the parser never panics, and whatever it accepts becomes a valid batch with
// clean text and summaries within SummaryMax.
func FuzzParseFeed(f *testing.F) {
	for _, name := range []string{"rss.xml", "atom.xml", "cn.xml", "latin1.xml", "rdf.xml"} {
		f.Add(readFile(f, name))
	}
	f.Add([]byte(`<rss><channel><item><title>&lt;b&gt;x</title><guid>a</guid><pubDate>Mon, 1 Jan 2026 00:00:00 EST</pubDate></item><item><guid>a</guid></item></channel></rss>`))
	f.Add([]byte(`<feed><entry><title type="xhtml"><div>x</div></title><link href="/rel"/></entry></feed>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		feed, err := ParseFeed(body, "https://feed.example.com/rss")
		if err != nil {
			return
		}
		s := &Source{o: Options{Rules: DefaultRules, MaxItemsPerFeed: 200}}
		b := cw.Batch{Source: cw.Provenance{ID: "news-feed.example.com"}}
		s.addItems(&b, feed, "https://feed.example.com/rss", fetchDay, time.Time{}, map[string]bool{})
		if err := b.Validate(); err != nil {
			t.Fatal(err)
		}
		for _, e := range b.Entities {
			if e.Name == "" || !utf8.ValidString(e.Name) || strings.ContainsAny(e.Name, "\x00\n\r\t") {
				t.Fatalf("bad name %q", e.Name)
			}
			if utf8.RuneCountInString(e.Attrs["summary"]) > SummaryMax {
				t.Fatalf("summary too long")
			}
			if l := e.Attrs["link"]; l != "" && !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
				t.Fatalf("unsafe link %q", l)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"Fri, 09 Jan 2026 21:30:00 EST", "2026-01-09T21:30:00.5+08:00", "Fri, 09 Jan 2026 21:30:00 GMT+8", "2026/01/09", "x GMT-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if ok && (d.Location() != time.UTC || d.Before(minDate) || !d.Before(maxDate)) {
			t.Fatalf("%q -> %v", s, d)
		}
	})
}

func FuzzTag(f *testing.F) {
	for _, s := range []string{"SEC sues Binance", "人民银行 虚拟货币 稳定币", "US/EU ETF", "exchange-traded exchange"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags := Tag(s, DefaultRules)
		for i := 1; i < len(tags); i++ {
			if tags[i-1] >= tags[i] {
				t.Fatalf("unsorted/duplicate %v", tags)
			}
		}
		_ = HTMLToText(s)
	})
}
