package news

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/sourcetest"
)

const secretToken = "feedtok-7c1e9a0b3d5f-SECRET-2468ace"

var fetchDay = time.Date(2026, 1, 11, 12, 0, 0, 0, time.UTC)

func xmlBody(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(b)
	}
}

func feedRoutes(t *testing.T) map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"/rss.xml":        xmlBody(readFile(t, "rss.xml")),
		"/rss-mirror.xml": xmlBody(readFile(t, "rss.xml")),
		"/cn.xml":         xmlBody(readFile(t, "cn.xml")),
		"/atom.xml":       xmlBody(readFile(t, "atom.xml")),
		"/private.xml": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("token") != secretToken {
				http.Error(w, "forbidden", 403)
				return
			}
			xmlBody(readFile(t, "rdf.xml"))(w, r)
		},
	}
}

func (e *env) feeds(paths ...string) []string {
	var out []string
	for _, p := range paths {
		base := e.TS.URL
		if strings.HasPrefix(p, "localhost") {
			base = strings.Replace(e.TS.URL, "127.0.0.1", "localhost", 1)
			p = strings.TrimPrefix(p, "localhost")
		}
		out = append(out, base+p)
	}
	return out
}

func (e *env) fetch(t *testing.T, timeout time.Duration, since time.Time, paths ...string) ([]cw.Batch, error) {
	t.Helper()
	s, err := New(e.Client(timeout, 3), Options{Feeds: e.feeds(paths...), Now: func() time.Time { return fetchDay }})
	if err != nil {
		t.Fatal(err)
	}
	var _ cw.Source = s
	return s.Fetch(context.Background(), since)
}

func TestFetchReplay(t *testing.T) {
	e := newEnv(t, feedRoutes(t))
	bs, err := e.fetch(t, time.Second, cw.Day(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		"/rss.xml", "localhost/atom.xml", "/cn.xml", "/rss-mirror.xml", "/private.xml?token="+secretToken)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 || bs[0].Source.ID != "news-127.0.0.1" || bs[1].Source.ID != "news-localhost" {
		t.Fatalf("%d batches: %+v", len(bs), bs)
	}
	for _, b := range bs {
		if err := b.Validate(); err != nil {
			t.Error(err)
		}
		if !strings.Contains(b.Source.Note, "news:<tag>") || b.Source.Licence == "" || strings.Contains(b.Source.Location, secretToken) {
			t.Errorf("%+v", b.Source)
		}
	}
	main := bs[0]
	// rss: 7 items - 1 duplicate guid - 1 older than since = 5; cn: 3; mirror: all duplicates; rdf: 1.
	if len(main.Entities) != 9 || len(main.Observations) != 9 {
		t.Errorf("entities %d observations %d", len(main.Entities), len(main.Observations))
	}
	if !strings.Contains(main.Source.Note, "rss-mirror.xml (rss): 0 items kept, 6 duplicates dropped") ||
		!strings.Contains(main.Source.Note, "rss.xml (rss): 5 items kept, 1 duplicates dropped, 2 undated") {
		t.Errorf("note %q", main.Source.Note)
	}
	if main.Source.Provider != "Example Regulator & Markets News" {
		t.Errorf("provider %q", main.Source.Provider)
	}
	byName := map[string]cw.Entity{}
	for _, en := range main.Entities {
		byName[en.Name] = en
		if en.Kind != cw.KindEvent || !strings.HasPrefix(en.ID, "event:news-") || len(en.ID) != len("event:news-")+16 {
			t.Errorf("entity %+v", en)
		}
		for k, v := range en.Attrs {
			if strings.Contains(v, secretToken) {
				t.Errorf("token in attr %s", k)
			}
		}
	}
	sec := byName["SEC approves spot Ether ETFs & options"]
	// ID = first 16 hex of sha256(link), checked independently with sha256sum(1).
	if sec.ID != "event:news-11d06c5dad678341" ||
		strings.Join(sec.Tags, ",") != "news:etf,news:regulation,news:us" ||
		sec.Attrs["link"] != "https://news.example.com/2026/01/sec-ether-etf" || sec.Attrs["published"] != "2026-01-10T02:30:00Z" ||
		sec.Attrs["guid"] != "news-1001" || !strings.HasSuffix(sec.Attrs["feed"], "/rss.xml") ||
		sec.Attrs["summary"] != "The U.S. Securities and Exchange Commission approved options on spot ether exchange-traded funds." {
		t.Errorf("sec item %+v", sec)
	}
	undated := byName["Undated: BlackRock expands tokenized treasury fund BUIDL"]
	if undated.Attrs["undated"] != "true" || undated.Attrs["published"] != "" || strings.Join(undated.Tags, ",") != "news:rwa" {
		t.Errorf("undated %+v", undated)
	}
	noLink := byName["US Treasury on foreign exchange rates; let us talk about second thoughts"]
	if noLink.ID != "event:news-"+hash16("news-1005") || noLink.Attrs["link"] != "" {
		t.Errorf("guid identity %+v", noLink)
	}
	pboc := byName["人民银行：继续严厉打击虚拟货币交易炒作"]
	if strings.Join(pboc.Tags, ",") != "news:china,news:stablecoin" {
		t.Errorf("%+v", pboc)
	}
	if cftc := byName["CFTC sues offshore exchange"]; cftc.Attrs["published"] != "2026-01-05T14:00:00Z" || strings.Contains(cftc.Attrs["feed"], secretToken) || !strings.HasSuffix(cftc.Attrs["feed"], "/private.xml") {
		t.Errorf("private feed %+v", cftc)
	}
	o := sourcetest.ObsMap(main)
	for k, v := range map[string]float64{
		"event:news-" + hash16("https://news.example.com/2026/01/sec-ether-etf") + " published 2026-01-10": 1, // EST evening = next UTC day
		"event:news-" + hash16("https://news.example.com/2026/01/buidl") + " published 2026-01-11":         1, // undated -> fetch day
		"event:news-" + hash16("https://cn.example.cn/news/1") + " published 2026-01-11":                   1, // +0800 morning
	} {
		if o[k] != v {
			t.Errorf("%s = %v", k, o[k])
		}
	}
	atom := bs[1]
	if len(atom.Entities) != 3 || atom.Source.Provider != "Chain Security Watch" {
		t.Errorf("%+v", atom)
	}
	sourcetest.AssertNoSecretInArchive(t, e.Archive, secretToken)
}

func hash16(s string) string {
	e, _, _ := ItemEvent(Item{Link: s}, "", fetchDay, nil, "p")
	return strings.TrimPrefix(e.ID, "event:news-")
}

func TestItemEventIdentity(t *testing.T) {
	e, o, ok := ItemEvent(Item{Title: "t", Link: "https://example.com/a", Summary: strings.Repeat("é", 600)}, "F", fetchDay, DefaultRules, "news-x")
	if !ok || e.ID != "event:news-"+sha16("https://example.com/a") || o.Source != "news-x" || o.Value != 1 || o.Metric != "published" {
		t.Fatalf("%+v %+v", e, o)
	}
	if n := utf8.RuneCountInString(e.Attrs["summary"]); n != SummaryMax || !strings.HasSuffix(e.Attrs["summary"], "…") {
		t.Errorf("summary %d runes", n)
	}
	// Future date is suspect: kept on the fetch day and flagged.
	e, o, _ = ItemEvent(Item{Title: "t", GUID: "g", Published: fetchDay.Add(72 * time.Hour)}, "F", fetchDay, nil, "p")
	if e.Attrs["undated"] != "true" || e.Attrs["suspect_date"] == "" || !o.Day.Equal(cw.Day(fetchDay)) || e.ID != "event:news-"+sha16("g") {
		t.Errorf("%+v %+v", e, o)
	}
	// Title-only items are identified by feed+title; nothing at all is dropped.
	if e, _, ok := ItemEvent(Item{Title: "only"}, "F", fetchDay, nil, "p"); !ok || e.ID != "event:news-"+sha16("F\nonly") {
		t.Errorf("%+v", e)
	}
	if _, _, ok := ItemEvent(Item{}, "F", fetchDay, nil, "p"); ok {
		t.Error("empty item accepted")
	}
}

func TestFetchFaults(t *testing.T) {
	for _, tc := range []struct {
		name     string
		path     string
		faults   []http.HandlerFunc
		timeout  time.Duration
		wantErr  string
		batches  int
		checkEnv func(*testing.T, *env)
	}{
		{name: "429 Retry-After then success", path: "/rss.xml", faults: []http.HandlerFunc{sourcetest.Status(429, "slow down", "Retry-After", "9")}, batches: 2,
			checkEnv: func(t *testing.T, e *env) {
				if len(e.Sleeps) != 1 || e.Sleeps[0] != 9*time.Second {
					t.Errorf("%v", e.Sleeps)
				}
			}},
		{name: "500 then success", path: "/atom.xml", faults: []http.HandlerFunc{sourcetest.Status(500, "x")}, batches: 2},
		{name: "truncated then success", path: "/rss.xml", faults: []http.HandlerFunc{truncated}, batches: 2},
		{name: "truncated every time: other feeds still delivered", path: "/rss.xml", faults: []http.HandlerFunc{truncated, truncated, truncated, truncated},
			wantErr: "truncated body", batches: 2},
		{name: "timeout", path: "/atom.xml", faults: []http.HandlerFunc{sourcetest.Hang, sourcetest.Hang, sourcetest.Hang, sourcetest.Hang}, timeout: 40 * time.Millisecond, wantErr: "timed out", batches: 1},
		{name: "HTML challenge page instead of a feed", path: "/atom.xml", faults: []http.HandlerFunc{sourcetest.Status(200, "<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>")},
			wantErr: "not an RSS or Atom feed (root element <html>)", batches: 1},
		{name: "404 names the feed", path: "/rss.xml", faults: []http.HandlerFunc{sourcetest.Status(404, "gone")}, wantErr: "news: news-127.0.0.1: HTTP 404", batches: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, feedRoutes(t))
			e.Srv.Faults[tc.path] = tc.faults
			timeout := tc.timeout
			if timeout == 0 {
				timeout = time.Second
			}
			bs, err := e.fetch(t, timeout, time.Time{}, "/rss.xml", "localhost/atom.xml", "/cn.xml", "/private.xml?token="+secretToken)
			if tc.wantErr != "" {
				var fe FeedErrors
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.As(err, &fe) || len(fe) != 1 {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if err != nil && strings.Contains(err.Error(), secretToken) {
				t.Errorf("token in error %v", err)
			}
			if len(bs) != tc.batches {
				t.Errorf("%d batches, want %d", len(bs), tc.batches)
			}
			for _, b := range bs {
				if err := b.Validate(); err != nil {
					t.Error(err)
				}
			}
			if tc.checkEnv != nil {
				tc.checkEnv(t, e)
			}
			sourcetest.AssertNoSecretInArchive(t, e.Archive, secretToken)
		})
	}
}

func TestNewRejectsBadFeeds(t *testing.T) {
	c := httpx.New(httpx.Options{})
	for _, f := range []string{"ftp://x/feed", "file:///etc/passwd", "not a url", "https://"} {
		if _, err := New(c, Options{Feeds: []string{f}}); err == nil {
			t.Errorf("%q accepted", f)
		}
	}
	_, err := New(c, Options{Feeds: []string{"::bad?token=" + secretToken}})
	if err == nil || strings.Contains(err.Error(), secretToken) {
		t.Errorf("%v", err)
	}
	s, err := New(c, Options{Feeds: []string{"https://a/x", " https://a/x "}})
	if err != nil || len(s.o.Feeds) != 1 || s.Name() != "news" {
		t.Error(s, err)
	}
}

func sha16(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])[:16]
}
