package section

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
)

// TokenRow is one token priced at both snapshots of the week.
type TokenRow struct {
	ID, Symbol, Name string
	P0, P1           float64 // price at the two snapshots
	Mcap0, Mcap1     float64
	Vol1             float64 // 24h volume at the end snapshot
	HasVol           bool
	Pct              float64
	Tags             map[string]bool
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

// Prices is the week's price snapshot pair and the tokens priced at both.
type Prices struct {
	Source cw.SourceID
	D0, D1 time.Time
	Rows   []*TokenRow
	// Snapshot totals over every token with a market cap in each snapshot, whether or not it is
	// priced at the other end: the universe BTC dominance is measured against.
	Mcap0, Mcap1 float64
	N0, N1       int
	// Unavailable says why there is no pair of snapshots (Source is then empty).
	Unavailable string
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
	src, d0, d1, err := priceWindow(env)
	if err != nil {
		return nil, err
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
		Metrics: []cw.Metric{cw.MetricPrice, cw.MetricMarketCap, cw.MetricVolume24h}})
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
	ids := make([]string, len(out))
	for i, t := range out {
		ids[i] = t.ID
	}
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return nil, err
	}
	// DefiLlama's stablecoin list guards against stablecoins whose tags are missing.
	syms, err := env.Reader.Symbols(env.Ctx, cw.KindStablecoin)
	if err != nil {
		return nil, err
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
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
