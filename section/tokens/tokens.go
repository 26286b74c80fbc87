// Package tokens is the report's token section: the top gainers (no stablecoins, wrapped or
// staked derivatives, memes or thin volume), meme gainers, losers, BTC against the altcoin market
// and BTC dominance.
package tokens

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/fanout"
	"cryptoweekly/provider/binance"
	"cryptoweekly/provider/coingecko"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the token block.
type Section struct{}

// Token is one token's weekly performance.
type Token struct {
	report.Change        // price change
	Symbol        string `json:"symbol"`
	Name          string `json:"name"`
	// Zero when no source of the week gave one, and then left out of the JSON: a listed token
	// is worth more than $0 (the article prints n/a).
	MarketCap float64 `json:"market_cap,omitempty"`
	Volume24h float64 `json:"volume_24h,omitempty"`
}

// Block is gainers, memes, BTC against alts.
type Block struct {
	report.Base
	Universe       int      `json:"universe"` // tokens with prices at both snapshots
	Source         string   `json:"source"`
	From           string   `json:"from"`
	To             string   `json:"to"`
	Excluded       []string `json:"excluded"` // "12 stablecoins", …
	TopGainers     []Token  `json:"top_gainers"`
	TopLosers      []Token  `json:"top_losers"`
	MemeGainers    []Token  `json:"meme_gainers"`
	BTC            *Token   `json:"btc,omitempty"`
	AltMedian      *float64 `json:"alt_median_pct,omitempty"`
	AltCapWeighted *float64 `json:"alt_cap_weighted_pct,omitempty"`
	AltCount       int      `json:"alt_count"`
	// The altcoin aggregates and BTCWindow (BTC's return there) compare one window for every
	// token, AltFrom → AltTo: the week's own ends only when every token has them.
	AltFrom      string        `json:"alt_from,omitempty"`
	AltTo        string        `json:"alt_to,omitempty"`
	BTCWindow    *float64      `json:"btc_window_pct,omitempty"`
	BTCDominance report.Change `json:"btc_dominance"`
	// Sparklines are the top gainers' prices over the 30 days to the end snapshot.
	Sparklines []report.Series `json:"sparklines,omitempty"`
}

// RankInsteadOfVolume is the market-cap rank at or above which a token of a price-only snapshot,
// with no 24h volume stored anywhere, passes the volume floor: a top-100 coin trades far more
// than the floor on any real day, and the rank is all such a snapshot says of its size.
const RankInsteadOfVolume = 100

// metricBTCDominanceUniverse is never stored: it names the dominance figure this section
// computes over a price snapshot, so the catalogue gives it a definition per source.
const metricBTCDominanceUniverse cw.Metric = "btc_dominance_universe"

const marketEntity = coingecko.GlobalEntityID

func init() {
	for _, d := range []cw.Definition{
		{ID: "price.", Metric: cw.MetricPrice,
			Text: "Token price in USD from the {} snapshots; weekly return = last snapshot on or before the week's end over the last snapshot on or before the week's start."},
		{ID: "dominance.snapshot-universe.", Metric: metricBTCDominanceUniverse,
			Text: "BTC market cap over the summed market cap of every token in the price snapshot ({}): a top-N universe, not the whole market."},
	} {
		cw.RegisterDefinition(d)
	}
	// A daily series prices a token at the week's own ends.
	for _, d := range section.DailySeries {
		id, text := cw.DefinitionID("price.daily."), "Daily USD price (or close) from {}; a token's weekly return compares the week's own ends, (start, end], where the series has both days."
		if d.Source == binance.SourceSpotDaily {
			id, text = "price.daily-usdt.", "Daily close of the token's USDT pair on Binance spot ({}), shown as USD (USDT trades within a fraction of a percent of $1); a token's weekly return compares the week's own ends, (start, end], where the series has both days."
		}
		cw.RegisterDefinition(cw.Definition{ID: id, Source: d.Source, Metric: cw.MetricPrice, Text: text})
	}
}

func (Section) Name() string { return "tokens" }

// Wide: the section reads every token's prices (report.Wide).
func (Section) Wide() bool             { return true }
func (Section) NewBlock() report.Block { return new(Block) }
func (Section) Feeds(cfg report.Config) []cw.SourceID {
	return append([]cw.SourceID{coingecko.SourceGlobal}, cfg.PriceSourceIDs()...)
}

func (b *Block) Title() string { return "Tokens" }
func (b *Block) Cites() []string {
	out := append(report.ChangeSources(b.BTCDominance), b.Source)
	for _, t := range b.TopGainers {
		out = append(out, t.Source)
	}
	return out
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	pr, err := section.WeekPrices(env)
	if err != nil {
		return nil, err
	}
	if pr.Source == "" {
		s.Unavailable = pr.Unavailable
		s.BTCDominance = report.Missing("BTC dominance", "%", s.Unavailable)
		return s, nil
	}
	cfg := env.Config
	src, d0, d1 := string(pr.Source), pr.D0, pr.D1
	env.Cite(src)
	env.Define(string(cw.DefinitionOf(cw.MetricPrice, pr.Source)))
	for _, d := range pr.DailySources {
		env.Cite(string(d))
		env.Define(string(cw.DefinitionOf(cw.MetricPrice, d)))
	}
	s.Source, s.From, s.To = src, cw.DayString(d0), cw.DayString(d1)
	rows := pr.Rows
	snapshotted := len(rows) - pr.Exact
	if pr.Exact > 0 {
		var names []string
		for _, d := range pr.DailySources {
			names = append(names, string(d))
		}
		s.Notes = append(s.Notes, fmt.Sprintf("%d of %d tokens' returns compare the week's own ends %s → %s, from daily prices (%s)",
			pr.Exact, len(rows), cw.DayString(env.Start), cw.DayString(env.End), strings.Join(names, ", ")))
	}
	if snapshotted > 0 && (!d0.Equal(env.Start) || !d1.Equal(env.End)) {
		s.Notes = append(s.Notes, fmt.Sprintf("%d tokens without a daily series at both ends use the %s snapshots, so their returns compare %s → %s (the latest snapshot on or before each end of the week), not %s → %s",
			snapshotted, src, s.From, s.To, cw.DayString(env.Start), cw.DayString(env.End)))
	}
	if pr.QuoteVolume > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d tokens' 24h volume is Binance's USDT-pair volume on %s only (%s), a lower bound of their market volume: the only volume stored for them this week",
			pr.QuoteVolume, cw.DayString(env.End), binance.SourceSpotDaily))
		env.Cite(string(binance.SourceSpotDaily))
	}
	s.Universe = len(rows)
	token := func(t *section.TokenRow) Token { return newToken(pr, t) }
	var stable, wrapped, memes, thin, noVol, byRank int
	var gainers, alts, memeList []*section.TokenRow
	for _, t := range rows {
		isMeme := section.HasAny(t.Tags, cfg.MemeTags) != ""
		switch {
		case t.ID == "asset:btc":
			tok := token(t)
			s.BTC = &tok
			s.BTCWindow = report.F64(t.WindowPct)
		case t.Stable(cfg):
			stable++
			continue
		case t.Wrapped(cfg):
			wrapped++
			continue
		}
		if t.ID != "asset:btc" {
			alts = append(alts, t)
		}
		switch {
		case pr.PriceOnly && t.Rank1 >= 1 && t.Rank1 <= RankInsteadOfVolume:
			// A price-only snapshot has no volume to test: the volumes the daily families store
			// for some of its tokens are one venue's (a Coinbase or Binance pair), a lower bound
			// that cannot show a top-100 coin to be thin. Its market-cap rank stands in for the
			// floor, for every token alike, and the note says so.
			byRank++
		case !t.HasVol:
			noVol++
			continue
		case t.Vol1 < cfg.TokenMinVolume:
			thin++
			continue
		}
		if isMeme {
			memes++
			memeList = append(memeList, t)
			continue
		}
		gainers = append(gainers, t)
	}
	s.Excluded = []string{
		fmt.Sprintf("%d stablecoins", stable),
		fmt.Sprintf("%d wrapped or staked derivatives", wrapped),
		fmt.Sprintf("%d below the %s 24h-volume floor", thin, report.ShortUSD(cfg.TokenMinVolume)),
		fmt.Sprintf("%d memes (listed separately)", memes),
	}
	if noVol > 0 {
		s.Excluded = append(s.Excluded, fmt.Sprintf("%d without a 24h volume", noVol))
	}
	if byRank > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%s holds prices and ranks only: for its %d tokens ranked in CoinGecko's top %d by market cap on %s, that rank stands in for the %s 24h-volume floor (the volumes shown, where any, are one venue's, from Coinbase or Binance candles; n/a where none is stored)",
			src, byRank, RankInsteadOfVolume, s.To, report.ShortUSD(cfg.TokenMinVolume)))
	}
	byPct := func(l []*section.TokenRow) { sort.SliceStable(l, func(i, j int) bool { return l[i].Pct > l[j].Pct }) }
	byPct(gainers)
	byPct(memeList)
	for i, t := range gainers {
		if i < cfg.TopN {
			s.TopGainers = append(s.TopGainers, token(t))
		}
		if j := len(gainers) - 1 - i; i < cfg.TopN && j >= cfg.TopN {
			s.TopLosers = append(s.TopLosers, token(gainers[j]))
		}
	}
	for i := 0; i < min(cfg.TopN, len(memeList)); i++ {
		s.MemeGainers = append(s.MemeGainers, token(memeList[i]))
	}
	untagged := 0
	for _, t := range rows {
		if len(t.Tags) == 0 {
			untagged++
		}
	}
	if untagged > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d of %d tokens carry no sector tag in the store, so a meme or wrapped token among them is caught only by its name", untagged, len(rows)))
	}
	// BTC against the alt market: median and start-cap-weighted return of non-stable alts, all
	// over one window.
	s.AltFrom, s.AltTo = cw.DayString(pr.WD0), cw.DayString(pr.WD1)
	if len(alts) > 0 {
		pcts := make([]float64, len(alts))
		var wsum, wret float64
		for i, t := range alts {
			pcts[i] = t.WindowPct
			if t.Mcap0 > 0 {
				wsum += t.Mcap0
				wret += t.Mcap0 * t.WindowPct
			}
		}
		sort.Float64s(pcts)
		med := pcts[len(pcts)/2]
		if len(pcts)%2 == 0 {
			med = (pcts[len(pcts)/2-1] + pcts[len(pcts)/2]) / 2
		}
		s.AltMedian = report.F64(med)
		if wsum > 0 {
			s.AltCapWeighted = report.F64(wret / wsum)
		}
		s.AltCount = len(alts)
	}
	if err := s.btcDominance(env, pr); err != nil {
		return nil, err
	}
	// The gainers' histories are independent small reads: at once, not one after another.
	if len(s.TopGainers) > 0 {
		s.Sparklines = make([]report.Series, len(s.TopGainers))
	}
	errs := make([]error, len(s.TopGainers))
	fanout.N(len(s.TopGainers), func(i int) {
		g := s.TopGainers[i]
		m := cw.MetricPrice
		if d := sectionDailyMetric(cw.SourceID(g.Source)); d != "" {
			m = d
		}
		end, _ := cw.ParseDay(g.To)
		p := cw.Pair{Entity: g.Entity, Metric: m, Source: cw.SourceID(g.Source)}
		s.Sparklines[i], errs[i] = section.History(env, p, g.Symbol, "USD", 30, end)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

func newToken(pr *section.Prices, t *section.TokenRow) Token {
	c := report.Change{Label: t.Symbol, Entity: t.ID, Unit: "USD", Source: string(t.Source), Definition: string(cw.DefinitionOf(cw.MetricPrice, t.Source)),
		From: cw.DayString(t.D0), To: cw.DayString(t.D1), Start: report.F64(t.P0), End: report.F64(t.P1), Abs: report.F64(t.P1 - t.P0), Pct: report.F64(t.Pct)}
	return Token{Change: c, Symbol: t.Symbol, Name: t.Name, MarketCap: t.Mcap1, Volume24h: t.Vol1}
}

// btcDominance prefers the whole market's figure (CoinGecko /global); without it, BTC's share of
// the price snapshot's summed market cap, said to be a top-N universe.
func (s *Block) btcDominance(env *report.Env, pr *section.Prices) error {
	ps, err := section.Week(env, marketEntity, cw.MetricBTCDominancePct)
	if err != nil {
		return fmt.Errorf("btc dominance: %w", err)
	}
	if p, ok := section.Best(ps, nil, nil)[marketEntity]; ok && p.V0 != nil && p.V1 != nil {
		s.BTCDominance = env.Change("BTC dominance", "%", p, env.Start, env.End)
		s.BTCDominance.Abs = report.F64(*p.V1 - *p.V0)
		s.BTCDominance.Pct = nil
		return nil
	}
	var btc0, btc1 float64
	all0, all1 := pr.Mcap0, pr.Mcap1
	for _, t := range pr.Rows {
		if t.ID == "asset:btc" {
			btc0, btc1 = t.Mcap0, t.Mcap1
		}
	}
	if btc0 == 0 || btc1 == 0 || all0 == 0 || all1 == 0 {
		s.BTCDominance = report.Missing("BTC dominance", "%", "no BTC market cap in the snapshots; CoinGecko /global (ingest) fills it")
		return nil
	}
	d := string(cw.DefinitionOf(metricBTCDominanceUniverse, pr.Source))
	env.Define(d)
	v0, v1 := btc0/all0*100, btc1/all1*100
	s.BTCDominance = report.Change{Label: "BTC share of the price snapshot", Entity: "asset:btc", Unit: "%", Source: string(pr.Source), Definition: d,
		From: cw.DayString(pr.D0), To: cw.DayString(pr.D1), Start: report.F64(v0), End: report.F64(v1), Abs: report.F64(v1 - v0),
		Note: fmt.Sprintf("BTC market cap over the summed market cap of every token in each snapshot (%d on %s, %d on %s), not the whole market",
			pr.N0, cw.DayString(pr.D0), pr.N1, cw.DayString(pr.D1))}
	return nil
}

func (b *Block) Layout() []report.Element {
	out := []report.Element{report.P(report.L("Prices: "), report.C(b.Source), report.Lf(", %s → %s, %d tokens. Excluded from gainers: ", b.From, b.To, b.Universe),
		report.T(joinComma(b.Excluded)), report.L("."))}
	out = append(out, report.H3(report.Lf("Top %d gainers", len(b.TopGainers))))
	out = append(out, tokenTable(b.TopGainers)...)
	if len(b.Sparklines) > 0 {
		var alt, srcs []string
		for _, s := range b.Sparklines {
			alt = append(alt, section.Span(s))
			if !slices.Contains(srcs, s.Source) {
				srcs = append(srcs, s.Source)
			}
		}
		// Each line names its own series: the gainers may be priced from several.
		out = append(out, report.Figure(report.Chart{Kind: report.SparkChart, Title: "Top gainers' prices, last 30 days", Unit: "USD",
			Series: b.Sparklines, Source: strings.Join(srcs, ", "), Alt: "Price lines of the top gainers: " + joinComma(alt) + "."}))
	}
	out = append(out, report.H3(report.L("Meme gainers")))
	out = append(out, tokenTable(b.MemeGainers)...)
	if len(b.TopLosers) > 0 {
		out = append(out, report.H3(report.Lf("Top %d losers", len(b.TopLosers))))
		out = append(out, tokenTable(b.TopLosers)...)
	}
	out = append(out, report.H3(report.L("BTC against the altcoin market")))
	t := report.Tab("measure", fmt.Sprintf("return, %s → %s (every token over the same dates):", b.AltFrom, b.AltTo))
	if b.BTCWindow != nil {
		t.Row("BTC", report.L(report.PctPtr(b.BTCWindow)))
	}
	t.Row(report.Lf("median altcoin (%d)", b.AltCount), report.L(report.PctPtr(b.AltMedian)))
	t.Row("cap-weighted altcoins", report.L(report.PctPtr(b.AltCapWeighted)))
	out = append(out, t)
	out = append(out, report.ChangeTable([]report.Change{b.BTCDominance})...)
	return append(out, report.Notes(b.Notes)...)
}

func tokenTable(ts []Token) []report.Element {
	if len(ts) == 0 {
		return []report.Element{report.P(report.I("None qualified."))}
	}
	// Tokens priced over different dates or from different series (daily series, snapshots) say
	// which dates and series each compares.
	mixed := false
	for _, x := range ts {
		mixed = mixed || x.From != ts[0].From || x.To != ts[0].To || x.Source != ts[0].Source
	}
	if !mixed {
		t := report.Tab("token", "name", "price "+ts[0].From+":", "price "+ts[0].To+":", "return:", "market cap:", "24h volume:")
		for _, x := range ts {
			t.Row(report.TL(x.Symbol, x.Entity), report.T(x.Name), report.L(report.USD(*x.Start)), report.L(report.USD(*x.End)), report.L(report.PctPtr(x.Pct)),
				report.L(capText(x.MarketCap)), report.L(capText(x.Volume24h)))
		}
		return []report.Element{t}
	}
	t := report.Tab("token", "name", "compared", "price (start):", "price (end):", "return:", "market cap:", "24h volume:", "prices")
	for _, x := range ts {
		t.Row(report.TL(x.Symbol, x.Entity), report.T(x.Name), report.L(x.From+" → "+x.To), report.L(report.USD(*x.Start)), report.L(report.USD(*x.End)),
			report.L(report.PctPtr(x.Pct)), report.L(capText(x.MarketCap)), report.L(capText(x.Volume24h)), report.C(x.Source))
	}
	return []report.Element{t}
}

// capText is a token's market cap or volume, "n/a" where no source of the week gave one (a
// daily-only week priced from exchange candles has no cap, a price-only snapshot neither): a
// listed token is worth more than $0, and one that traded nothing never passes the volume floor.
func capText(v float64) string {
	if v <= 0 {
		return "n/a"
	}
	return report.USD(v)
}

// sectionDailyMetric is the metric a daily price series stores ("close" for candles).
func sectionDailyMetric(s cw.SourceID) cw.Metric {
	for _, d := range section.DailySeries {
		if d.Source == s {
			return d.Metric
		}
	}
	return ""
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

func (b *Block) Overview() []report.Bullet {
	if b.BTC == nil || b.BTC.Pct == nil {
		return nil
	}
	s := fmt.Sprintf("Tokens: BTC %s (%s → %s)", report.Moved(*b.BTC.Pct), b.BTC.From, b.BTC.To)
	if b.AltMedian != nil && b.BTCWindow != nil {
		rel := "outperforming"
		if *b.AltMedian > *b.BTCWindow {
			rel = "underperforming"
		}
		if b.AltFrom == b.BTC.From && b.AltTo == b.BTC.To {
			s += fmt.Sprintf(", %s the median altcoin (%s)", rel, report.Pct(*b.AltMedian))
		} else {
			// The altcoins compare other dates than BTC's own return: say BTC's over theirs.
			s += fmt.Sprintf("; over %s → %s BTC %s, %s the median altcoin (%s)", b.AltFrom, b.AltTo, report.Pct(*b.BTCWindow), rel, report.Pct(*b.AltMedian))
		}
	}
	if len(b.TopGainers) > 0 {
		g := b.TopGainers[0]
		s += fmt.Sprintf("; top gainer %s %s", g.Symbol, report.Pct(*g.Pct))
	}
	return []report.Bullet{{Text: s + "."}}
}

func (b *Block) Moves() []report.Move {
	var out []report.Move
	for _, t := range b.TopGainers {
		out = append(out, report.Move{What: "token", Change: t.Change})
	}
	return out
}

// Coverage: the price snapshots the section would use, per price source.

func (Section) CoverageColumn() string { return "prices" }
func (Section) Core() bool             { return true }
func (Section) Selectors(cfg report.Config) []cw.Selector {
	var out []cw.Selector
	for _, s := range cfg.PriceSourceIDs() {
		out = append(out, cw.Selector{Prefix: "asset:", Metrics: []cw.Metric{cw.MetricPrice}, Sources: []cw.SourceID{s}})
	}
	for _, d := range dailyOnly(cfg) {
		out = append(out, cw.Selector{Prefix: "asset:", Metrics: []cw.Metric{d.Metric}, Sources: []cw.SourceID{d.Source}})
	}
	return out
}

// dailyOnly are the daily series that are not also snapshot sources (their days are counted
// once, as a snapshot source).
func dailyOnly(cfg report.Config) []struct {
	Source cw.SourceID
	Metric cw.Metric
} {
	var out []struct {
		Source cw.SourceID
		Metric cw.Metric
	}
	for _, d := range section.DailySeries {
		if !section.Contains(cfg.PriceSourceIDs(), d.Source) {
			out = append(out, d)
		}
	}
	return out
}

// CoverageStatus applies the section's own rule: the first price source, in order of preference,
// with a snapshot in the week and another 7–10 days before it; without one, a daily series with
// both of the week's ends.
func (Section) CoverageStatus(c []map[time.Time]int, end time.Time, cfg report.Config) report.Status {
	if st := snapshotStatus(c, end, cfg); st.Level == "full" {
		return st
	}
	counts := map[cw.SourceID]map[time.Time]int{}
	for i, s := range cfg.PriceSourceIDs() {
		counts[s] = c[i]
	}
	for i, d := range dailyOnly(cfg) {
		counts[d.Source] = c[len(cfg.PriceSources)+i]
	}
	start := end.AddDate(0, 0, -7)
	for _, d := range section.DailySeries {
		if m := counts[d.Source]; m[start] > 0 && m[end] > 0 {
			return report.Status{Level: "full", Detail: fmt.Sprintf("daily %s %s→%s, %d tokens", d.Source, cw.DayString(start), cw.DayString(end), min(m[start], m[end]))}
		}
	}
	return snapshotStatus(c, end, cfg)
}

func snapshotStatus(c []map[time.Time]int, end time.Time, cfg report.Config) report.Status {
	var firstD1 time.Time
	for i, src := range cfg.PriceSources {
		m := c[i]
		var e time.Time
		for d := end; d.After(end.AddDate(0, 0, -7)); d = d.AddDate(0, 0, -1) {
			if m[d] > 0 {
				e = d
				break
			}
		}
		if e.IsZero() {
			continue
		}
		if firstD1.IsZero() {
			firstD1 = e
		}
		for d := e.AddDate(0, 0, -7); d.After(e.AddDate(0, 0, -11)); d = d.AddDate(0, 0, -1) {
			if m[d] > 0 {
				return report.Status{Level: "full", Detail: fmt.Sprintf("%s %s→%s, %d tokens", src, cw.DayString(d), cw.DayString(e), min(m[d], m[e]))}
			}
		}
	}
	if firstD1.IsZero() {
		return report.Status{Level: "none"}
	}
	return report.Status{Level: "partial", Detail: "one snapshot " + cw.DayString(firstD1)}
}
