// Package defillama is everything of DefiLlama: the connector that fetches TVL, DEX and perps
// volume, stablecoin supply and prices from its free API (api.llama.fi, stablecoins.llama.fi,
// coins.llama.fi; no key), the bundled file families (files.go), which share the connector's
// decoders, chain table and id constants where they hold the same payloads, and the provider
// registration (provider.go).
//
// Fetch returns one Batch per endpoint family (protocols snapshot, protocol TVL histories, total
// DeFi TVL, chain TVL, DEX volume, perps volume, stablecoins) so a store commits each whole.
// Decoders are pure functions of the body (plus the fetch time where "today" matters) and are
// fuzzed.
//
// Per-endpoint decisions (see decode.go for details):
//   - /protocols: tvl snapshot on the fetch day; CEX and Chain rows get an entity but no tvl.
//   - TVL histories: the 00:00 UTC point is the day's value; the final intraday point is dropped.
//   - DEX and perps (/overview/derivatives) totalDataChart: bars for the fetch day (and later)
//     are partial and dropped; perps go to the bundled export's entity and metric.
//   - stablecoincharts: points for the fetch day are dropped; /stablecoins snapshots only for coins
//     whose series is not fetched.
//   - Chain labels (old and new) go through ChainID.
package defillama

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
)

// Default hosts.
const (
	DefaultAPIURL         = "https://api.llama.fi"
	DefaultStablecoinsURL = "https://stablecoins.llama.fi"
	DefaultCoinsURL       = "https://coins.llama.fi"
	// DefaultTopChains is how many chains (by /v2/chains TVL) get TVL and DEX histories when
	// Options.Chains is empty.
	DefaultTopChains = 20
)

// Options configure the connector.
type Options struct {
	APIURL         string   // default https://api.llama.fi
	StablecoinsURL string   // default https://stablecoins.llama.fi
	CoinsURL       string   // default https://coins.llama.fi
	Protocols      []string // slugs whose /protocol/{slug} TVL history to fetch (the report's shortlist)
	Chains         []string // chain labels (old or new) for TVL/DEX histories; default: top DefaultTopChains by TVL
	TopChains      int      // overrides DefaultTopChains
	Stablecoins    []string // symbols whose daily supply to fetch; default USDT, USDC
	PriceHistory   []string // CoinGecko ids whose daily prices to fetch from coins.llama.fi (none by default)
	// Shortlist, when Protocols is empty, picks the protocols whose history to fetch from the
	// /protocols snapshot: those with TVL >= ShortlistMinTVL, the Shortlist largest |change_7d|
	// plus the Shortlist largest by TVL — the candidates the weekly report can rank.
	Shortlist       int
	ShortlistMinTVL float64
	Logf            func(format string, args ...any)
}

// Source implements cryptoweekly.Source.
type Source struct {
	c *httpx.Client
	o Options
}

// New builds the connector.
func New(client *httpx.Client, o Options) *Source {
	trim := func(s, def string) string {
		if s == "" {
			return def
		}
		return strings.TrimRight(s, "/")
	}
	o.APIURL = trim(o.APIURL, DefaultAPIURL)
	o.StablecoinsURL = trim(o.StablecoinsURL, DefaultStablecoinsURL)
	o.CoinsURL = trim(o.CoinsURL, DefaultCoinsURL)
	if o.TopChains <= 0 {
		o.TopChains = DefaultTopChains
	}
	if len(o.Stablecoins) == 0 {
		o.Stablecoins = []string{"USDT", "USDC"}
	}
	return &Source{c: client, o: o}
}

// Name implements cryptoweekly.Source.
func (s *Source) Name() string { return "defillama" }

func (s *Source) logf(format string, args ...any) {
	if s.o.Logf != nil {
		s.o.Logf(format, args...)
	}
}

func (s *Source) get(ctx context.Context, endpoint, u string) (*httpx.Response, error) {
	return s.c.Get(ctx, httpx.Request{Source: s.Name(), Endpoint: endpoint, URL: u})
}

// family accumulates the responses and batches of one endpoint family.
type family struct {
	id        cw.SourceID
	locations []string
	fetchedAt time.Time
	batches   []cw.Batch
}

func (f *family) add(r *httpx.Response, b cw.Batch) {
	f.locations = append(f.locations, r.URL)
	if r.FetchedAt.After(f.fetchedAt) {
		f.fetchedAt = r.FetchedAt
	}
	f.batches = append(f.batches, b)
}

// merge concatenates the family's batches: entities merged by ID (later non-empty fields win,
// attrs union), observations concatenated, then filtered by since and validated.
func (f *family) merge(since time.Time) (cw.Batch, error) {
	out := cw.Batch{Source: NewProvenance(f.id)}
	out.Source.FetchedAt = f.fetchedAt
	switch len(f.locations) {
	case 0:
	case 1:
		out.Source.Location = f.locations[0]
	default:
		const max = 12
		locs := f.locations
		extra := ""
		if len(locs) > max {
			extra = fmt.Sprintf(" … and %d more", len(locs)-max)
			locs = locs[:max]
		}
		out.Source.Location = strings.Join(locs, " ") + extra
	}
	idx := map[string]int{}
	for _, b := range f.batches {
		for _, e := range b.Entities {
			i, ok := idx[e.ID]
			if !ok {
				idx[e.ID] = len(out.Entities)
				out.Entities = append(out.Entities, e)
				continue
			}
			out.Entities[i] = mergeEntity(out.Entities[i], e)
		}
		for _, o := range b.Observations {
			if since.IsZero() || o.Day.After(cw.Day(since)) {
				out.Observations = append(out.Observations, o)
			}
		}
	}
	if err := out.Validate(); err != nil {
		return cw.Batch{}, fmt.Errorf("defillama: %w", err)
	}
	return out, nil
}

func mergeEntity(a, b cw.Entity) cw.Entity {
	pick := func(x, y string) string {
		if y != "" {
			return y
		}
		return x
	}
	a.Name, a.Symbol, a.Category, a.Parent = pick(a.Name, b.Name), pick(a.Symbol, b.Symbol), pick(a.Category, b.Category), pick(a.Parent, b.Parent)
	if len(b.Chains) > 0 {
		a.Chains = b.Chains
	}
	if len(b.Attrs) > 0 {
		m := make(map[string]string, len(a.Attrs)+len(b.Attrs))
		for k, v := range a.Attrs {
			m[k] = v
		}
		for k, v := range b.Attrs {
			m[k] = v
		}
		a.Attrs = m
	}
	a.Tags = append(a.Tags, b.Tags...)
	return a
}

// Fetch fetches every family and returns one batch per family that succeeded. If some family
// failed, the others are still returned together with an error naming each failure (a report
// section can then say "source unavailable" instead of the whole run failing). since filters
// observations to days after since's UTC day (zero: full history).
func (s *Source) Fetch(ctx context.Context, since time.Time) ([]cw.Batch, error) {
	var out []cw.Batch
	var errs []error
	run := func(name cw.SourceID, fn func() (*family, error)) {
		if ctx.Err() != nil {
			errs = append(errs, fmt.Errorf("defillama: %s: %w", name, ctx.Err()))
			return
		}
		fam, err := fn()
		if err == nil && fam != nil {
			var b cw.Batch
			if b, err = fam.merge(since); err == nil {
				out = append(out, b)
				return
			}
		}
		if err != nil {
			s.logf("defillama: family %s failed: %v", name, err)
			errs = append(errs, err)
		}
	}
	var shortlist []string
	run(SourceProtocols, func() (*family, error) {
		fam, err := s.fetchProtocols(ctx)
		if err == nil && len(s.o.Protocols) == 0 && s.o.Shortlist > 0 {
			shortlist = Shortlist(fam.batches, s.o.Shortlist, s.o.ShortlistMinTVL)
		}
		return fam, err
	})
	if len(s.o.Protocols) > 0 {
		shortlist = s.o.Protocols
	}
	if len(shortlist) > 0 {
		run(SourceProtocolTVL, func() (*family, error) { return s.fetchProtocolTVL(ctx, shortlist) })
	}
	run(SourceDefiTVL, func() (*family, error) { return s.fetchDefiTVL(ctx) })
	var chains []string
	run(SourceChainTVL, func() (*family, error) {
		fam, cs, err := s.fetchChainTVL(ctx)
		chains = cs
		return fam, err
	})
	if chains == nil && len(s.o.Chains) > 0 {
		chains = s.o.Chains
	}
	run(SourceDexVolume, func() (*family, error) { return s.fetchDex(ctx, chains) })
	run(SourcePerpsVolume, func() (*family, error) { return s.fetchPerps(ctx) })
	run(SourceStablecoins, func() (*family, error) { return s.fetchStablecoins(ctx) })
	if len(s.o.PriceHistory) > 0 {
		run(SourceCoins, func() (*family, error) { return s.fetchPriceHistory(ctx, s.o.PriceHistory, since) })
	}
	return out, errors.Join(errs...)
}

func (s *Source) fetchProtocols(ctx context.Context) (*family, error) {
	fam := &family{id: SourceProtocols}
	r, err := s.get(ctx, "/protocols", s.o.APIURL+"/protocols")
	if err != nil {
		return nil, err
	}
	b, err := DecodeProtocols(r.Body, r.FetchedAt)
	if err != nil {
		return nil, err
	}
	fam.add(r, b)
	return fam, nil
}

// Shortlist picks protocol slugs from decoded /protocols batches: among protocols with a TVL of at
// least minTVL, the n with the largest absolute change_7d and the n largest by TVL.
func Shortlist(batches []cw.Batch, n int, minTVL float64) []string {
	type cand struct {
		slug      string
		tvl, move float64
	}
	tvl := map[string]float64{}
	for _, b := range batches {
		for _, o := range b.Observations {
			if o.Metric == cw.MetricTVL {
				tvl[o.Entity] = o.Value
			}
		}
	}
	var cs []cand
	for _, b := range batches {
		for _, e := range b.Entities {
			v, ok := tvl[e.ID]
			slug := e.Attrs["slug"]
			if !ok || v < minTVL || slug == "" {
				continue
			}
			c := cand{slug: slug, tvl: v}
			if ch, err := strconv.ParseFloat(e.Attrs["change_7d"], 64); err == nil && !math.IsNaN(ch) {
				c.move = math.Abs(ch)
			}
			cs = append(cs, c)
		}
	}
	pick := map[string]bool{}
	var out []string
	take := func(less func(a, b cand) bool) {
		sort.SliceStable(cs, func(i, j int) bool { return less(cs[i], cs[j]) })
		for i := 0; i < len(cs) && i < n; i++ {
			if !pick[cs[i].slug] {
				pick[cs[i].slug] = true
				out = append(out, cs[i].slug)
			}
		}
	}
	take(func(a, b cand) bool { return a.move > b.move })
	take(func(a, b cand) bool { return a.tvl > b.tvl })
	return out
}

func (s *Source) fetchProtocolTVL(ctx context.Context, slugs []string) (*family, error) {
	fam := &family{id: SourceProtocolTVL}
	var fetched []string
	for _, slug := range slugs {
		slug = strings.TrimSpace(slug)
		if slug == "" {
			continue
		}
		ep := "/protocol/" + slug
		r, err := s.get(ctx, ep, s.o.APIURL+"/protocol/"+url.PathEscape(slug))
		if err != nil {
			return nil, err
		}
		b, err := DecodeProtocol(r.Body, slug)
		if err != nil {
			return nil, err
		}
		fam.add(r, b)
		fetched = append(fetched, slug)
	}
	ents := make([]*cw.Entity, len(fam.batches))
	for i := range fam.batches {
		ents[i] = &fam.batches[i].Entities[0]
	}
	LinkParentsBySlug(fetched, ents)
	return fam, nil
}

// LinkParentsBySlug sets Parent on protocols that have none when their slug extends another
// fetched protocol's slug by a dash ("drift-trade" under "drift", "aptin-finance-v1" under
// "aptin-finance"): DefiLlama names child protocols that way, and a parent's TVL includes its
// children's, so the report must not rank or sum both. The parentProtocol field, where a
// payload has it, wins; the bundled files are trimmed caches without it. ents[i] belongs to
// slugs[i]; the longest matching parent slug wins.
func LinkParentsBySlug(slugs []string, ents []*cw.Entity) {
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	for i, child := range slugs {
		if ents[i].Parent != "" {
			continue
		}
		best := -1
		for j, parent := range slugs {
			if i != j && strings.HasPrefix(norm(child), norm(parent)+"-") && (best < 0 || len(parent) > len(slugs[best])) {
				best = j
			}
		}
		if best >= 0 && ents[best].ID != ents[i].ID {
			ents[i].Parent = ents[best].ID
		}
	}
}

func (s *Source) fetchDefiTVL(ctx context.Context) (*family, error) {
	fam := &family{id: SourceDefiTVL}
	r, err := s.get(ctx, "/v2/historicalChainTvl", s.o.APIURL+"/v2/historicalChainTvl")
	if err != nil {
		return nil, err
	}
	b, err := DecodeChainTVL(r.Body, "")
	if err != nil {
		return nil, err
	}
	fam.add(r, b)
	return fam, nil
}

// fetchChainTVL returns the family and the chain labels used (for the DEX family).
func (s *Source) fetchChainTVL(ctx context.Context) (*family, []string, error) {
	fam := &family{id: SourceChainTVL}
	r, err := s.get(ctx, "/v2/chains", s.o.APIURL+"/v2/chains")
	if err != nil {
		return nil, nil, err
	}
	cb, infos, err := DecodeChains(r.Body)
	if err != nil {
		return nil, nil, err
	}
	fam.add(r, cb)
	var chains []string
	if len(s.o.Chains) > 0 {
		known := map[string]string{}
		for _, in := range infos {
			known[in.ID] = in.Name
		}
		for _, c := range s.o.Chains {
			if n, ok := known[ChainID(c)]; ok {
				chains = append(chains, n) // the label the per-chain routes expect
			} else {
				chains = append(chains, ChainName(c))
			}
		}
	} else {
		for i := 0; i < len(infos) && i < s.o.TopChains; i++ {
			chains = append(chains, infos[i].Name)
		}
	}
	for _, c := range chains {
		ep := "/v2/historicalChainTvl/" + c
		r, err := s.get(ctx, ep, s.o.APIURL+"/v2/historicalChainTvl/"+url.PathEscape(c))
		if err != nil {
			return nil, chains, err
		}
		b, err := DecodeChainTVL(r.Body, c)
		if err != nil {
			return nil, chains, err
		}
		fam.add(r, b)
	}
	return fam, chains, nil
}

const dexQuery = "?excludeTotalDataChart=false&excludeTotalDataChartBreakdown=true"

func (s *Source) fetchDex(ctx context.Context, chains []string) (*family, error) {
	fam := &family{id: SourceDexVolume}
	r, err := s.get(ctx, "/overview/dexs", s.o.APIURL+"/overview/dexs"+dexQuery)
	if err != nil {
		return nil, err
	}
	b, info, err := DecodeDexOverview(r.Body, "", r.FetchedAt)
	if err != nil {
		return nil, err
	}
	fam.add(r, b)
	// Only chains the overview lists have DEX data; asking for others 4xx's.
	avail := map[string]string{}
	for _, c := range info.AllChains {
		avail[ChainID(c)] = c
	}
	for _, c := range chains {
		label, ok := avail[ChainID(c)]
		if !ok {
			s.logf("defillama: no DEX volume for chain %q (not in allChains); skipped", c)
			continue
		}
		ep := "/overview/dexs/" + label
		r, err := s.get(ctx, ep, s.o.APIURL+"/overview/dexs/"+url.PathEscape(label)+dexQuery)
		if err != nil {
			return nil, err
		}
		b, _, err := DecodeDexOverview(r.Body, label, r.FetchedAt)
		if err != nil {
			return nil, err
		}
		fam.add(r, b)
	}
	return fam, nil
}

func (s *Source) fetchPerps(ctx context.Context) (*family, error) {
	fam := &family{id: SourcePerpsVolume}
	r, err := s.get(ctx, "/overview/derivatives", s.o.APIURL+"/overview/derivatives"+dexQuery)
	if err != nil {
		return nil, err
	}
	b, err := DecodeDerivativesOverview(r.Body, r.FetchedAt)
	if err != nil {
		return nil, err
	}
	fam.add(r, b)
	return fam, nil
}

func (s *Source) fetchStablecoins(ctx context.Context) (*family, error) {
	fam := &family{id: SourceStablecoins}
	r, err := s.get(ctx, "/stablecoins", s.o.StablecoinsURL+"/stablecoins?includePrices=true")
	if err != nil {
		return nil, err
	}
	snap, infos, err := DecodeStablecoins(r.Body, r.FetchedAt)
	if err != nil {
		return nil, err
	}
	// A listed symbol means its main coin, the one under stablecoin:<symbol>.
	bySym := map[string]StablecoinInfo{}
	for _, in := range infos {
		if in.Entity == StablecoinEntityID(in.Symbol) {
			bySym[cw.NormKey(in.Symbol)] = in
		}
	}
	var picked []StablecoinInfo
	withSeries := map[string]bool{}
	for _, sym := range s.o.Stablecoins {
		in, ok := bySym[cw.NormKey(sym)]
		if !ok {
			return nil, derr("/stablecoins", "peggedAssets", "stablecoin %q not listed", sym)
		}
		picked = append(picked, in)
		withSeries[in.Entity] = true
	}
	// snapshot only where no daily series is fetched: the two would disagree on the fetch day
	kept := snap.Observations[:0]
	for _, o := range snap.Observations {
		if !withSeries[o.Entity] {
			kept = append(kept, o)
		}
	}
	snap.Observations = kept
	fam.add(r, snap)

	r, err = s.get(ctx, "/stablecoincharts/all", s.o.StablecoinsURL+"/stablecoincharts/all")
	if err != nil {
		return nil, err
	}
	b, err := DecodeStablecoinChart(r.Body, "", "", r.FetchedAt)
	if err != nil {
		return nil, err
	}
	fam.add(r, b)
	for _, in := range picked {
		ep := "/stablecoincharts/all?stablecoin=" + in.ID
		r, err := s.get(ctx, ep, s.o.StablecoinsURL+"/stablecoincharts/all?stablecoin="+url.QueryEscape(in.ID))
		if err != nil {
			return nil, err
		}
		b, err := DecodeStablecoinChart(r.Body, in.ID, in.Symbol, r.FetchedAt)
		if err != nil {
			return nil, err
		}
		fam.add(r, b)
	}
	return fam, nil
}

// PriceHistory fetches daily USD prices for CoinGecko ids ("chainlink", or "coingecko:chainlink")
// from coins.llama.fi/chart, for days after since (zero: the last 365 days) up to yesterday, in
// one batch (provenance defillama-coins). Ids are requested in groups of 10. Fetch calls it for
// Options.PriceHistory; it backfills prices beyond CoinGecko's keyless 365 days.
func (s *Source) PriceHistory(ctx context.Context, ids []string, since time.Time) (cw.Batch, error) {
	fam, err := s.fetchPriceHistory(ctx, ids, since)
	if err != nil {
		return cw.Batch{}, err
	}
	return fam.merge(since)
}

func (s *Source) fetchPriceHistory(ctx context.Context, ids []string, since time.Time) (*family, error) {
	now := time.Now().UTC()
	start := cw.Day(now).AddDate(0, 0, -365)
	if !since.IsZero() {
		start = cw.Day(since).AddDate(0, 0, 1)
	}
	span := int(cw.Day(now).Sub(start).Hours()/24) + 1
	if span < 1 {
		return &family{id: SourceCoins}, nil
	}
	var keys []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if !strings.Contains(id, ":") {
			id = "coingecko:" + id
		}
		keys = append(keys, id)
	}
	sort.Strings(keys)
	fam := &family{id: SourceCoins}
	for i := 0; i < len(keys); i += 10 {
		group := keys[i:min(i+10, len(keys))]
		path := "/chart/" + strings.Join(group, ",")
		esc := make([]string, len(group))
		for j, g := range group {
			esc[j] = url.PathEscape(g)
		}
		u := s.o.CoinsURL + "/chart/" + strings.Join(esc, ",") +
			"?start=" + strconv.FormatInt(start.Unix(), 10) + "&span=" + strconv.Itoa(span) + "&period=1d"
		r, err := s.get(ctx, path, u)
		if err != nil {
			return nil, err
		}
		b, err := DecodeCoinsChart(r.Body)
		if err != nil {
			return nil, err
		}
		// drop today's sample (not a daily close yet)
		kept := b.Observations[:0]
		for _, o := range b.Observations {
			if o.Day.Before(cw.Day(r.FetchedAt)) {
				kept = append(kept, o)
			}
		}
		b.Observations = kept
		fam.add(r, b)
	}
	return fam, nil
}

// The series catalogue of DefiLlama's figures: live and bundled families share these ids.
func init() {
	for _, d := range []cw.Definition{
		{ID: DefTVLLegacyAllChains, Metric: cw.MetricTVLLegacy,
			Text: "DefiLlama legacy all-chains total (api.llama.fi/charts, totalLiquidityUSD). Appears to include liquid staking and double-counted TVL; well above DefiLlama's default headline."},
		{ID: DefTVLV2, Metric: cw.MetricTVL,
			Text: "DefiLlama default TVL (api.llama.fi/v2/historicalChainTvl): excludes liquid staking and double-counted TVL."},
		{ID: DefTVLProtocol, Source: SourceProtocolTVL, Metric: cw.MetricTVL,
			Text: "DefiLlama protocol TVL (api.llama.fi/protocol/{slug}, tvl[].totalLiquidityUSD), summed over the protocol's chains."},
		{ID: DefTVLProtocol, Source: SourceProtocols, Metric: cw.MetricTVL},
		{ID: DefStablecoinCirculating, Metric: cw.MetricCirculatingUSD,
			Text: "Circulating supply in USD as DefiLlama's stablecoin dashboard reports it."},
		{ID: DefDEXVolume, Metric: cw.MetricDEXVolume,
			Text: "DefiLlama DEX volume (api.llama.fi/overview/dexs), daily totals summed over 7 UTC days."},
		{ID: DefPerpsVolume, Metric: MetricPerpsVolume,
			Text: "DefiLlama perpetual futures volume, all chains (the dashboard's Perps Volume, the series of api.llama.fi/overview/derivatives), daily totals summed over 7 UTC days."},
	} {
		cw.RegisterDefinition(d)
	}
}
