package section

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/binance"
	"cryptoweekly/provider/coingecko"
	"cryptoweekly/provider/defillama"
	"cryptoweekly/provider/smoothbrainquant"
	"cryptoweekly/report"
)

// TokenRow is one token priced at both ends of what the week compares.
type TokenRow struct {
	ID, Symbol, Name string
	// Source, D0 and D1 say where P0 and P1 come from: a daily series at the week's own ends
	// where one covers them, else the snapshots.
	Source       cw.SourceID
	D0, D1       time.Time
	P0, P1       float64 // price at D0 and D1
	Mcap0, Mcap1 float64
	Vol1         float64 // 24h volume at the end snapshot
	HasVol       bool
	// Rank1 is the token's market-cap rank in the end snapshot (0: none stored), the only size
	// measure of a price-only snapshot such as CoinGecko's daily top-100 files.
	Rank1 float64
	Pct   float64
	// WindowPct is the return over the universe's common window (Prices.WD0 → WD1): what
	// aggregates over many tokens (the altcoin median, sector indices) use, so that none mixes
	// the week's own ends for some tokens with the snapshots' dates for others.
	WindowPct float64
	Tags      map[string]bool
}

// Stable reports whether the token is a stablecoin by its tags or by DefiLlama's stablecoin list.
func (t *TokenRow) Stable(cfg report.Config) bool {
	return HasAny(t.Tags, cfg.StableTags) != "" || t.Tags[stablecoinEntity]
}

// A token whose symbol DefiLlama lists as a stablecoin carries this pseudo-tag.
const stablecoinEntity = "stablecoin-entity"

var (
	wrappedName   = regexp.MustCompile(`(?i)\b(wrapped|staked|restaked|bridged|liquid staking)\b`)
	wrappedSymbol = regexp.MustCompile(`(?i)^(w|st|wst|cb|we|rs|ez|m|b|j|r|bn)(btc|eth|sol|bnb|beth|steth)$|^(btcb|wbeth|jitosol|bnsol|msol|jupsol)$`)
)

// Wrapped reports whether the token is a wrapped or staked derivative, by tag, name or symbol.
func (t *TokenRow) Wrapped(cfg report.Config) bool {
	return HasAny(t.Tags, cfg.WrappedTags) != "" || wrappedName.MatchString(t.Name) || wrappedSymbol.MatchString(t.Symbol)
}

// Prices is the week's token universe: the price snapshots a week apart (or, without any, the
// daily series), and each token's return over the exact week where a daily series gives it.
type Prices struct {
	Source cw.SourceID
	D0, D1 time.Time
	Rows   []*TokenRow
	// Exact counts the tokens whose return is over the week's own ends from a daily series.
	Exact int
	// DailySources are the daily series that gave exact-week returns.
	DailySources []cw.SourceID
	// WD0 and WD1 are the window every token's WindowPct compares: the week's own ends when
	// every token has them (Exact == len(Rows)), else the snapshots' D0 and D1.
	WD0, WD1 time.Time
	// Snapshot totals over every token with a market cap in each snapshot, whether or not it is
	// priced at the other end: the universe BTC dominance is measured against.
	Mcap0, Mcap1 float64
	N0, N1       int
	// QuoteVolume counts the tokens whose 24h volume is Binance's USDT-pair volume of the end
	// day, the only volume a daily-only week may have for them.
	QuoteVolume int
	// Unavailable says why there is no pair of snapshots (Source is then empty).
	Unavailable string
	// PriceOnly marks a snapshot source that stores prices (and ranks) only: its tokens' market
	// caps and volumes, where any, come from the daily families.
	PriceOnly bool
}

// WeekPrices reads the week's token rows once per report.
func WeekPrices(env *report.Env) (*Prices, error) {
	v, err := env.Memo("prices", func() (any, error) { return readPrices(env) })
	if err != nil {
		return nil, err
	}
	return v.(*Prices), nil
}

func readPrices(env *report.Env) (*Prices, error) {
	// The snapshot window and the daily series are independent reads of the whole universe:
	// both at once.
	var daily map[string]dailyPair
	var dailyErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		daily, dailyErr = readDaily(env)
	}()
	src, d0, d1, err := priceWindow(env)
	<-done
	if err != nil {
		return nil, err
	}
	if dailyErr != nil {
		return nil, dailyErr
	}
	if src == "" && len(daily) > 0 {
		return dailyUniverse(env, daily)
	}
	if src == "" {
		p := &Prices{Unavailable: "no token price snapshots a week apart near this week; CoinGecko /coins/markets (ingest) fills it"}
		// Say so when only the end snapshot exists: live snapshots accrue one per ingest, so a
		// first ingest cannot give weekly returns until the next week's run.
		for _, ps := range env.Config.PriceSources {
			d, err := env.Reader.LatestDay(env.Ctx, cw.SourceID(ps), cw.MetricPrice, env.End.AddDate(0, 0, -7), env.End)
			if err != nil {
				return nil, err
			}
			if !d.IsZero() {
				p.Unavailable = fmt.Sprintf("only one %s price snapshot (%s) near this week and none 7–10 days before it: weekly returns need the snapshot of the week before (run ingest weekly; the first run cannot give returns)", ps, cw.DayString(d))
				break
			}
		}
		return p, nil
	}
	p := &Prices{Source: src, D0: d0, D1: d1}
	if p.Rows, err = tokenRows(env, p); err != nil {
		return nil, err
	}
	// A price-only snapshot (CoinGecko's daily top-100 files) leaves volume and market cap to the
	// daily families, as a daily-only week does; the snapshot's totals (BTC's share of the
	// snapshot) stay its own, so they remain empty.
	priceOnly := p.N0 == 0 && p.N1 == 0
	ids := make([]string, len(p.Rows))
	for i, t := range p.Rows {
		priceOnly = priceOnly && !t.HasVol
		ids[i] = t.ID
	}
	if priceOnly && len(ids) > 0 {
		p.PriceOnly = true
		ex, err := dailyExtras(env, ids, daily)
		if err != nil {
			return nil, err
		}
		for _, t := range p.Rows {
			if e := ex[t.ID]; e != nil {
				e.fill(t, p, false)
			}
		}
	}
	// A token with a daily series at the week's own ends gets its exact-week return; the others
	// keep the snapshots' dates, and the report says how many of each.
	for _, t := range p.Rows {
		t.WindowPct = t.Pct
		if d, ok := daily[t.ID]; ok {
			t.P0, t.P1, t.Source, t.D0, t.D1 = d.p0, d.p1, d.src, env.Start, env.End
			t.Pct = (t.P1/t.P0 - 1) * 100
			p.Exact++
			p.addDaily(d.src)
		}
	}
	p.WD0, p.WD1 = p.D0, p.D1
	if p.Exact == len(p.Rows) {
		p.WD0, p.WD1 = env.Start, env.End
		for _, t := range p.Rows {
			t.WindowPct = t.Pct
		}
	}
	return p, nil
}

// priceWindow picks the first price source, in order of preference, with a snapshot in the week
// and another 7–10 days before it.
func priceWindow(env *report.Env) (src cw.SourceID, d0, d1 time.Time, err error) {
	for _, id := range env.Config.PriceSourceIDs() {
		d1, err = env.Reader.LatestDay(env.Ctx, id, cw.MetricPrice, env.End.AddDate(0, 0, -7), env.End)
		if err != nil {
			return "", time.Time{}, time.Time{}, err
		}
		if d1.IsZero() {
			continue
		}
		// The start snapshot lies 7–10 days before d1 (bounds inclusive, hence -11 exclusive), the
		// same window the token section's coverage accepts, so `weeks` never calls a week full
		// that the token section then finds no start snapshot for.
		d0, err = env.Reader.LatestDay(env.Ctx, id, cw.MetricPrice, d1.AddDate(0, 0, -11), d1.AddDate(0, 0, -7))
		if err != nil {
			return "", time.Time{}, time.Time{}, err
		}
		if !d0.IsZero() {
			return id, d0, d1, nil
		}
	}
	return "", time.Time{}, time.Time{}, nil
}

func tokenRows(env *report.Env, pr *Prices) ([]*TokenRow, error) {
	ps, err := env.Reader.Pairs(env.Ctx, cw.PairQuery{Prefix: "asset:", Sources: []cw.SourceID{pr.Source}, D0: pr.D0, D1: pr.D1,
		Metrics: []cw.Metric{cw.MetricPrice, cw.MetricMarketCap, cw.MetricVolume24h, coingecko.MetricRank}})
	if err != nil {
		return nil, err
	}
	type read struct {
		p0, p1 *float64
		row    TokenRow
	}
	byID := map[string]*read{}
	var order []string
	for _, p := range ps {
		r := byID[p.Entity]
		if r == nil {
			r = &read{row: TokenRow{ID: p.Entity}}
			byID[p.Entity] = r
			order = append(order, p.Entity)
		}
		switch p.Metric {
		case cw.MetricPrice:
			r.p0, r.p1 = p.V0, p.V1
		case cw.MetricMarketCap:
			if p.V0 != nil {
				r.row.Mcap0 = *p.V0
				pr.Mcap0 += *p.V0
				pr.N0++
			}
			if p.V1 != nil {
				r.row.Mcap1 = *p.V1
				pr.Mcap1 += *p.V1
				pr.N1++
			}
		case cw.MetricVolume24h:
			if p.V1 != nil {
				r.row.Vol1, r.row.HasVol = *p.V1, true
			}
		case coingecko.MetricRank:
			if p.V1 != nil {
				r.row.Rank1 = *p.V1
			}
		}
	}
	var out []*TokenRow
	for _, id := range order {
		r := byID[id]
		if r.p0 == nil || r.p1 == nil || *r.p0 <= 0 {
			continue
		}
		t := r.row
		t.P0, t.P1 = *r.p0, *r.p1
		t.Pct = (t.P1/t.P0 - 1) * 100
		out = append(out, &t)
	}
	for _, t := range out {
		t.Source, t.D0, t.D1 = pr.Source, pr.D0, pr.D1
	}
	if err := describe(env, out); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// describe fills the tokens' names, symbols and tags from the store.
func describe(env *report.Env, out []*TokenRow) error {
	ids := make([]string, len(out))
	for i, t := range out {
		ids[i] = t.ID
	}
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return err
	}
	// DefiLlama's stablecoin list guards against stablecoins whose tags are missing.
	syms, err := env.Reader.Symbols(env.Ctx, cw.KindStablecoin)
	if err != nil {
		return err
	}
	stables := map[string]bool{}
	for _, s := range syms {
		stables[strings.ToLower(s)] = true
	}
	for _, t := range out {
		e := info[t.ID]
		t.Symbol, t.Name, t.Tags = e.Symbol, e.Name, TagSet(e.Tags)
		if t.Symbol == "" {
			t.Symbol = strings.ToUpper(strings.TrimPrefix(t.ID, "asset:"))
		}
		if stables[strings.ToLower(t.Symbol)] {
			t.Tags[stablecoinEntity] = true
		}
	}
	return nil
}

// DailySeries are the daily price series that can give a token's return over the exact week, in
// order of preference, with the metric each stores.
var DailySeries = []struct {
	Source cw.SourceID
	Metric cw.Metric
}{
	{coingecko.SourceMarketChart, cw.MetricPrice},
	{smoothbrainquant.SourceCoinbaseDaily, cw.MetricClose},
	{defillama.SourceCoins, cw.MetricPrice},
	{binance.SourceSpotDaily, cw.MetricClose}, // USDT-quoted: a return, not a dollar level
	// A mid-morning snapshot, not a close, so the closes above price a token first; it covers
	// the top 100 from 2025-08, where the others hold a few dozen coins at most.
	{coingecko.SourceTop100Daily, cw.MetricPrice},
}

type dailyPair struct {
	src    cw.SourceID
	p0, p1 float64
}

func (p *Prices) addDaily(s cw.SourceID) {
	if !Contains(p.DailySources, s) {
		p.DailySources = append(p.DailySources, s)
	}
}

// readDaily reads, per token, the preferred daily series priced at both ends of the week.
func readDaily(env *report.Env) (map[string]dailyPair, error) {
	var srcs []cw.SourceID
	for _, d := range DailySeries {
		srcs = append(srcs, d.Source)
	}
	ps, err := env.Reader.Pairs(env.Ctx, cw.PairQuery{Prefix: "asset:", Metrics: []cw.Metric{cw.MetricPrice, cw.MetricClose},
		Sources: srcs, D0: env.Start, D1: env.End})
	if err != nil {
		return nil, err
	}
	out := map[string]dailyPair{}
	rank := map[string]int{}
	for _, p := range ps {
		i := dailyIndex(p.Source, p.Metric)
		if i < 0 || p.V0 == nil || p.V1 == nil || *p.V0 <= 0 || *p.V1 <= 0 {
			continue
		}
		if r, ok := rank[p.Entity]; !ok || i < r {
			rank[p.Entity] = i
			out[p.Entity] = dailyPair{p.Source, *p.V0, *p.V1}
		}
	}
	return out, nil
}

func dailyIndex(s cw.SourceID, m cw.Metric) int {
	for i, d := range DailySeries {
		if d.Source == s && d.Metric == m {
			return i
		}
	}
	return -1
}

// dailyUniverse is the week's tokens when no snapshot pair exists but daily series cover the
// week: market caps and volumes come from the same daily families (CoinGecko's chart has both;
// Coinbase candles give volume in coins, priced at the close, and the upstream's derived cap;
// Binance candles give the USDT pair's volume).
func dailyUniverse(env *report.Env, daily map[string]dailyPair) (*Prices, error) {
	p := &Prices{D0: env.Start, D1: env.End, WD0: env.Start, WD1: env.End}
	ids := SortedKeys(daily)
	ex, err := dailyExtras(env, ids, daily)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		d := daily[id]
		t := &TokenRow{ID: id, Source: d.src, D0: env.Start, D1: env.End, P0: d.p0, P1: d.p1, Pct: (d.p1/d.p0 - 1) * 100}
		t.WindowPct = t.Pct
		if e := ex[id]; e != nil {
			e.fill(t, p, true)
		}
		p.Rows = append(p.Rows, t)
		p.Exact++
		p.addDaily(d.src)
	}
	p.Source = p.DailySources[0]
	if err := describe(env, p.Rows); err != nil {
		return nil, err
	}
	return p, nil
}

// extra is what the daily families hold of a token besides its price: market caps at the week's
// ends and a 24h volume at its end.
type extra struct{ m0, m1, vol, quote *float64 }

// dailyExtras reads the daily families' market caps and volumes of the tokens ids at the week's
// ends (CoinGecko's chart has both; Coinbase candles give volume in coins, priced at the close,
// and the upstream's derived cap; Binance candles give the USDT pair's volume).
func dailyExtras(env *report.Env, ids []string, daily map[string]dailyPair) (map[string]*extra, error) {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	ps, err := env.Reader.Pairs(env.Ctx, cw.PairQuery{Prefix: "asset:", D0: env.Start, D1: env.End,
		Metrics: []cw.Metric{cw.MetricMarketCap, cw.MetricVolume24h, smoothbrainquant.MetricMarketCapDerived, smoothbrainquant.MetricVolumeBase, binance.MetricVolumeQuote},
		Sources: []cw.SourceID{coingecko.SourceMarketChart, smoothbrainquant.SourceCoinbaseDaily, smoothbrainquant.SourceCoinbaseDerivedMarketCap, binance.SourceSpotDaily}})
	if err != nil {
		return nil, err
	}
	ex := map[string]*extra{}
	for _, x := range ps {
		if !want[x.Entity] {
			continue
		}
		e := ex[x.Entity]
		if e == nil {
			e = &extra{}
			ex[x.Entity] = e
		}
		switch x.Metric {
		case cw.MetricMarketCap, smoothbrainquant.MetricMarketCapDerived:
			if e.m0 == nil || x.Metric == cw.MetricMarketCap {
				e.m0, e.m1 = x.V0, x.V1
			}
		case cw.MetricVolume24h:
			e.vol = x.V1
		case binance.MetricVolumeQuote:
			e.quote = x.V1
		case smoothbrainquant.MetricVolumeBase:
			if e.vol == nil && x.V1 != nil {
				if d, ok := daily[x.Entity]; ok {
					v := *x.V1 * d.p1
					e.vol = &v
				}
			}
		}
	}
	return ex, nil
}

// fill gives t the market caps and volume it lacks; totals adds the caps to the universe's sums
// (a daily-only week's universe is the daily families'; a snapshot week's is the snapshot's).
func (e *extra) fill(t *TokenRow, p *Prices, totals bool) {
	if t.Mcap0 <= 0 && t.Mcap1 <= 0 {
		if e.m0 != nil {
			t.Mcap0 = *e.m0
			if totals {
				p.Mcap0 += *e.m0
				p.N0++
			}
		}
		if e.m1 != nil {
			t.Mcap1 = *e.m1
			if totals {
				p.Mcap1 += *e.m1
				p.N1++
			}
		}
	}
	if t.HasVol {
		return
	}
	// Binance's USDT pair alone is a lower bound of a token's market volume: enough to pass a
	// floor honestly, used only where no whole-market volume is stored.
	vol := e.vol
	if vol == nil && e.quote != nil {
		vol = e.quote
		p.QuoteVolume++
	}
	if vol != nil {
		t.Vol1, t.HasVol = *vol, true
	}
}
