package news

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"cryptoweekly/internal/flexjson"
)

// Item is one feed entry as plain text.
type Item struct {
	Title      string
	Link       string // absolute http(s) URL or ""
	GUID       string
	Published  time.Time // zero when the entry has no parseable date
	Summary    string    // plain text, tags stripped, not yet truncated
	Categories []string
}

// Feed is a parsed feed.
type Feed struct {
	Format string // "rss", "rdf" (RSS 1.0) or "atom"
	Title  string
	Items  []Item
}

// xml shapes. Namespaced fields (dc:date, content:encoded) are matched by namespace URL; the
// plain "link" field of an RSS item also catches <atom:link>, whose text is empty, so links are
// collected as a list and the first non-empty one wins.
type rssItem struct {
	Title      string   `xml:"title"`
	Links      []string `xml:"link"`
	GUID       string   `xml:"guid"`
	PubDate    string   `xml:"pubDate"`
	DCDate     string   `xml:"http://purl.org/dc/elements/1.1/ date"`
	Desc       string   `xml:"description"`
	Content    string   `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	Categories []string `xml:"category"`
	About      string   `xml:"about,attr"` // RSS 1.0 rdf:about
}

type rssDoc struct {
	Channel struct {
		Title string    `xml:"title"`
		Items []rssItem `xml:"item"`
	} `xml:"channel"`
	Items []rssItem `xml:"item"` // RSS 1.0: items are siblings of channel
}

type atomText struct {
	Type  string `xml:"type,attr"`
	Text  string `xml:",chardata"`
	Inner string `xml:",innerxml"`
}

func (t atomText) plain() string {
	if strings.EqualFold(strings.TrimSpace(t.Type), "xhtml") {
		return HTMLToText(t.Inner)
	}
	return HTMLToText(t.Text) // type text or html: chardata is already entity/CDATA-decoded
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
}

type atomEntry struct {
	Title      atomText   `xml:"title"`
	Links      []atomLink `xml:"link"`
	ID         string     `xml:"id"`
	Published  string     `xml:"published"`
	Updated    string     `xml:"updated"`
	Issued     string     `xml:"issued"` // Atom 0.3
	Summary    atomText   `xml:"summary"`
	Content    atomText   `xml:"content"`
	Categories []struct {
		Term  string `xml:"term,attr"`
		Label string `xml:"label,attr"`
	} `xml:"category"`
}

type atomDoc struct {
	Title   atomText    `xml:"title"`
	Entries []atomEntry `xml:"entry"`
}

// ParseFeed parses an RSS 2.0, RSS 1.0 (RDF) or Atom document. base resolves relative links.
// The parser is lenient about HTML entities (&nbsp;), unclosed HTML tags and unknown
// namespaces; UTF-8, US-ASCII, ISO-8859-1 and windows-1252 are read, other charsets are an error.
func ParseFeed(body []byte, base string) (Feed, error) {
	root, err := rootElement(body)
	if err != nil {
		return Feed{}, err
	}
	baseURL, err := url.Parse(base)
	if err != nil {
		return Feed{}, fmt.Errorf("feed URL %q: %w", base, err)
	}
	switch strings.ToLower(root.Local) {
	case "rss", "rdf":
		var doc rssDoc
		if err := newDecoder(body).Decode(&doc); err != nil {
			return Feed{}, fmt.Errorf("RSS: %w", err)
		}
		f := Feed{Format: "rss", Title: HTMLToText(doc.Channel.Title)}
		items := doc.Channel.Items
		if strings.ToLower(root.Local) == "rdf" {
			f.Format = "rdf"
			items = append(items, doc.Items...)
		}
		for _, it := range items {
			link := ""
			for _, l := range it.Links {
				if l = strings.TrimSpace(l); l != "" {
					link = l
					break
				}
			}
			if link == "" {
				link = it.About
			}
			date := it.PubDate
			if strings.TrimSpace(date) == "" {
				date = it.DCDate
			}
			summary := it.Desc
			if strings.TrimSpace(summary) == "" {
				summary = it.Content
			}
			guid := strings.TrimSpace(it.GUID)
			if link == "" && looksLikeURL(guid) { // <guid isPermaLink="true"> as the only link
				link = guid
			}
			f.Items = append(f.Items, makeItem(it.Title, link, guid, date, summary, it.Categories, baseURL))
		}
		return f, nil
	case "feed":
		var doc atomDoc
		if err := newDecoder(body).Decode(&doc); err != nil {
			return Feed{}, fmt.Errorf("Atom: %w", err)
		}
		f := Feed{Format: "atom", Title: doc.Title.plain()}
		for _, e := range doc.Entries {
			link := ""
			for _, l := range e.Links {
				if rel := strings.ToLower(strings.TrimSpace(l.Rel)); (rel == "" || rel == "alternate") && strings.TrimSpace(l.Href) != "" {
					link = l.Href
					break
				}
			}
			if link == "" && len(e.Links) > 0 {
				link = e.Links[0].Href
			}
			date := e.Published
			if strings.TrimSpace(date) == "" {
				date = e.Updated
			}
			if strings.TrimSpace(date) == "" {
				date = e.Issued
			}
			summary := e.Summary.plain()
			if summary == "" {
				summary = e.Content.plain()
			}
			var cats []string
			for _, c := range e.Categories {
				if c.Label != "" {
					cats = append(cats, c.Label)
				} else {
					cats = append(cats, c.Term)
				}
			}
			it := makeItem("", link, strings.TrimSpace(e.ID), date, "", cats, baseURL)
			it.Title = flexjson.CleanText(e.Title.plain(), 300)
			it.Summary = summary
			f.Items = append(f.Items, it)
		}
		return f, nil
	}
	return Feed{}, fmt.Errorf("not an RSS or Atom feed (root element <%s>)", flexjson.CleanText(root.Local, 40))
}

func makeItem(title, link, guid, date, summary string, cats []string, base *url.URL) Item {
	it := Item{
		Title:   flexjson.CleanText(HTMLToText(title), 300),
		Link:    resolveLink(link, base),
		GUID:    flexjson.CleanText(guid, 500),
		Summary: HTMLToText(summary),
	}
	if t, ok := ParseDate(date); ok {
		it.Published = t
	}
	for _, c := range cats {
		if c = flexjson.CleanText(HTMLToText(c), 100); c != "" {
			it.Categories = append(it.Categories, c)
		}
	}
	return it
}

func looksLikeURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// resolveLink returns an absolute http(s) URL, or "" for anything else (javascript:, data:, …).
func resolveLink(link string, base *url.URL) string {
	link = strings.TrimSpace(flexjson.CleanText(link, 2000))
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	if base != nil && !u.IsAbs() {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func newDecoder(body []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false // tolerate unknown entities and sloppy attributes; NO HTML auto-close: RSS <link> has text
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charsetReader
	return d
}

func rootElement(body []byte) (xml.Name, error) {
	d := newDecoder(body)
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return xml.Name{}, errors.New("empty document: no root element")
			}
			return xml.Name{}, fmt.Errorf("not XML: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name, nil
		}
	}
}

// charsetReader handles the single-byte charsets seen on news feeds without x/text.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "windows-1252", "cp1252":
		b, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		var sb strings.Builder
		for _, c := range b {
			if r, ok := cp1252[c]; ok {
				sb.WriteRune(r)
			} else {
				sb.WriteRune(rune(c))
			}
		}
		return strings.NewReader(sb.String()), nil
	}
	return nil, fmt.Errorf("unsupported charset %q", label)
}

// cp1252 maps the windows-1252 bytes that differ from ISO-8859-1.
var cp1252 = map[byte]rune{
	0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰',
	0x8A: 'Š', 0x8B: '‹', 0x8C: 'Œ', 0x8E: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•',
	0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9A: 'š', 0x9B: '›', 0x9C: 'œ', 0x9E: 'ž', 0x9F: 'Ÿ',
}

// HTMLToText turns an HTML fragment (as found in titles and descriptions) into plain text:
// script/style blocks are removed, tags dropped (block-level tags become spaces, inline tags
// vanish so "<b>hack</b>ed" stays one word), entities decoded,
// control characters removed and whitespace collapsed. A fragment that was escaped twice
// ("&lt;b&gt;x&lt;/b&gt;") gets one more tag pass after decoding. The result is inert text.
func HTMLToText(s string) string {
	out := html.UnescapeString(stripTags(s))
	if hasTag(out) {
		out = stripTags(out)
	}
	return flexjson.CleanText(out, 0)
}

func hasTag(s string) bool {
	last := strings.LastIndexByte(s, '>')
	for i := 0; i+1 < len(s) && i < last; i++ {
		if s[i] == '<' && isTagStart(s[i+1]) {
			return true
		}
	}
	return false
}

// asciiLower lower-cases A-Z only, so byte offsets match the input.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func isTagStart(c byte) bool {
	return c == '/' || c == '!' || c == '?' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

var blockTags = map[string]bool{
	"br": true, "p": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true, "td": true, "th": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true,
	"hr": true, "table": true, "section": true, "article": true, "header": true, "footer": true, "img": true,
	"figure": true, "figcaption": true, "dd": true, "dt": true, "script": true, "style": true,
}

func stripTags(s string) string {
	var b strings.Builder
	lower := asciiLower(s)
	last := strings.LastIndexByte(s, '>')
	for i := 0; i < len(s); {
		c := s[i]
		if c != '<' || i+1 >= len(s) || !isTagStart(s[i+1]) {
			b.WriteByte(c)
			i++
			continue
		}
		if i > last { // no '>' follows: the rest is text (keeps this linear)
			b.WriteString(s[i:])
			break
		}
		end := strings.IndexByte(s[i:], '>')
		tag := strings.ToLower(s[i+1 : i+end])
		name := strings.TrimLeft(tag, "/")
		if j := strings.IndexAny(name, " \t\r\n/"); j >= 0 {
			name = name[:j]
		}
		i += end + 1
		if !strings.HasPrefix(tag, "/") && (name == "script" || name == "style") {
			if k := strings.Index(lower[i:], "</"+name); k >= 0 {
				i += k
				if e := strings.IndexByte(s[i:], '>'); e >= 0 {
					i += e + 1
				} else {
					i = len(s)
				}
			} else {
				i = len(s)
			}
		}
		if blockTags[name] {
			b.WriteByte(' ') // block tags separate words ("a<br>b" -> "a b"); collapsed later
		}
	}
	return b.String()
}

// truncateRunes cuts s to at most max runes, ending with "…" when cut.
func truncateRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}
