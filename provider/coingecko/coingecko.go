// Package coingecko is the live CoinGecko API v3 connector (cryptoweekly.Source "coingecko") and
// its registration (provider.go: keys, host budgets, provenance ids).
//
// One Fetch makes, in order (≈ 20 calls with the defaults, inside the Demo budget of ~30/min):
//
//   - /coins/markets pages 1..Pages (250 rows each, market-cap order) → "coingecko-markets":
//     asset entities and price, market_cap, volume_24h, circulating_supply, rank, pct_change_7d,
//     pct_change_24h on the snapshot (fetch) day. pct_change_* are CoinGecko's ROLLING windows
//     ending at last_updated, not calendar days.
//   - /coins/categories/list, then /coins/markets?category=<id> for every configured category
//     that the list still knows (CoinGecko discontinues categories; an unknown id is reported in
//     the provenance note and skipped, not fatal) → "coingecko-categories": member entities
//     tagged "cg:<id>" and the sector tag, with the same market metrics (useful for members
//     outside the top-N listing). Tags are also put on the "coingecko-markets" entities so the
//     two batches describe an asset identically.
//   - /search/trending → "coingecko-trending": topic entities with trend_rank (1-based).
//     This is SEARCH interest on coingecko.com, not social volume.
//   - /global → "coingecko-global": index:crypto-market snapshot.
//   - /global/market_cap_chart?vs_currency=usd&days=N, with a Pro (paid-plan) key only →
//     "coingecko-global-chart": the daily history of index:crypto-market's total_market_cap_usd
//     and total_volume_usd (the day rule of the market charts). Without a Pro key it is not
//     requested, and the /global note says so; a refusal (401/403 with CoinGecko's message) or
//     a bad body costs only this part: the rest of the source is returned with the error.
//   - /coins/{id}/market_chart?interval=daily for ChartCoins → "coingecko-market-chart": daily
//     price, market_cap, volume_24h (see DailyPoints for the day rule). With a Pro key, a first
//     ingest charts the configured ChartCoins over the global chart's window (HistoryDays), so
//     BTC's and ETH's market caps exist on every day the total does.
//
// Asset IDs: "asset:<symbol>" for the highest-market-cap coin of a symbol, "asset:<symbol>-<id>"
// for later coins with the same symbol (see IDs). Every error names the source and endpoint;
// API keys travel only in headers marked secret, so they never reach errors or the archive.
package coingecko

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/flexjson"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/provnote"
)

// Hosts.
const (
	DemoBase = "https://api.coingecko.com/api/v3"     // keyless or Demo key
	ProBase  = "https://pro-api.coingecko.com/api/v3" // paid key
)

// Key headers.
const (
	DemoKeyHeader = "x-cg-demo-api-key"
	ProKeyHeader  = "x-cg-pro-api-key"
)

// Options configure the connector. The zero value is a keyless run with the defaults.
type Options struct {
	BaseURL       string            // default DemoBase, or ProBase when ProKey is set
	DemoKey       string            // sent as x-cg-demo-api-key (Demo host only)
	ProKey        string            // sent as x-cg-pro-api-key (Pro host only); never both keys
	Pages         int               // /coins/markets pages of PerPage; default 4 (top 1,000)
	PerPage       int               // default 250 (the API maximum)
	Categories    map[string]string // CoinGecko category id -> sector tag; nil = DefaultCategories, empty = none
	CategoryPages int               // pages per category; default 1
	ChartCoins    []string          // CoinGecko ids for market_chart; nil = bitcoin, ethereum; empty = none
	// ChartTop adds the ChartTop largest coins of the markets listing to ChartCoins, so a first
	// ingest already has a week of daily prices, market caps and volumes for the report's largest
	// tokens (weekly markets snapshots cover the full universe from the second week on).
	ChartTop     int
	MaxChartDays int // default 365 (Demo/public history limit, error 10012 beyond)
	// HistoryDays is the window of a first ingest (since zero) with a Pro key: for
	// /global/market_cap_chart (rounded up to the values the endpoint takes) and for the
	// configured ChartCoins. 0 = "max", all of CoinGecko's history: one call each.
	HistoryDays     int
	SkipTrending    bool
	SkipGlobal      bool
	SkipGlobalChart bool                 // never request /global/market_cap_chart, even with a Pro key
	Now             func() time.Time     // default time.Now
	Logf            func(string, ...any) // warnings (unknown categories, skipped rows); may be nil
}

type getter interface {
	Get(ctx context.Context, r httpx.Request) (*httpx.Response, error)
}

// Source is the CoinGecko connector.
type Source struct {
	c      getter
	o      Options
	header http.Header
	secret []string
}

// New checks the options and builds the connector.
func New(c *httpx.Client, o Options) (*Source, error) {
	if c == nil {
		return nil, errors.New("coingecko: nil fetch client")
	}
	return newSource(c, o)
}

func newSource(c getter, o Options) (*Source, error) {
	o.DemoKey, o.ProKey = strings.TrimSpace(o.DemoKey), strings.TrimSpace(o.ProKey)
	if o.DemoKey != "" && o.ProKey != "" {
		return nil, errors.New("coingecko: both a Demo and a Pro API key are configured; set only one")
	}
	if o.BaseURL == "" {
		o.BaseURL = DemoBase
		if o.ProKey != "" {
			o.BaseURL = ProBase
		}
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	bu, err := url.Parse(o.BaseURL)
	if err != nil || bu.Host == "" {
		return nil, fmt.Errorf("coingecko: invalid base URL %q", o.BaseURL)
	}
	switch host := strings.ToLower(bu.Hostname()); {
	case host == "api.coingecko.com" && o.ProKey != "":
		return nil, errors.New("coingecko: a Pro key must not be sent to api.coingecko.com (use " + ProBase + ")")
	case host == "pro-api.coingecko.com" && o.DemoKey != "":
		return nil, errors.New("coingecko: a Demo key must not be sent to pro-api.coingecko.com (use " + DemoBase + ")")
	}
	if o.Pages == 0 {
		o.Pages = 4
	}
	if o.PerPage <= 0 || o.PerPage > 250 {
		o.PerPage = 250
	}
	if o.Categories == nil {
		o.Categories = DefaultCategories
	}
	if o.CategoryPages <= 0 {
		o.CategoryPages = 1
	}
	if o.ChartCoins == nil {
		o.ChartCoins = []string{"bitcoin", "ethereum"}
	}
	seen := map[string]bool{}
	coins := make([]string, 0, len(o.ChartCoins))
	for _, c := range o.ChartCoins {
		if c = strings.TrimSpace(c); c != "" && !seen[c] {
			seen[c] = true
			coins = append(coins, c)
		}
	}
	o.ChartCoins = coins
	if o.MaxChartDays <= 0 {
		o.MaxChartDays = 365
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Source{c: c, o: o, header: http.Header{}}
	switch {
	case o.DemoKey != "":
		s.header.Set(DemoKeyHeader, o.DemoKey)
		s.secret = []string{DemoKeyHeader}
	case o.ProKey != "":
		s.header.Set(ProKeyHeader, o.ProKey)
		s.secret = []string{ProKeyHeader}
	}
	return s, nil
}

// Name implements cryptoweekly.Source.
func (s *Source) Name() string { return "coingecko" }

func (s *Source) logf(format string, args ...any) {
	if s.o.Logf != nil {
		s.o.Logf(format, args...)
	}
}

func (s *Source) url(path string, q url.Values) string {
	u := s.o.BaseURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func (s *Source) get(ctx context.Context, endpoint, u string) (*httpx.Response, error) {
	resp, err := s.c.Get(ctx, httpx.Request{
		Source: "coingecko", Endpoint: endpoint, URL: u, Header: s.header.Clone(),
		SecretHeaders: s.secret, SecretParams: []string{"x_cg_demo_api_key", "x_cg_pro_api_key"},
	})
	if err != nil {
		return nil, err // fetch errors already name source, endpoint and (redacted) URL
	}
	if resp == nil {
		return nil, fmt.Errorf("coingecko: %s: no response", endpoint)
	}
	return resp, nil
}

func (s *Source) prov(id cw.SourceID, location string, at time.Time, notes ...string) cw.Provenance {
	return cw.Provenance{ID: id, Provider: "CoinGecko", Location: location, FetchedAt: at.UTC(), Licence: Licence, Note: provnote.Join(notes...)}
}

func marketsQuery(page, perPage int) url.Values {
	return url.Values{
		"vs_currency": {"usd"}, "order": {"market_cap_desc"}, "per_page": {strconv.Itoa(perPage)},
		"page": {strconv.Itoa(page)}, "price_change_percentage": {"24h,7d"},
	}
}

// fetchMarkets reads up to pages pages of /coins/markets (extra query in q), stopping at a short
// page. It returns rows in API order, the first response and the number of malformed rows.
func (s *Source) fetchMarkets(ctx context.Context, endpoint string, pages int, extra url.Values) ([]Market, *httpx.Response, int, error) {
	var rows []Market
	var first *httpx.Response
	skipped := 0
	for page := 1; page <= pages; page++ {
		q := marketsQuery(page, s.o.PerPage)
		for k, v := range extra {
			q[k] = v
		}
		resp, err := s.get(ctx, endpoint, s.url("/coins/markets", q))
		if err != nil {
			return nil, nil, 0, err
		}
		if first == nil {
			first = resp
		}
		r, sk, err := DecodeMarkets(resp.Body)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("%w (GET %s)", err, resp.URL)
		}
		rows = append(rows, r...)
		skipped += sk
		if len(r)+sk < s.o.PerPage {
			break
		}
	}
	return rows, first, skipped, nil
}

// Fetch implements cryptoweekly.Source. It is all-or-nothing apart from configured categories
// that CoinGecko no longer lists (reported in the coingecko-categories note and via Logf).
func (s *Source) Fetch(ctx context.Context, since time.Time) ([]cw.Batch, error) {
	ids := NewIDs()
	var out []cw.Batch
	var chartErr error

	// 1. Top-N listing. IDs are assigned here first, in market-cap order.
	var listing []Market
	var listingResp *httpx.Response
	listingSkipped := 0
	if s.o.Pages > 0 {
		rows, resp, sk, err := s.fetchMarkets(ctx, "/coins/markets", s.o.Pages, nil)
		if err != nil {
			return nil, err
		}
		listing, listingResp, listingSkipped = SortByMarketCap(rows), resp, sk
		for _, m := range listing {
			ids.Assign(string(m.Symbol), string(m.ID))
		}
	}

	// 2. Categories.
	tags := map[string][]string{}
	if len(s.o.Categories) > 0 {
		b, err := s.fetchCategories(ctx, ids, tags)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	if listingResp != nil {
		loc := s.url("/coins/markets", marketsQuery(1, s.o.PerPage))
		prov := s.prov(SourceMarkets, loc, listingResp.FetchedAt,
			fmt.Sprintf("Top %d coins by market cap (USD) from %d page(s) of /coins/markets, snapshot on the fetch day.", len(listing), s.o.Pages),
			"pct_change_24h/7d are CoinGecko rolling windows ending at last_updated; null fields give no observation; market_cap 0 is treated as unknown.",
			provnote.Skipped(listingSkipped))
		out = append([]cw.Batch{MarketsBatch(prov, listing, ids, listingResp.FetchedAt, tags)}, out...)
	}

	// 3. Trending.
	if !s.o.SkipTrending {
		u := s.url("/search/trending", nil)
		resp, err := s.get(ctx, "/search/trending", u)
		if err != nil {
			return nil, err
		}
		coins, err := DecodeTrending(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("%w (GET %s)", err, resp.URL)
		}
		out = append(out, TrendingBatch(s.prov(SourceTrending, u, resp.FetchedAt,
			"CoinGecko /search/trending: coins ranked by coingecko.com SEARCH interest over the last 24h (search interest, not social volume); trend_rank is 1-based; market_cap/volume_24h parsed from CoinGecko's formatted \"$1,234\" strings."),
			coins, resp.FetchedAt))
	}

	// 4. Global snapshot, then its history where the plan allows.
	var globalChartErr error
	historyNote := ""
	switch {
	case s.o.SkipGlobalChart:
	case s.o.ProKey == "":
		historyNote = "No history: /global/market_cap_chart is for CoinGecko paid plans only; with a Pro key (" + EnvProKey + ") ingest stores the daily total market cap and volume as coingecko-global-chart."
		s.logf("coingecko: /global/market_cap_chart skipped: it needs a paid-plan Pro key (%s)", EnvProKey)
	default:
		b, err := s.fetchGlobalChart(ctx, since)
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			// The history is an addition to the snapshot: its refusal (a key whose plan lacks
			// the route) or a bad body must not cost the markets, charts and snapshot.
			globalChartErr = err
			s.logf("coingecko: %v", err)
		} else {
			out = append(out, b)
		}
	}
	if !s.o.SkipGlobal {
		u := s.url("/global", nil)
		resp, err := s.get(ctx, "/global", u)
		if err != nil {
			return nil, err
		}
		g, err := DecodeGlobal(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("%w (GET %s)", err, resp.URL)
		}
		out = append(out, GlobalBatch(s.prov(SourceGlobal, u, resp.FetchedAt,
			"CoinGecko /global snapshot on the fetch day (no free history): total market cap and 24h volume in USD, BTC/ETH share of total market cap in percent.",
			historyNote),
			g, resp.FetchedAt))
	}

	// 5. Daily charts (entities described exactly as in the markets/categories batches).
	coins := s.o.ChartCoins
	if s.o.ChartTop > 0 {
		have := map[string]bool{}
		for _, c := range coins {
			have[c] = true
		}
		coins = append([]string(nil), coins...)
		for i := 0; i < len(listing) && i < s.o.ChartTop; i++ {
			if id := string(listing[i].ID); id != "" && !have[id] {
				have[id] = true
				coins = append(coins, id)
			}
		}
	}
	if len(coins) > 0 {
		ents := map[string]cw.Entity{}
		for _, b := range out {
			if b.Source.ID == SourceMarkets || b.Source.ID == SourceCategories {
				for _, e := range b.Entities {
					if _, ok := ents[e.Attrs["coingecko_id"]]; !ok {
						ents[e.Attrs["coingecko_id"]] = e
					}
				}
			}
		}
		long := map[string]bool{}
		if s.o.ProKey != "" && !s.o.SkipGlobalChart && since.IsZero() {
			for _, c := range s.o.ChartCoins {
				long[c] = true
			}
		}
		b, err := s.fetchCharts(ctx, coins, long, ents, since)
		if err != nil && ctx.Err() != nil {
			return nil, err
		}
		// Coins whose chart failed are left out of the batch; the rest is returned with the
		// error, so ingest stores it and reports the source as partial.
		chartErr = err
		out = append(out, b)
	}
	for i := range out {
		if err := out[i].Validate(); err != nil {
			return nil, fmt.Errorf("coingecko: %w", err)
		}
	}
	return out, errors.Join(chartErr, globalChartErr)
}

// chartDays is the number of days a chart needs to reach since (with a day's margin each side),
// at least 2 (daily points) and at most limit; limit when since is zero.
func (s *Source) chartDays(since time.Time, limit int) int {
	if since.IsZero() {
		return limit
	}
	d := int(cw.Day(s.o.Now().UTC()).Sub(cw.Day(since)).Hours()/24) + 2
	return min(max(d, 2), limit)
}

// globalChartWindows are the days /global/market_cap_chart accepts besides "max" (the
// generated SDK's enum); "1" is left out because it is hourly.
var globalChartWindows = []int{7, 14, 30, 90, 180, 365}

// globalChartDays is the smallest window the endpoint takes that reaches since, "max" on a
// first ingest without HistoryDays.
func (s *Source) globalChartDays(since time.Time) string {
	need := s.o.HistoryDays
	if !since.IsZero() {
		need = s.chartDays(since, 1<<30)
	}
	if need <= 0 {
		return "max"
	}
	for _, w := range globalChartWindows {
		if need <= w {
			return strconv.Itoa(w)
		}
	}
	return "max"
}

// fetchGlobalChart reads /global/market_cap_chart into a batch of its own, validated here so
// that a bad value costs this part only.
func (s *Source) fetchGlobalChart(ctx context.Context, since time.Time) (cw.Batch, error) {
	const endpoint = "/global/market_cap_chart"
	q := url.Values{"vs_currency": {"usd"}, "days": {s.globalChartDays(since)}}
	resp, err := s.c.Get(ctx, httpx.Request{
		Source: "coingecko", Endpoint: endpoint, URL: s.url(endpoint, q), Header: s.header.Clone(),
		SecretHeaders: s.secret, SecretParams: []string{"x_cg_demo_api_key", "x_cg_pro_api_key"},
	})
	if err != nil {
		var he *httpx.HTTPError
		if errors.As(err, &he) && (he.Status == 401 || he.Status == 403) {
			msg := "no message"
			if resp != nil {
				if m := s.redact(flexjson.APIMessage(resp.Body)); m != "" {
					msg = "CoinGecko says " + strconv.Quote(m)
				}
			}
			return cw.Batch{}, fmt.Errorf("coingecko: %s: HTTP %d, %s: this history needs a paid plan's Pro key; kept the rest of the source without it: %w", endpoint, he.Status, msg, err)
		}
		return cw.Batch{}, err
	}
	if resp == nil {
		return cw.Batch{}, fmt.Errorf("coingecko: %s: no response", endpoint)
	}
	g, err := DecodeGlobalChart(resp.Body)
	if err != nil {
		return cw.Batch{}, fmt.Errorf("%w (GET %s)", err, resp.URL)
	}
	b := GlobalChartBatch(s.prov(SourceGlobalChart, s.url(endpoint, q), resp.FetchedAt,
		"Daily history of the whole market from /global/market_cap_chart?vs_currency=usd&days="+q.Get("days")+" (CoinGecko paid plans only): total market cap and total volume in USD on index:crypto-market, beside the /global snapshots.",
		"Value of day D is CoinGecko's 00:00 UTC point of D (the total at the start of D; volume is the rolling 24h volume to that instant), the day rule of the coins' market charts, so a coin's market cap and the total of one day are the same instant; the intraday 'now' point of the fetch day is dropped."),
		g, resp.FetchedAt, since)
	if err := b.Validate(); err != nil {
		return cw.Batch{}, fmt.Errorf("coingecko: %s: %w (GET %s)", endpoint, err, resp.URL)
	}
	return b, nil
}

// redact removes the configured keys from text quoted back from a response.
func (s *Source) redact(text string) string {
	for _, k := range []string{s.o.DemoKey, s.o.ProKey} {
		if k != "" {
			text = strings.ReplaceAll(text, k, "REDACTED")
		}
	}
	return text
}

func (s *Source) fetchCategories(ctx context.Context, ids *IDs, tags map[string][]string) (cw.Batch, error) {
	listURL := s.url("/coins/categories/list", nil)
	resp, err := s.get(ctx, "/coins/categories/list", listURL)
	if err != nil {
		return cw.Batch{}, err
	}
	list, err := DecodeCategoriesList(resp.Body)
	if err != nil {
		return cw.Batch{}, fmt.Errorf("%w (GET %s)", err, resp.URL)
	}
	if len(list) == 0 {
		return cw.Batch{}, fmt.Errorf("coingecko: /coins/categories/list: empty list (GET %s)", resp.URL)
	}
	unknown := UnknownCategories(s.o.Categories, list)
	bad := map[string]bool{}
	for _, id := range unknown {
		bad[id] = true
		s.logf("coingecko: configured category %q is not in /coins/categories/list (discontinued?); skipped", id)
	}
	var members []Market
	skipped := 0
	var used []string
	for _, id := range sortedKeys(s.o.Categories) {
		if bad[id] {
			continue
		}
		rows, _, sk, err := s.fetchMarkets(ctx, "/coins/markets?category", s.o.CategoryPages, url.Values{"category": {id}})
		if err != nil {
			return cw.Batch{}, err
		}
		skipped += sk
		used = append(used, id)
		for _, m := range rows {
			tags[string(m.ID)] = addTags(tags[string(m.ID)], CategoryTags(id, s.o.Categories[id])...)
		}
		members = append(members, rows...)
	}
	members = SortByMarketCap(members)
	unknownNote := ""
	if len(unknown) > 0 {
		unknownNote = "Configured categories not listed by CoinGecko (skipped): " + strings.Join(unknown, ", ") + "."
	}
	prov := s.prov(SourceCategories, s.url("/coins/markets", url.Values{"category": {"<id>"}, "vs_currency": {"usd"}}), resp.FetchedAt,
		fmt.Sprintf("Category membership from /coins/markets?category=<id> (first %d coins by market cap per category) for: %s.", s.o.CategoryPages*s.o.PerPage, strings.Join(used, ", ")),
		"Tags: cg:<category id> plus our sector:* tag where mapped. Market metrics are as in coingecko-markets.",
		unknownNote, provnote.Skipped(skipped))
	return MarketsBatch(prov, members, ids, resp.FetchedAt, tags), nil
}

// fetchCharts charts coins over the usual window, and the coins in long over HistoryDays
// ("max" when 0): the Pro key's first ingest of the coins dominance history is computed from.
func (s *Source) fetchCharts(ctx context.Context, coins []string, long map[string]bool, ents map[string]cw.Entity, since time.Time) (cw.Batch, error) {
	days := s.chartDays(since, s.o.MaxChartDays)
	q := url.Values{"vs_currency": {"usd"}, "days": {strconv.Itoa(days)}, "interval": {"daily"}}
	longDays := "max"
	if s.o.HistoryDays > 0 {
		longDays = strconv.Itoa(s.o.HistoryDays)
	}
	var longCoins []string
	var b cw.Batch
	var first time.Time
	var missing, failed []string
	var failures []error
	for _, coin := range coins {
		endpoint := "/coins/{id}/market_chart"
		cq := q
		if long[coin] {
			cq = url.Values{"vs_currency": {"usd"}, "days": {longDays}, "interval": {"daily"}}
			longCoins = append(longCoins, coin)
		}
		resp, err := s.get(ctx, endpoint, s.url("/coins/"+url.PathEscape(coin)+"/market_chart", cq))
		if err != nil {
			if ctx.Err() != nil {
				return cw.Batch{}, err
			}
			// One coin's chart failing (delisted id, a 404) must not cost the whole source its
			// markets, categories and other charts: skip it and say so in the provenance.
			failed = append(failed, coin)
			failures = append(failures, err)
			s.logf("coingecko: market_chart %s: %v", coin, err)
			continue
		}
		if first.IsZero() {
			first = resp.FetchedAt
		}
		c, err := DecodeMarketChart(resp.Body)
		if err != nil {
			return cw.Batch{}, fmt.Errorf("%w (coin %s, GET %s)", err, coin, resp.URL)
		}
		ent, ok := ents[coin]
		if !ok {
			// Not in the listing: we do not know its symbol, so we cannot name it consistently.
			missing = append(missing, coin)
			s.logf("coingecko: market_chart coin %q is not in the markets listing; skipped", coin)
			continue
		}
		b.Entities = append(b.Entities, ent)
		b.Observations = append(b.Observations, ChartObservations(SourceMarketChart, ent.ID, c, resp.FetchedAt, since)...)
	}
	missingNote := ""
	if len(missing) > 0 {
		missingNote = "Skipped (not in the markets listing, symbol unknown): " + strings.Join(missing, ", ") + "."
	}
	if len(failed) > 0 {
		missingNote += " Failed to fetch (skipped): " + strings.Join(failed, ", ") + "."
	}
	longNote := ""
	if len(longCoins) > 0 {
		longNote = "With the Pro key's first ingest, " + strings.Join(longCoins, ", ") + " charted with days=" + longDays + " (the window of /global/market_cap_chart, for dominance history)."
	}
	b.Source = s.prov(SourceMarketChart, s.url("/coins/{id}/market_chart", q), first,
		fmt.Sprintf("Daily series from /coins/{id}/market_chart?interval=daily&days=%d (Demo/public history is limited to 365 days).", days),
		"Value of day D is CoinGecko's 00:00 UTC point of D (price at the start of D; volume_24h is the rolling 24h volume to that instant, i.e. mostly day D-1).",
		"The intraday 'now' point of the fetch day is dropped; when a day has several points the 00:00 one wins (first in the response if duplicated), else the earliest.",
		longNote, missingNote)
	return b, errors.Join(failures...)
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func init() {
	for _, d := range []cw.Definition{
		{ID: DefDominanceGlobal, Source: SourceGlobal, Metric: cw.MetricBTCDominancePct,
			Text: "BTC share of total crypto market cap, CoinGecko /global."},
		{ID: DefTotalCapChart, Source: SourceGlobalChart, Metric: MetricTotalMarketCapUSD,
			Text: "Total crypto market capitalisation in USD at 00:00 UTC of the day, CoinGecko /global/market_cap_chart (paid plans; daily history)."},
		{ID: DefTotalVolumeChart, Source: SourceGlobalChart, Metric: MetricTotalVolumeUSD,
			Text: "Total crypto 24h trading volume in USD to 00:00 UTC of the day, CoinGecko /global/market_cap_chart (paid plans; daily history)."},
	} {
		cw.RegisterDefinition(d)
	}
}
