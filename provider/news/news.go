// Package news is a regulatory/news watch over user-configured RSS 2.0, RSS 1.0 and Atom feeds
// (cryptoweekly.Source "news").
//
// Every item becomes an event entity "event:news-<first 16 hex of sha256(link, else guid)>"
// (Name = title as plain text, Attrs link/feed/published/summary ≤ 500 chars, Tags
// "news:<tag>" from DefaultRules) with one observation, metric "published" = 1 on the item's UTC
// day. Items without a usable date (none, unparseable, before 1990, or more than a day in the
// future) are kept on the fetch day and flagged with Attrs["undated"] = "true". Items are
// deduplicated by guid and link across all feeds of one Fetch (first feed wins). Feeds on the
// same host share one provenance, "news-<host>".
//
// Feeds are independent: Fetch returns the batches of the feeds that worked together with a
// *FeedErrors naming each feed that failed (all-or-nothing callers can treat any error as
// fatal; tolerant callers can keep the batches).
package news

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/flexjson"
	"cryptoweekly/internal/httpx"
)

// Licence is carried by every news provenance.
const Licence = "Publisher's terms; only headline, link and a ≤500-character summary are kept, with attribution to the feed"

// SummaryMax is the longest summary kept, in characters (runes).
const SummaryMax = 500

// Options configure the watch.
type Options struct {
	Feeds           []string // RSS/Atom URLs
	Rules           []Rule   // nil = DefaultRules
	MaxItemsPerFeed int      // default 200
	Now             func() time.Time
	Logf            func(string, ...any)
}

type getter interface {
	Get(ctx context.Context, r httpx.Request) (*httpx.Response, error)
}

// Source is the news watch.
type Source struct {
	c getter
	o Options
}

// New validates the feed URLs and builds the source.
func New(c *httpx.Client, o Options) (*Source, error) {
	if c == nil {
		return nil, errors.New("news: nil fetch client")
	}
	seen := map[string]bool{}
	var feeds []string
	for _, f := range o.Feeds {
		f = strings.TrimSpace(f)
		u, err := url.Parse(f)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("news: feed %q is not an http(s) URL", redactURL(f))
		}
		if !seen[f] {
			seen[f] = true
			feeds = append(feeds, f)
		}
	}
	o.Feeds = feeds
	if o.Rules == nil {
		o.Rules = DefaultRules
	}
	if o.MaxItemsPerFeed <= 0 {
		o.MaxItemsPerFeed = 200
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Source{c: c, o: o}, nil
}

// Name implements cryptoweekly.Source.
func (s *Source) Name() string { return "news" }

// secretParams are query parameters private feeds use for tokens; they are kept out of the
// archive, errors, provenance and item attributes.
var secretParams = []string{"token", "key", "api_key", "apikey", "access_token", "auth", "secret", "sig", "signature"}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.User = nil
	q := u.Query()
	changed := false
	for k := range q {
		for _, p := range secretParams {
			if strings.EqualFold(k, p) {
				q.Set(k, "REDACTED")
				changed = true
			}
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// SourcePrefix starts every news provenance id.
const SourcePrefix = "news-"

// ProvenanceID is "news-<host>" for a feed URL.
func ProvenanceID(feedURL string) cw.SourceID {
	host := feedURL
	if u, err := url.Parse(feedURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return cw.SourceID(SourcePrefix + cw.NormKey(host))
}

// FeedErrors lists the feeds that failed in one Fetch.
type FeedErrors []error

func (fe FeedErrors) Error() string {
	msgs := make([]string, len(fe))
	for i, e := range fe {
		msgs[i] = e.Error()
	}
	return fmt.Sprintf("news: %d feed(s) failed: %s", len(fe), strings.Join(msgs, "; "))
}

// Unwrap exposes the individual errors to errors.Is/As.
func (fe FeedErrors) Unwrap() []error { return fe }

// Fetch implements cryptoweekly.Source; see the package doc for partial failures.
func (s *Source) Fetch(ctx context.Context, since time.Time) ([]cw.Batch, error) {
	seen := map[string]bool{}
	byProv := map[cw.SourceID]*cw.Batch{}
	var order []cw.SourceID
	var errs FeedErrors
	for _, feed := range s.o.Feeds {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("news: %s: %w", redactURL(feed), err))
			continue
		}
		resp, err := s.c.Get(ctx, httpx.Request{
			Source: "news", Endpoint: string(ProvenanceID(feed)), URL: feed,
			Header:       http.Header{"Accept": {"application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"}},
			SecretParams: secretParams,
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f, err := ParseFeed(resp.Body, feed)
		if err != nil {
			errs = append(errs, fmt.Errorf("news: %s: %w", resp.URL, err))
			continue
		}
		pid := ProvenanceID(feed)
		b := byProv[pid]
		if b == nil {
			b = &cw.Batch{Source: cw.Provenance{ID: pid, Provider: providerName(f.Title, feed), FetchedAt: resp.FetchedAt, Licence: Licence}}
			byProv[pid] = b
			order = append(order, pid)
		}
		st := s.addItems(b, f, resp.URL, resp.FetchedAt, since, seen)
		if b.Source.Location != "" {
			b.Source.Location += " "
		}
		b.Source.Location += resp.URL
		b.Source.Note = joinNotes(b.Source.Note, fmt.Sprintf("%s (%s): %d items kept, %d duplicates dropped, %d undated (dated to the fetch day, Attrs undated=true), %d before since, %d over the per-feed cap.",
			resp.URL, f.Format, st.kept, st.dups, st.undated, st.old, st.capped))
		s.logf("news: %s: %d items", resp.URL, st.kept)
	}
	var out []cw.Batch
	for _, pid := range order {
		b := byProv[pid]
		b.Source.Note = joinNotes("Keyword-tagged news items (tags news:<tag> from the news.DefaultRules table; case-insensitive, word-boundary aware, English + Chinese).", b.Source.Note)
		if err := b.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("news: %w", err))
			continue
		}
		out = append(out, *b)
	}
	if len(errs) > 0 {
		return out, errs
	}
	return out, nil
}

func (s *Source) logf(format string, args ...any) {
	if s.o.Logf != nil {
		s.o.Logf(format, args...)
	}
}

type feedStats struct{ kept, dups, undated, old, capped int }

// addItems appends the feed's items to b. seen holds guids/links already used in this Fetch.
func (s *Source) addItems(b *cw.Batch, f Feed, feedURL string, fetchedAt, since time.Time, seen map[string]bool) feedStats {
	var st feedStats
	for i, it := range f.Items {
		if i >= s.o.MaxItemsPerFeed {
			st.capped = len(f.Items) - i
			break
		}
		e, o, ok := ItemEvent(it, feedURL, fetchedAt, s.o.Rules, b.Source.ID)
		if !ok {
			st.dups++ // no identity at all: cannot be deduplicated, dropped
			continue
		}
		keys := []string{"id:" + e.ID}
		if it.GUID != "" {
			keys = append(keys, "guid:"+it.GUID)
		}
		if it.Link != "" {
			keys = append(keys, "link:"+it.Link)
		}
		dup := false
		for _, k := range keys {
			if seen[k] {
				dup = true
			}
		}
		if dup {
			st.dups++
			continue
		}
		if !since.IsZero() && o.Day.Before(cw.Day(since)) {
			st.old++
			continue
		}
		for _, k := range keys {
			seen[k] = true
		}
		if e.Attrs["undated"] == "true" {
			st.undated++
		}
		b.Entities = append(b.Entities, e)
		b.Observations = append(b.Observations, o)
		st.kept++
	}
	return st
}

// ItemEvent turns a feed item into its event entity and "published" observation. ok is false
// when the item has neither link, guid nor title (nothing to identify it by).
func ItemEvent(it Item, feedURL string, fetchedAt time.Time, rules []Rule, prov cw.SourceID) (cw.Entity, cw.Observation, bool) {
	ident := it.Link
	if ident == "" {
		ident = it.GUID
	}
	if ident == "" && it.Title != "" {
		ident = feedURL + "\n" + it.Title // last resort: stable per feed and title
	}
	if ident == "" {
		return cw.Entity{}, cw.Observation{}, false
	}
	sum := sha256.Sum256([]byte(ident))
	id := "event:news-" + hex.EncodeToString(sum[:])[:16]

	name := it.Title
	if name == "" {
		name = truncateRunes(it.Summary, 120)
	}
	if name == "" {
		name = "(untitled)"
	}
	attrs := map[string]string{"feed": feedURL}
	if it.Link != "" {
		attrs["link"] = it.Link
	}
	if it.GUID != "" && it.GUID != it.Link {
		attrs["guid"] = it.GUID
	}
	if it.Summary != "" {
		attrs["summary"] = truncateRunes(it.Summary, SummaryMax)
	}
	pub := it.Published
	if pub.IsZero() || pub.After(fetchedAt.Add(24*time.Hour)) {
		if !pub.IsZero() {
			attrs["suspect_date"] = pub.Format(time.RFC3339)
		}
		pub = time.Time{}
		attrs["undated"] = "true"
	} else {
		attrs["published"] = pub.UTC().Format(time.RFC3339)
	}
	day := cw.Day(fetchedAt)
	if !pub.IsZero() {
		day = cw.Day(pub)
	}
	var tags []string
	text := it.Title + "\n" + it.Summary + "\n" + strings.Join(it.Categories, "\n")
	for _, t := range Tag(text, rules) {
		tags = append(tags, "news:"+t)
	}
	sort.Strings(tags)
	e := cw.Entity{ID: id, Kind: cw.KindEvent, Name: name, Tags: tags, Attrs: attrs}
	return e, cw.Observation{Entity: id, Metric: cw.MetricPublished, Day: day, Value: 1, Source: prov}, true
}

func providerName(title, feed string) string {
	if t := flexjson.CleanText(title, 100); t != "" {
		return t
	}
	if u, err := url.Parse(feed); err == nil {
		return u.Hostname()
	}
	return "news feed"
}

func joinNotes(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}
