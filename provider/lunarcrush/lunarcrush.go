// Package lunarcrush is the live LunarCrush API v4 connector (cryptoweekly.Source "lunarcrush").
// It needs a key (Authorization: Bearer <key>, paid plan); New returns ErrNoKey without one.
//
// One Fetch makes two calls:
//
//   - /api4/public/category/cryptocurrencies/topics/v1 → "lunarcrush-topics": crypto social
//     topics as topic:<topic> (Name = title) with topic_rank, interactions_24h and
//     num_contributors on the fetch day. The global /topics/list/v1 is NOT used: it ranks all of
//     social (sports, politics…), not crypto.
//   - /api4/public/coins/list/v2?sort=market_cap_rank&limit=N&page=0 → "lunarcrush-coins":
//     galaxy_score, alt_rank, social_dominance, interactions_24h on asset:<symbol> (later coins
//     with an already-used symbol: asset:<symbol>-lc-<lunarcrush id>), Tags "lc:<category>" from
//     the comma-separated categories string (lc:meme is a meme classifier).
//
// All metrics are LunarCrush's rolling 24h aggregates at fetch time.
package lunarcrush

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/assetid"
	"cryptoweekly/internal/flexjson"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/provnote"
)

// Base is the production host.
const Base = "https://lunarcrush.com"

// Provenance ids.
const (
	SourceTopics = cw.SourceID("lunarcrush-topics")
	SourceCoins  = cw.SourceID("lunarcrush-coins")
)

// Licence is carried by every LunarCrush provenance.
const Licence = "LunarCrush API terms (paid subscription; attribution to LunarCrush)"

// ErrNoKey is returned by New when no key is configured: the source is disabled.
var ErrNoKey = errors.New("lunarcrush: no API key configured (source disabled)")

// Options configure the connector.
type Options struct {
	BaseURL    string // default Base
	Key        string // required
	CoinsLimit int    // coins/list/v2 rows, default 1000 (API max)
	SkipTopics bool
	SkipCoins  bool
	Logf       func(string, ...any)
}

type getter interface {
	Get(ctx context.Context, r httpx.Request) (*httpx.Response, error)
}

// Source is the LunarCrush connector.
type Source struct {
	c getter
	o Options
}

// New builds the connector; ErrNoKey without a key.
func New(c *httpx.Client, o Options) (*Source, error) {
	if c == nil {
		return nil, errors.New("lunarcrush: nil fetch client")
	}
	key, base, err := httpx.KeyedRoot("lunarcrush", o.Key, o.BaseURL, Base, ErrNoKey)
	if err != nil {
		return nil, err
	}
	o.Key, o.BaseURL = key, base
	if o.CoinsLimit <= 0 || o.CoinsLimit > 1000 {
		o.CoinsLimit = 1000
	}
	return &Source{c: c, o: o}, nil
}

// Name implements cryptoweekly.Source.
func (s *Source) Name() string { return "lunarcrush" }

func (s *Source) get(ctx context.Context, endpoint string, q url.Values) (*httpx.Response, error) {
	u := s.o.BaseURL + endpoint
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+s.o.Key)
	resp, err := s.c.Get(ctx, httpx.Request{
		Source: "lunarcrush", Endpoint: endpoint, URL: u, Header: h,
		SecretHeaders: []string{"Authorization"}, SecretParams: []string{"key", "api_key"},
	})
	if err != nil {
		return nil, err // names source, endpoint and the redacted URL; body snippet redacted
	}
	if resp == nil {
		return nil, fmt.Errorf("lunarcrush: %s: no response", endpoint)
	}
	return resp, nil
}

func (s *Source) wrap(err error, resp *httpx.Response) error {
	return fmt.Errorf("%s (GET %s)", strings.ReplaceAll(err.Error(), s.o.Key, "REDACTED"), resp.URL)
}

// Fetch implements cryptoweekly.Source (all-or-nothing). since is unused: both endpoints are
// snapshots of the fetch day.
func (s *Source) Fetch(ctx context.Context, since time.Time) ([]cw.Batch, error) {
	var out []cw.Batch
	if !s.o.SkipTopics {
		const ep = "/api4/public/category/cryptocurrencies/topics/v1"
		resp, err := s.get(ctx, ep, nil)
		if err != nil {
			return nil, err
		}
		topics, skipped, err := DecodeTopics(resp.Body)
		if err != nil {
			return nil, s.wrap(err, resp)
		}
		prov := cw.Provenance{ID: SourceTopics, Provider: "LunarCrush", Location: resp.URL, FetchedAt: resp.FetchedAt, Licence: Licence,
			Note: provnote.Join("Crypto-category social topics (not the all-of-social global topic list); topic_rank 1 = most active; interactions_24h and num_contributors are rolling 24h at fetch time.", provnote.Skipped(skipped))}
		out = append(out, TopicsBatch(prov, topics, resp.FetchedAt))
	}
	if !s.o.SkipCoins {
		const ep = "/api4/public/coins/list/v2"
		resp, err := s.get(ctx, ep, url.Values{"sort": {"market_cap_rank"}, "limit": {strconv.Itoa(s.o.CoinsLimit)}, "page": {"0"}})
		if err != nil {
			return nil, err
		}
		coins, skipped, err := DecodeCoins(resp.Body)
		if err != nil {
			return nil, s.wrap(err, resp)
		}
		prov := cw.Provenance{ID: SourceCoins, Provider: "LunarCrush", Location: resp.URL, FetchedAt: resp.FetchedAt, Licence: Licence,
			Note: provnote.Join(fmt.Sprintf("Social metrics of the top %d coins by market cap rank from /coins/list/v2 on the fetch day: galaxy_score (0-100, LunarCrush composite), alt_rank (1 = best), social_dominance (percent of crypto social volume), interactions_24h. Tags lc:<category> from LunarCrush categories.", len(coins)), provnote.Skipped(skipped))}
		out = append(out, CoinsBatch(prov, coins, resp.FetchedAt))
	}
	for i := range out {
		if err := out[i].Validate(); err != nil {
			return nil, fmt.Errorf("lunarcrush: %w", err)
		}
	}
	return out, nil
}

// dataArray reads {"data":[...]}; an {"error": "..."} body (LunarCrush answers some plan/auth
// problems with a 200) is an error naming the endpoint.
func dataArray(body []byte, endpoint string) (json.RawMessage, error) {
	var env struct {
		Data  json.RawMessage `json:"data"`
		Error flexjson.Str    `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("lunarcrush: %s: body is not a JSON object: %w", endpoint, err)
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		if env.Error != "" {
			return nil, fmt.Errorf("lunarcrush: %s: API error: %s", endpoint, flexjson.CleanText(string(env.Error), 300))
		}
		return nil, fmt.Errorf("lunarcrush: %s: no data array", endpoint)
	}
	return env.Data, nil
}

// Topic is one row of the topics list.
type Topic struct {
	Topic           flexjson.Str `json:"topic"`
	Title           flexjson.Str `json:"title"`
	Rank            flexjson.Num `json:"topic_rank"`
	Interactions24h flexjson.Num `json:"interactions_24h"`
	Contributors    flexjson.Num `json:"num_contributors"`
}

// DecodeTopics decodes /category/cryptocurrencies/topics/v1 (same shape as /topics/list/v1).
func DecodeTopics(body []byte) ([]Topic, int, error) {
	const ep = "/api4/public/category/cryptocurrencies/topics/v1"
	data, err := dataArray(body, ep)
	if err != nil {
		return nil, 0, err
	}
	all, skipped, err := flexjson.DecodeArray[Topic](data, "lunarcrush", ep+" data")
	if err != nil {
		return nil, 0, err
	}
	out := all[:0]
	for _, t := range all {
		t.Topic = flexjson.Str(flexjson.CleanText(string(t.Topic), 200))
		t.Title = flexjson.Str(flexjson.CleanText(string(t.Title), 200))
		if cw.NormKey(string(t.Topic)) == "" {
			skipped++
			continue
		}
		out = append(out, t)
	}
	return out, skipped, nil
}

// TopicsBatch builds topic entities; two rows that normalise to one key keep the better rank.
func TopicsBatch(prov cw.Provenance, topics []Topic, at time.Time) cw.Batch {
	day := cw.Day(at)
	s := append([]Topic(nil), topics...)
	sort.SliceStable(s, func(i, j int) bool { return rankLess(s[i].Rank, s[j].Rank) })
	b := cw.Batch{Source: prov}
	seen := map[string]bool{}
	for _, t := range s {
		id := cw.EntityID(cw.KindTopic, string(t.Topic))
		if seen[id] {
			continue
		}
		seen[id] = true
		name := string(t.Title)
		if name == "" {
			name = string(t.Topic)
		}
		b.Entities = append(b.Entities, cw.Entity{ID: id, Kind: cw.KindTopic, Name: name, Tags: []string{"lc:cryptocurrencies"}, Attrs: map[string]string{"lunarcrush_topic": string(t.Topic)}})
		add(&b, id, day, cw.MetricTopicRank, t.Rank, 1, -1)
		add(&b, id, day, MetricInteractions24h, t.Interactions24h, 0, -1)
		add(&b, id, day, MetricNumContributors, t.Contributors, 0, -1)
	}
	return b
}

// Coin is one row of /coins/list/v2.
type Coin struct {
	ID              flexjson.Str    `json:"id"`
	Symbol          flexjson.Str    `json:"symbol"`
	Name            flexjson.Str    `json:"name"`
	Topic           flexjson.Str    `json:"topic"`
	MarketCapRank   flexjson.Num    `json:"market_cap_rank"`
	GalaxyScore     flexjson.Num    `json:"galaxy_score"`
	AltRank         flexjson.Num    `json:"alt_rank"`
	SocialDominance flexjson.Num    `json:"social_dominance"`
	Interactions24h flexjson.Num    `json:"interactions_24h"`
	RawCategories   json.RawMessage `json:"categories"`
	Categories      []string        `json:"-"`
}

// DecodeCoins decodes /coins/list/v2. categories is a comma-separated string ("layer-1,meme");
// an array of strings is accepted too.
func DecodeCoins(body []byte) ([]Coin, int, error) {
	const ep = "/api4/public/coins/list/v2"
	data, err := dataArray(body, ep)
	if err != nil {
		return nil, 0, err
	}
	all, skipped, err := flexjson.DecodeArray[Coin](data, "lunarcrush", ep+" data")
	if err != nil {
		return nil, 0, err
	}
	out := all[:0]
	for _, c := range all {
		c.ID = flexjson.Str(flexjson.CleanText(string(c.ID), 40))
		c.Symbol = flexjson.Str(flexjson.CleanText(string(c.Symbol), 64))
		c.Name = flexjson.Str(flexjson.CleanText(string(c.Name), 200))
		c.Topic = flexjson.Str(flexjson.CleanText(string(c.Topic), 200))
		if cw.NormKey(string(c.Symbol)) == "" {
			skipped++
			continue
		}
		c.Categories = splitCategories(c.RawCategories)
		c.RawCategories = nil
		out = append(out, c)
	}
	return out, skipped, nil
}

func splitCategories(b json.RawMessage) []string {
	var parts []string
	var s string
	if json.Unmarshal(b, &s) == nil {
		parts = strings.Split(s, ",")
	} else {
		var arr []flexjson.Str
		if json.Unmarshal(b, &arr) != nil {
			return nil
		}
		for _, a := range arr {
			parts = append(parts, string(a))
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range parts {
		k := cw.NormKey(flexjson.CleanText(p, 100))
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// CoinsBatch builds asset entities with social metrics. Rows are ordered by market_cap_rank for
// ID assignment: the first coin of a symbol owns asset:<symbol>.
func CoinsBatch(prov cw.Provenance, coins []Coin, at time.Time) cw.Batch {
	day := cw.Day(at)
	s := append([]Coin(nil), coins...)
	sort.SliceStable(s, func(i, j int) bool { return rankLess(s[i].MarketCapRank, s[j].MarketCapRank) })
	b := cw.Batch{Source: prov}
	// Claim, not Assign: a LunarCrush id listed twice gets a second ID (as it always has)
	// rather than being merged; collisions get "asset:<symbol>-lc-<id>".
	ids := assetid.New()
	for _, c := range s {
		id := ids.Claim(cw.NormKey(string(c.Symbol)), "lc-"+string(c.ID))
		var tags []string
		for _, cat := range c.Categories {
			tags = append(tags, "lc:"+cat)
		}
		attrs := map[string]string{"lunarcrush_id": string(c.ID)}
		if c.Topic != "" {
			attrs["lunarcrush_topic"] = string(c.Topic)
		}
		b.Entities = append(b.Entities, cw.Entity{ID: id, Kind: cw.KindAsset, Name: string(c.Name), Symbol: strings.ToUpper(string(c.Symbol)), Tags: tags, Attrs: attrs})
		add(&b, id, day, MetricGalaxyScore, c.GalaxyScore, 0, 100)
		add(&b, id, day, MetricAltRank, c.AltRank, 1, -1)
		add(&b, id, day, MetricSocialDominance, c.SocialDominance, 0, 100)
		add(&b, id, day, MetricInteractions24h, c.Interactions24h, 0, -1)
	}
	return b
}

// add appends an observation when n is valid and within [lo, hi] (hi < 0: no upper bound).
func add(b *cw.Batch, entity string, day time.Time, metric cw.Metric, n flexjson.Num, lo, hi float64) {
	if !n.Valid || n.Value < lo || (hi >= 0 && n.Value > hi) {
		return
	}
	b.Observations = append(b.Observations, cw.Observation{Entity: entity, Metric: metric, Day: day, Value: n.Value, Source: b.Source.ID})
}

// rankLess orders valid ranks (>= 1) ascending before missing ones.
func rankLess(a, b flexjson.Num) bool {
	av, bv := a.Valid && a.Value >= 1, b.Valid && b.Value >= 1
	if av != bv {
		return av
	}
	return av && a.Value < b.Value
}
