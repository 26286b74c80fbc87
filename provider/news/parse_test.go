package news

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestParseFeeds(t *testing.T) {
	type want struct {
		title, link, guid string
		pub               string // RFC 3339 or "" for undated
		summary           string
	}
	for _, tc := range []struct {
		file, format, feedTitle string
		items                   []want
	}{
		{"rss.xml", "rss", "Example Regulator & Markets News", []want{
			// CDATA title with HTML and an entity; EST zone; CDATA description with <script> removed and &nbsp;
			{"SEC approves spot Ether ETFs & options", "https://news.example.com/2026/01/sec-ether-etf", "news-1001", "2026-01-10T02:30:00Z",
				"The U.S. Securities and Exchange Commission approved options on spot ether exchange-traded funds."},
			// relative link resolved against the feed URL; content:encoded used when there is no description
			{"Exchange hacked: $40M drained from hot wallet", "https://news.example.com/2026/01/exchange-hack", "news-1002", "2026-01-10T08:15:00Z",
				"Attackers exploited a signing bug at a major crypto exchange."},
			// dc:date with offset; double-escaped HTML in the description
			{"EU's MiCA: ESMA publishes stablecoin guidelines", "https://news.example.com/2026/01/mica-stablecoins", "", "2026-01-08T09:00:00Z",
				"European Union rules for e-money tokens take effect."},
			{"Undated: BlackRock expands tokenized treasury fund BUIDL", "https://news.example.com/2026/01/buidl", "", "", ""},
			{"Duplicate of the SEC item (same guid)", "https://news.example.com/2026/01/sec-ether-etf?utm=rss", "news-1001", "2026-01-10T02:30:00Z", ""},
			{"Old news from 2025", "https://news.example.com/2025/12/old", "", "2025-12-01T09:00:00Z", ""},
			// javascript: link dropped; unparseable date
			{"US Treasury on foreign exchange rates; let us talk about second thoughts", "", "news-1005", "", ""},
		}},
		{"atom.xml", "atom", "Chain Security Watch", []want{
			// type=html title and summary; rel=alternate link preferred over rel=self; published wins over updated
			{"Bridge exploit drains $12M", "https://sec.example.org/posts/bridge-exploit", "tag:sec.example.org,2026:1", "2026-01-10T04:59:59Z", "A cross-chain bridge was hacked."},
			// xhtml content; updated with fractional seconds and +08:00
			{"Coinbase lists a new RWA token", "https://sec.example.org/posts/coinbase-rwa", "tag:sec.example.org,2026:2", "2026-01-07T00:00:00.123Z", "Real-world assets on Base."},
			{"Entry without link", "", "tag:sec.example.org,2026:3", "2026-01-06T08:00:00Z", ""},
		}},
		{"cn.xml", "rss", "金融监管快讯", []want{
			{"人民银行：继续严厉打击虚拟货币交易炒作", "https://cn.example.cn/news/1", "", "2026-01-11T01:00:00Z", "中国人民银行召开会议，强调稳定币存在风险。"},
			{"香港证监会批准比特币ETF期权", "https://cn.example.cn/news/2", "", "2026-01-10T18:30:00Z", ""}, // zoneless: UTC
			{"美联储维持利率不变，欧盟推进数字欧元", "https://cn.example.cn/news/3", "", "2026-01-09T00:00:00Z", ""},
		}},
		{"latin1.xml", "rss", "Café Crypto", []want{
			{"Régulation: la BaFin et l’AMF – nouvelles règles", "https://fr.example.fr/a", "", "2026-01-08T06:00:00Z", ""},
		}},
		{"rdf.xml", "rdf", "RDF Feed", []want{
			{"CFTC sues offshore exchange", "https://rdf.example.net/item1", "", "2026-01-05T14:00:00Z", ""},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := ParseFeed(readFile(t, tc.file), "https://news.example.com/feed.xml")
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != tc.format || f.Title != tc.feedTitle || len(f.Items) != len(tc.items) {
				t.Fatalf("format %s title %q items %d", f.Format, f.Title, len(f.Items))
			}
			for i, w := range tc.items {
				it := f.Items[i]
				got := want{it.Title, it.Link, it.GUID, "", it.Summary}
				if !it.Published.IsZero() {
					got.pub = it.Published.Format(time.RFC3339Nano)
				}
				if got != w {
					t.Errorf("item %d:\n got %+v\nwant %+v", i, got, w)
				}
			}
		})
	}
}

func TestParseFeedErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{``, "empty document"},
		{`<!DOCTYPE html><html><body>Just a moment...</body></html>`, "not an RSS or Atom feed (root element <html>)"},
		{`{"items":[]}`, "empty document"},
		{`<?xml version="1.0"?><rss><channel><item><title>cut`, "RSS: "},
		{`<?xml version="1.0"?><feed><entry><title>cut`, "Atom: "},
		{`<?xml version="1.0" encoding="GB2312"?><rss/>`, "unsupported charset"},
	} {
		_, err := ParseFeed([]byte(tc.body), "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.body, err, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Fri, 09 Jan 2026 21:30:00 EST", "2026-01-10T02:30:00Z"},
		{"Fri, 09 Jan 2026 21:30:00 +0000", "2026-01-09T21:30:00Z"},
		{"Fri, 9 Jan 2026 21:30:00 GMT", "2026-01-09T21:30:00Z"},
		{"Fri, 09 Jan 2026 21:30 PDT", "2026-01-10T04:30:00Z"},
		{"Fri, 09 Jan 26 21:30:00 +0100", "2026-01-09T20:30:00Z"},
		{"FRI, 09 JAN 2026 21:30:00 UT", "2026-01-09T21:30:00Z"},
		{"9 Jan 2026 21:30:00 +0800", "2026-01-09T13:30:00Z"},
		{"Fri, 09 Jan 2026 21:30:00 GMT+8", "2026-01-09T13:30:00Z"},
		{"Fri, 09 Jan 2026 21:30:00 UTC-05:30", "2026-01-10T03:00:00Z"},
		{"  Friday, 9 Jan 2026 21:30:00 +0000  ", "2026-01-09T21:30:00Z"},
		{"2026-01-09T21:30:00Z", "2026-01-09T21:30:00Z"},
		{"2026-01-09T21:30:00.5+08:00", "2026-01-09T13:30:00.5Z"},
		{"2026-01-09T21:30:00+0800", "2026-01-09T13:30:00Z"},
		{"2026-01-09T21:30:00", "2026-01-09T21:30:00Z"},
		{"2026-01-09 21:30:00", "2026-01-09T21:30:00Z"},
		{"2026-01-09", "2026-01-09T00:00:00Z"},
		{"2026/01/09", "2026-01-09T00:00:00Z"},
		{"January 9, 2026", "2026-01-09T00:00:00Z"},
		{"", ""}, {"yesterday", ""}, {"Fri, 32 Jan 2026 21:30:00 +0000", ""}, {"1970-01-01T00:00:00Z", ""}, {"2999-01-01", ""},
	} {
		got, ok := ParseDate(tc.in)
		s := ""
		if ok {
			s = got.Format(time.RFC3339Nano)
			if got.Location() != time.UTC {
				t.Errorf("%q: not UTC", tc.in)
			}
		}
		if s != tc.want {
			t.Errorf("ParseDate(%q) = %q, want %q", tc.in, s, tc.want)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<p>Hello<br/>world</p>", "Hello world"},
		{"<b>hack</b>ed", "hacked"},
		{"Bitcoin < $100k & ETH > $3k", "Bitcoin < $100k & ETH > $3k"},
		{"a &lt;b&gt;bold&lt;/b&gt; claim", "a bold claim"},
		{"<script>alert(1)</script>x<style>p{}</style>y", "x y"},
		{"<SCRIPT src=x>never closed", ""},
		{"&amp;amp; &nbsp;&#8217;&#x4e2d;", "&amp; ’中"},
		{"x\x00\x1b[31my\u202e", "x[31my"},
		{"unclosed <b tag", "unclosed <b tag"},
	} {
		if got := HTMLToText(tc.in); got != tc.want {
			t.Errorf("HTMLToText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"SEC sues exchange over unregistered securities", []string{"exchange", "regulation", "us"}},
		{"Let us take a second look at the security of wallets", nil},             // "us", "sec", "second" are not tags
		{"The US and the EU agree", []string{"eu", "us"}},                         // case-sensitive US, word-bounded eu
		{"Europe's eurozone banks", []string{"eu"}},                               // eurozone, not "eu" inside a word
		{"Spot bitcoin ETFs see inflows", []string{"etf"}},                        // plural listed explicitly
		{"Hong Kong Stock Exchange lists exchange-traded funds", []string{"etf"}}, // excluded phrases are not "exchange"
		{"Binance lists new token; exchange volume rises", []string{"exchange"}},
		{"Foreign exchange rates and the exchange rate", nil},
		{"People’s Bank of China warns", []string{"china"}}, // typographic apostrophe
		{"Real‑world assets go on-chain", []string{"rwa"}},  // non-breaking hyphen
		{"Tokenized treasuries top $5B", []string{"rwa"}},
		{"Circle's USDC supply grows; Tether mints USDT", []string{"stablecoin"}},
		{"Bridge exploited, $12M drained", []string{"hack"}},
		{"人民银行：严厉打击虚拟货币交易", []string{"china"}},
		{"中国人民银行强调稳定币风险", []string{"china", "stablecoin"}},
		{"比特币ETF获批", []string{"etf"}},  // ASCII term inside CJK text
		{"香港交易所交易基金", []string{"etf"}}, // 交易所交易基金 is an ETF, not an exchange
		{"币安遭黑客攻击", []string{"exchange", "hack"}},
		{"美联储维持利率不变，欧盟推进数字欧元", []string{"eu", "us"}},
		{"MiCA licence granted", []string{"eu", "regulation"}},
		{"", nil},
	} {
		got := Tag(tc.text, DefaultRules)
		if len(got) == 0 {
			got = nil
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Tag(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	// A custom rule set is honoured.
	if got := Tag("Solana outage", []Rule{{Tag: "outage", Terms: []string{"outage"}}}); !reflect.DeepEqual(got, []string{"outage"}) {
		t.Error(got)
	}
}
