package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
)

// Inputs are the non-store inputs of a report.
type Inputs struct {
	Calendar  []report.Event // next week's events come from here
	NotesPath string         // analyst notes used for the outlook ("" if none)
	Notes     string
	StoreName string
	Now       time.Time
}

// Week computes the report for the week (end-7d, end].
func Week(ctx context.Context, rd cw.Reader, cfg Config, end time.Time, in Inputs) (*report.Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	end = cw.Day(end)
	start := end.AddDate(0, 0, -7)
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	r := &report.Report{
		Title:       fmt.Sprintf("Crypto Market Weekly Report — week ending %s", cw.DayString(end)),
		WeekStart:   cw.DayString(start),
		WeekEnd:     cw.DayString(end),
		GeneratedAt: now.UTC().Format(time.RFC3339),
		Store:       in.StoreName,
	}
	w := &week{q: q{ctx, rd}, cfg: cfg, start: start, end: end, r: r, cited: map[string]bool{}, defs: map[string]bool{}}
	steps := []struct {
		name string
		f    func() error
	}{
		{"sentiment", w.sentiment},
		{"stablecoins", w.stablecoins},
		{"defi", w.defi},
		{"chains", w.chains},
		{"protocols", w.protocols},
		{"dex", w.dex},
		{"tokens", w.tokens},
		{"derivatives", w.derivatives},
		{"social", w.social},
		{"events", func() error { return w.events(in.Calendar) }},
		{"ingest health", w.ingestHealth},
	}
	for _, s := range steps {
		if err := s.f(); err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	r.Outlook.FromNotes = in.NotesPath
	r.Outlook.Markdown = in.Notes
	report.Summarize(r)
	w.methodology()
	srcs, err := w.q.sources(w.cited)
	if err != nil {
		return nil, err
	}
	r.Sources = srcs
	return r, nil
}

type week struct {
	q
	cfg        Config
	start, end time.Time
	r          *report.Report
	cited      map[string]bool
	defs       map[string]bool
	protos     *protocolSet
	// parents left out of the protocol figures because their children are in them
	parentsSkipped []string
}

func f64(v float64) *float64 { return &v }

// change builds a Change from a pair, citing its source and definition.
func (w *week) change(label, unit string, p pair, from, to time.Time) report.Change {
	c := report.Change{Label: label, Entity: p.entity, Unit: unit, Source: p.source,
		Definition: definitionID(cw.Metric(p.metric), cw.SourceID(p.source)), From: cw.DayString(from), To: cw.DayString(to),
		Start: p.v0, End: p.v1}
	w.cited[p.source] = true
	w.defs[c.Definition] = true
	switch {
	case p.v0 == nil && p.v1 == nil:
		c.Unavailable = fmt.Sprintf("no `%s` observation on %s or %s", p.metric, c.From, c.To)
	case p.v0 == nil:
		c.Unavailable = fmt.Sprintf("no `%s` observation on %s", p.metric, c.From)
	case p.v1 == nil:
		c.Unavailable = fmt.Sprintf("no `%s` observation on %s", p.metric, c.To)
	default:
		c.Abs = f64(*p.v1 - *p.v0)
		if *p.v0 != 0 {
			c.Pct = f64((*p.v1/(*p.v0) - 1) * 100)
		}
	}
	return c
}

func missing(label, unit, reason string) report.Change {
	return report.Change{Label: label, Unit: unit, Unavailable: reason}
}

func (w *week) sentiment() error {
	s := &w.r.Sentiment
	ps, err := w.pairs("index:fear-greed", []string{"value"}, w.start, w.end)
	if err != nil {
		return err
	}
	p, ok := best(ps, []string{"value"}, []string{"alternativeme-fng"})["index:fear-greed"]
	if !ok {
		s.Unavailable = "no Fear & Greed data in the store for this week; `cryptoweekly ingest` fills it from alternative.me /fng/"
		s.Index = missing("Fear & Greed", "index", s.Unavailable)
		return nil
	}
	s.Index = w.change("Crypto Fear & Greed Index", "index", p, w.start, w.end)
	if p.v0 != nil {
		s.StartZone = cw.FearGreedZone(*p.v0)
	}
	if p.v1 != nil {
		s.EndZone = cw.FearGreedZone(*p.v1)
	}
	vs, ds, err := w.daily(p.entity, p.metric, p.source, w.start.AddDate(0, 0, -1), w.end)
	if err != nil {
		return err
	}
	for i, v := range vs {
		pt := report.Point{Day: cw.DayString(ds[i]), Value: v, Zone: cw.FearGreedZone(v)}
		s.Daily = append(s.Daily, pt)
		if ds[i].After(w.start) { // min/max over the week's own days (start, end]
			if s.Min == nil || v < s.Min.Value {
				c := pt
				s.Min = &c
			}
			if s.Max == nil || v > s.Max.Value {
				c := pt
				s.Max = &c
			}
		}
	}
	if n := len(vs); n > 0 && n < 8 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d of 8 daily values present (the upstream skips some days)", n))
	}
	return nil
}

func (w *week) stablecoins() error {
	s := &w.r.Stablecoins
	metrics := []string{"circulating_usd", "market_cap"}
	sources := []string{"defillama-stablecoins", "cmc-stablecoin-history"}
	for _, c := range []struct{ id, label string }{{"stablecoin:usdt", "USDT"}, {"stablecoin:usdc", "USDC"}} {
		ps, err := w.pairs(c.id, metrics, w.start, w.end)
		if err != nil {
			return err
		}
		p, ok := best(ps, metrics, sources)[c.id]
		if !ok {
			s.Coins = append(s.Coins, missing(c.label, "USD", "no supply data for "+c.label+" in this week; DefiLlama stablecoins (ingest) fills it"))
			continue
		}
		ch := w.change(c.label+" supply", "USD", p, w.start, w.end)
		if ch.Abs != nil {
			ch.Note = "net flow = change in circulating supply"
		}
		s.Coins = append(s.Coins, ch)
	}
	ps, err := w.pairs("index:stablecoins-usd-total", []string{"circulating_usd"}, w.start, w.end)
	if err != nil {
		return err
	}
	if p, ok := best(ps, nil, []string{"defillama-stablecoins-total", "defillama-stablecoins"})["index:stablecoins-usd-total"]; ok {
		s.Total = w.change("All USD-pegged stablecoins", "USD", p, w.start, w.end)
	} else {
		s.Total = missing("All USD-pegged stablecoins", "USD", "no total stablecoin supply for this week; DefiLlama /stablecoincharts/all (ingest) fills it")
	}
	all := true
	for _, c := range s.Coins {
		all = all && c.Available()
	}
	if !all && !s.Total.Available() {
		s.Unavailable = "stablecoin supply is not in the store for this week"
	}
	return nil
}

func (w *week) defi() error {
	s := &w.r.DeFi
	metrics := []string{"tvl", "tvl_legacy"}
	ps, err := w.pairs("index:defi-tvl", metrics, w.start, w.end)
	if err != nil {
		return err
	}
	p, ok := best(ps, metrics, nil)["index:defi-tvl"]
	if !ok {
		s.Unavailable = "no total DeFi TVL for this week; DefiLlama /v2/historicalChainTvl (ingest) fills it"
		s.TotalTVL = missing("Total DeFi TVL", "USD", s.Unavailable)
		return nil
	}
	s.TotalTVL = w.change("Total DeFi TVL", "USD", p, w.start, w.end)
	if p.metric == "tvl_legacy" {
		s.TotalTVL.Note = "DefiLlama legacy all-chains total (/charts): includes liquid staking and double-counted TVL, so it sits well above DefiLlama's default headline"
	}
	return nil
}

func (w *week) chains() error {
	s := &w.r.Chains
	s.MinTVL = w.cfg.ChainMinTVL
	metrics := []string{"tvl", "tvl_legacy"}
	ps, err := w.pairs("chain:%", metrics, w.start, w.end)
	if err != nil {
		return err
	}
	bs := best(ps, metrics, []string{"defillama-chain-tvl"})
	ids := sortedKeys(bs)
	info, err := w.entities(ids)
	if err != nil {
		return err
	}
	var noData []string
	for _, id := range ids {
		p := bs[id]
		name := info[id].name
		if name == "" {
			name = strings.TrimPrefix(id, "chain:")
		}
		c := w.change(name, "USD", p, w.start, w.end)
		if p.metric == "tvl_legacy" {
			c.Note = "legacy /charts definition (not comparable in level with the v2 chains)"
		}
		if !c.Available() {
			noData = append(noData, name+" ("+c.Unavailable+")")
			continue
		}
		s.All = append(s.All, c)
	}
	if len(s.All) == 0 {
		s.Unavailable = "no chain TVL at both ends of this week; DefiLlama /v2/historicalChainTvl/{chain} (ingest) fills it"
		return nil
	}
	sort.Slice(s.All, func(i, j int) bool { return *s.All[i].End > *s.All[j].End })
	var above []report.Change
	for _, c := range s.All {
		if *c.End >= w.cfg.ChainMinTVL && c.Pct != nil {
			above = append(above, c)
		}
	}
	sort.SliceStable(above, func(i, j int) bool { return *above[i].Pct > *above[j].Pct })
	s.TopGrowth = above[:min(w.cfg.TopN, len(above))]
	s.Notes = append(s.Notes, fmt.Sprintf("%d chains in the store have TVL at both ends of the week; %d are above the %s floor", len(s.All), len(above), usd(w.cfg.ChainMinTVL)))
	if len(noData) > 0 {
		s.Notes = append(s.Notes, "left out for missing days: "+strings.Join(noData, "; "))
	}
	if len(s.All) < 10 {
		s.Notes = append(s.Notes, "the store holds only the chains listed; DefiLlama /v2/chains and /v2/historicalChainTvl/{chain} (ingest) cover every chain")
	}
	if len(above) > 0 {
		return w.spotlight(above[0])
	}
	return nil
}

func (w *week) spotlight(chain report.Change) error {
	sp := &report.Spotlight{Chain: chain}
	w.r.Chains.Spotlight = sp
	id := strings.TrimPrefix(chain.Entity, "chain:")
	info, err := w.entities([]string{chain.Entity})
	if err != nil {
		return err
	}
	names := []string{strings.ToLower(id), strings.ToLower(info[chain.Entity].name)}
	if n := info[chain.Entity].attrs["defillama_name"]; n != "" {
		names = append(names, strings.ToLower(n))
	}
	ids, err := w.rd.EntitiesOnChains(w.ctx, cw.KindProtocol, names)
	if err != nil {
		return fmt.Errorf("spotlight: %w", err)
	}
	onChain := map[string]bool{}
	for _, e := range ids {
		onChain[e] = true
	}
	prots, _, err := w.protocolChanges()
	if err != nil {
		return err
	}
	for _, p := range prots {
		if onChain[p.Entity] {
			sp.Protocols = append(sp.Protocols, p)
		}
	}
	sort.Slice(sp.Protocols, func(i, j int) bool { return *sp.Protocols[i].End > *sp.Protocols[j].End })
	if len(sp.Protocols) > w.cfg.TopN*2 {
		sp.Protocols = sp.Protocols[:w.cfg.TopN*2]
	}
	switch {
	case len(sp.Protocols) == 0 && len(onChain) == 0:
		sp.Note = fmt.Sprintf("no protocol in the store lists %s among its chains", chain.Label)
	case len(sp.Protocols) == 0:
		sp.Note = fmt.Sprintf("%d protocols in the store list %s among their chains, but none has TVL history for this week; DefiLlama /protocol/{slug} (ingest) fills it", len(onChain), chain.Label)
	default:
		sp.Note = fmt.Sprintf("%d protocols in the store list %s among their chains; those with TVL history this week are shown (total TVL across all their chains)", len(onChain), chain.Label)
	}
	return nil
}

// protocolChanges returns every protocol with TVL at both ends, with metadata, and how many miss
// an end. The chain spotlight, the protocol ranking and DEX TVL all use it, so it is read once.
func (w *week) protocolChanges() ([]report.Protocol, int, error) {
	if w.protos != nil {
		return w.protos.list, w.protos.partial, nil
	}
	list, partial, err := w.readProtocolChanges()
	if err == nil {
		w.protos = &protocolSet{list, partial}
	}
	return list, partial, err
}

type protocolSet struct {
	list    []report.Protocol
	partial int
}

func (w *week) readProtocolChanges() ([]report.Protocol, int, error) {
	ps, err := w.pairs("protocol:%", []string{"tvl"}, w.start, w.end)
	if err != nil {
		return nil, 0, err
	}
	bs := best(ps, []string{"tvl"}, []string{"defillama-protocol-tvl", "defillama-protocols"})
	ids := sortedKeys(bs)
	info, err := w.entities(ids)
	if err != nil {
		return nil, 0, err
	}
	var out []report.Protocol
	partial := 0
	for _, id := range ids {
		p := bs[id]
		e := info[id]
		name := e.name
		if name == "" {
			name = strings.TrimPrefix(id, "protocol:")
		}
		c := w.change(name, "USD", p, w.start, w.end)
		if !c.Available() {
			partial++
			continue
		}
		out = append(out, report.Protocol{Change: c, Category: e.category, Chains: e.chains})
	}
	// A parent protocol's TVL includes its children's: when a child has figures, rank and sum the
	// children, never the parent on top of them.
	hasChild := map[string]bool{}
	for _, p := range out {
		if par := info[p.Entity].parent; par != "" {
			hasChild[par] = true
		}
	}
	kept := out[:0]
	w.parentsSkipped = nil
	for _, p := range out {
		if hasChild[p.Entity] {
			w.parentsSkipped = append(w.parentsSkipped, p.Label)
			continue
		}
		kept = append(kept, p)
	}
	return kept, partial, nil
}

func (w *week) protocols() error {
	s := &w.r.Protocols
	s.MinTVL = w.cfg.ProtocolMinTVL
	prots, partial, err := w.protocolChanges()
	if err != nil {
		return err
	}
	s.Considered = len(prots)
	if len(prots) == 0 {
		s.Unavailable = "no protocol TVL history at both ends of this week; DefiLlama /protocol/{slug} (ingest) fills it"
		return nil
	}
	var above []report.Protocol
	excluded := 0
	for _, p := range prots {
		if contains(w.cfg.ProtocolExcludeCategories, p.Category) {
			excluded++
			continue
		}
		if *p.End >= w.cfg.ProtocolMinTVL && p.Pct != nil {
			above = append(above, p)
		}
	}
	sort.SliceStable(above, func(i, j int) bool { return *above[i].Pct > *above[j].Pct })
	s.TopGrowth = above[:min(w.cfg.TopN, len(above))]
	s.Notes = append(s.Notes, fmt.Sprintf("%d protocols have TVL history at both ends of the week (%d above the %s floor)", len(prots), len(above), usd(w.cfg.ProtocolMinTVL)))
	if excluded > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d protocols of categories %s are not ranked (not DeFi protocols in DefiLlama's own rankings)", excluded, joinTags(w.cfg.ProtocolExcludeCategories)))
	}
	if len(w.parentsSkipped) > 0 {
		s.Notes = append(s.Notes, "parent protocols counted through their children, not on their own: "+strings.Join(w.parentsSkipped, ", "))
	}
	if partial > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d protocols have history but miss one end of the week", partial))
	}
	// TVL by category over the protocols with history: a partial view when coverage is partial.
	cats := map[string]*report.Category{}
	for _, p := range prots {
		cat := p.Category
		if cat == "" {
			cat = "(uncategorised)"
		}
		c, ok := cats[cat]
		if !ok {
			c = &report.Category{Change: report.Change{Label: cat, Unit: "USD", Definition: p.Definition, Source: p.Source, From: p.From, To: p.To, Start: f64(0), End: f64(0)}}
			cats[cat] = c
		}
		*c.Start += *p.Start
		*c.End += *p.End
		c.Protocols++
	}
	for _, c := range cats {
		c.Abs = f64(*c.End - *c.Start)
		if *c.Start != 0 {
			c.Pct = f64((*c.End / *c.Start - 1) * 100)
		}
		s.ByCategory = append(s.ByCategory, *c)
	}
	sort.Slice(s.ByCategory, func(i, j int) bool { return *s.ByCategory[i].End > *s.ByCategory[j].End })
	n, err := w.rd.CountEntities(w.ctx, cw.KindProtocol)
	if err != nil {
		return err
	}
	if n > len(prots)*2 {
		s.Notes = append(s.Notes, fmt.Sprintf("TVL by category sums only the %d protocols with history, out of %d protocols known to the store: a partial view, not the market's category totals", len(prots), n))
	}
	return nil
}

func (w *week) dex() error {
	s := &w.r.DEX
	why := "the store has no DEX volume history for this week (the bundled data has none); `cryptoweekly ingest` fills it from DefiLlama /overview/dexs and /overview/dexs/{chain}"
	// Weekly volume: the week's 7 daily values against the 7 before.
	vs, ds, err := w.daily("index:dex-total", "dex_volume", "defillama-dex-volume", w.start.AddDate(0, 0, -7), w.end)
	if err != nil {
		return err
	}
	var cur, prev float64
	var nCur, nPrev int
	for i, d := range ds {
		if d.After(w.start) {
			cur += vs[i]
			nCur++
		} else {
			prev += vs[i]
			nPrev++
		}
	}
	if nCur == 7 && nPrev == 7 {
		w.cited["defillama-dex-volume"] = true
		w.defs[definitionID(cw.MetricDEXVolume, "defillama-dex-volume")] = true
		c := report.Change{Label: "DEX volume (7 days)", Entity: "index:dex-total", Unit: "USD", Source: "defillama-dex-volume",
			Definition: definitionID(cw.MetricDEXVolume, "defillama-dex-volume"),
			From:       cw.DayString(w.start.AddDate(0, 0, -7)) + ".." + cw.DayString(w.start), To: cw.DayString(w.start.AddDate(0, 0, 1)) + ".." + cw.DayString(w.end),
			Start: f64(prev), End: f64(cur), Abs: f64(cur - prev)}
		if prev != 0 {
			c.Pct = f64((cur/prev - 1) * 100)
		}
		s.WeeklyVolume = c
		// Year high: this week's sum against every trailing 7-day sum ending earlier in the year.
		// The windows are 7 consecutive stored days (a missing day widens one), ending on or after
		// 7 January of the week's year and before the week's end.
		yearStart := time.Date(w.end.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		jan7 := yearStart.AddDate(0, 0, 6)
		yv, yd, err := w.daily("index:dex-total", "dex_volume", "defillama-dex-volume", yearStart.AddDate(0, 0, -8), w.end.AddDate(0, 0, -1))
		if err != nil {
			return fmt.Errorf("dex year high: %w", err)
		}
		var hi sql.NullFloat64
		var windows int
		for i := 6; i < len(yv); i++ {
			if yd[i].Before(jan7) {
				continue
			}
			var sum float64
			for _, v := range yv[i-6 : i+1] {
				sum += v
			}
			windows++
			if !hi.Valid || sum > hi.Float64 {
				hi = sql.NullFloat64{Float64: sum, Valid: true}
			}
		}
		if hi.Valid {
			yh := cur > hi.Float64
			s.YearHigh = &yh
			s.YearHighNote = fmt.Sprintf("compared with %d earlier 7-day windows of %d (highest before: %.0f USD)", windows, w.end.Year(), hi.Float64)
		} else {
			s.YearHighNote = "no earlier full 7-day window this year to compare with"
		}
	} else {
		s.WeeklyVolume = missing("DEX volume (7 days)", "USD", fmt.Sprintf("%d of 14 daily DEX volume values present; %s", nCur+nPrev, why))
	}
	// DEX TVL: protocols DefiLlama files under category Dexs.
	prots, _, err := w.protocolChanges()
	if err != nil {
		return err
	}
	var t0, t1 float64
	n := 0
	src := ""
	for _, p := range prots {
		if p.Category == "Dexs" {
			t0 += *p.Start
			t1 += *p.End
			n++
			src = p.Source
		}
	}
	if n > 0 {
		w.cited[src] = true
		s.TVL = report.Change{Label: "DEX TVL", Unit: "USD", Source: src, Definition: string(defCategorySum),
			From: cw.DayString(w.start), To: cw.DayString(w.end), Start: f64(t0), End: f64(t1), Abs: f64(t1 - t0),
			Note: fmt.Sprintf("sum over %d protocols of category Dexs with history in the store", n)}
		w.defs[string(defCategorySum)] = true
		if t0 != 0 {
			s.TVL.Pct = f64((t1/t0 - 1) * 100)
		}
	} else {
		s.TVL = missing("DEX TVL", "USD", "no protocol of category Dexs has TVL history in the store for this week; DefiLlama /protocols + /protocol/{slug} (ingest) fill it")
	}
	if !s.WeeklyVolume.Available() && !s.TVL.Available() {
		s.Unavailable = why
	}
	return nil
}

var (
	wrappedName   = regexp.MustCompile(`(?i)\b(wrapped|staked|restaked|bridged|liquid staking)\b`)
	wrappedSymbol = regexp.MustCompile(`(?i)^(w|st|wst|cb|we|rs|ez|m|b|j|r|bn)(btc|eth|sol|bnb|beth|steth)$|^(btcb|wbeth|jitosol|bnsol|msol|jupsol)$`)
)

type tokenRow struct {
	id, symbol, name string
	p0, p1, mcap0    float64
	mcap1, vol1      float64
	hasVol           bool
	pct              float64
	price0, price1   *float64 // as read; p0, p1 once both are known
	tags             map[string]bool
}

func (w *week) priceWindow() (src string, d0, d1 time.Time, err error) {
	for _, s := range w.cfg.PriceSources {
		d1, err = w.snapshotDay(s, "price", w.end.AddDate(0, 0, -7), w.end)
		if err != nil || d1.IsZero() {
			continue
		}
		// The start snapshot lies 7–10 days before d1 (bounds inclusive, hence -11 exclusive), the
		// same window Coverage.snapshots accepts, so `weeks` never calls a week full that the
		// token section then finds no start snapshot for.
		d0, err = w.snapshotDay(s, "price", d1.AddDate(0, 0, -11), d1.AddDate(0, 0, -7))
		if err != nil {
			return
		}
		if !d0.IsZero() {
			return s, d0, d1, nil
		}
	}
	return "", time.Time{}, time.Time{}, err
}

func (w *week) tokenRows(src string, d0, d1 time.Time) ([]*tokenRow, error) {
	ps, err := w.rd.Pairs(w.ctx, cw.PairQuery{Prefix: "asset:", Sources: []cw.SourceID{cw.SourceID(src)}, D0: d0, D1: d1,
		Metrics: []cw.Metric{cw.MetricPrice, cw.MetricMarketCap, cw.MetricVolume24h}})
	if err != nil {
		return nil, err
	}
	byID := map[string]*tokenRow{}
	var order []string
	for _, p := range ps {
		t := byID[p.Entity]
		if t == nil {
			t = &tokenRow{id: p.Entity}
			byID[p.Entity] = t
			order = append(order, p.Entity)
		}
		switch p.Metric {
		case cw.MetricPrice:
			t.price0, t.price1 = p.V0, p.V1
		case cw.MetricMarketCap:
			if p.V0 != nil {
				t.mcap0 = *p.V0
			}
			if p.V1 != nil {
				t.mcap1 = *p.V1
			}
		case cw.MetricVolume24h:
			if p.V1 != nil {
				t.vol1, t.hasVol = *p.V1, true
			}
		}
	}
	var out []*tokenRow
	for _, id := range order {
		t := byID[id]
		if t.price0 == nil || t.price1 == nil || *t.price0 <= 0 {
			continue
		}
		t.p0, t.p1 = *t.price0, *t.price1
		t.pct = (t.p1/t.p0 - 1) * 100
		out = append(out, t)
	}
	ids := make([]string, len(out))
	for i, t := range out {
		ids[i] = t.id
	}
	info, err := w.entities(ids)
	if err != nil {
		return nil, err
	}
	stables, err := w.stablecoinSymbols()
	if err != nil {
		return nil, err
	}
	for _, t := range out {
		e := info[t.id]
		t.symbol, t.name, t.tags = e.symbol, e.name, e.tags
		if t.symbol == "" {
			t.symbol = strings.ToUpper(strings.TrimPrefix(t.id, "asset:"))
		}
		if stables[strings.ToLower(t.symbol)] {
			t.tags["stablecoin-entity"] = true
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, nil
}

// stablecoinSymbols lists symbols DefiLlama tracks as stablecoins, a guard for tokens whose
// tags are missing.
func (w *week) stablecoinSymbols() (map[string]bool, error) {
	syms, err := w.rd.Symbols(w.ctx, cw.KindStablecoin)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, s := range syms {
		out[strings.ToLower(s)] = true
	}
	return out, nil
}

func (w *week) token(t *tokenRow, src string, d0, d1 time.Time) report.Token {
	c := report.Change{Label: t.symbol, Entity: t.id, Unit: "USD", Source: src, Definition: definitionID(cw.MetricPrice, cw.SourceID(src)),
		From: cw.DayString(d0), To: cw.DayString(d1), Start: f64(t.p0), End: f64(t.p1), Abs: f64(t.p1 - t.p0), Pct: f64(t.pct)}
	return report.Token{Change: c, Symbol: t.symbol, Name: t.name, MarketCap: t.mcap1, Volume24h: t.vol1}
}

func (w *week) tokens() error {
	s := &w.r.Tokens
	src, d0, d1, err := w.priceWindow()
	if err != nil {
		return err
	}
	if src == "" {
		s.Unavailable = "no token price snapshots a week apart near this week; CoinGecko /coins/markets (ingest) fills it"
		// Say so when only the end snapshot exists: live snapshots accrue one per ingest, so a
		// first ingest cannot give weekly returns until the next week's run.
		for _, ps := range w.cfg.PriceSources {
			if d, err := w.snapshotDay(ps, "price", w.end.AddDate(0, 0, -7), w.end); err == nil && !d.IsZero() {
				s.Unavailable = fmt.Sprintf("only one %s price snapshot (%s) near this week and none 7–10 days before it: weekly returns need the snapshot of the week before (run ingest weekly; the first run cannot give returns)", ps, cw.DayString(d))
				break
			}
		}
		s.BTCDominance = missing("BTC dominance", "%", s.Unavailable)
		w.r.Sectors.Unavailable = s.Unavailable
		return nil
	}
	w.cited[src] = true
	w.defs[definitionID(cw.MetricPrice, cw.SourceID(src))] = true
	s.Source, s.From, s.To = src, cw.DayString(d0), cw.DayString(d1)
	if !d0.Equal(w.start) || !d1.Equal(w.end) {
		s.Notes = append(s.Notes, fmt.Sprintf("prices come from %s snapshots, so returns compare %s → %s (the latest snapshot on or before each end of the week), not %s → %s",
			src, s.From, s.To, w.r.WeekStart, w.r.WeekEnd))
	}
	rows, err := w.tokenRows(src, d0, d1)
	if err != nil {
		return err
	}
	s.Universe = len(rows)
	var stable, wrapped, memes, thin, noVol int
	var gainers, alts, memeList []*tokenRow
	for _, t := range rows {
		isStable := hasAny(t.tags, w.cfg.StableTags) != "" || t.tags["stablecoin-entity"]
		isWrapped := hasAny(t.tags, w.cfg.WrappedTags) != "" || wrappedName.MatchString(t.name) || wrappedSymbol.MatchString(t.symbol)
		isMeme := hasAny(t.tags, w.cfg.MemeTags) != ""
		switch {
		case t.id == "asset:btc":
			tok := w.token(t, src, d0, d1)
			s.BTC = &tok
		case isStable:
			stable++
			continue
		case isWrapped:
			wrapped++
			continue
		}
		if t.id != "asset:btc" {
			alts = append(alts, t)
		}
		if !t.hasVol {
			noVol++
			continue
		}
		if t.vol1 < w.cfg.TokenMinVolume {
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
		fmt.Sprintf("%d below the %s 24h-volume floor", thin, usd(w.cfg.TokenMinVolume)),
		fmt.Sprintf("%d memes (listed separately)", memes),
	}
	if noVol > 0 {
		s.Excluded = append(s.Excluded, fmt.Sprintf("%d without a 24h volume", noVol))
	}
	byPct := func(l []*tokenRow) { sort.SliceStable(l, func(i, j int) bool { return l[i].pct > l[j].pct }) }
	byPct(gainers)
	byPct(memeList)
	for i, t := range gainers {
		if i < w.cfg.TopN {
			s.TopGainers = append(s.TopGainers, w.token(t, src, d0, d1))
		}
		if j := len(gainers) - 1 - i; i < w.cfg.TopN && j >= w.cfg.TopN {
			s.TopLosers = append(s.TopLosers, w.token(gainers[j], src, d0, d1))
		}
	}
	for i := 0; i < min(w.cfg.TopN, len(memeList)); i++ {
		s.MemeGainers = append(s.MemeGainers, w.token(memeList[i], src, d0, d1))
	}
	untagged := 0
	for _, t := range rows {
		if len(t.tags) == 0 {
			untagged++
		}
	}
	if untagged > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d of %d tokens carry no sector tag in the store, so a meme or wrapped token among them is caught only by its name", untagged, len(rows)))
	}
	// BTC against the alt market: median and start-cap-weighted return of non-stable alts.
	if len(alts) > 0 {
		pcts := make([]float64, len(alts))
		var wsum, wret float64
		for i, t := range alts {
			pcts[i] = t.pct
			if t.mcap0 > 0 {
				wsum += t.mcap0
				wret += t.mcap0 * t.pct
			}
		}
		sort.Float64s(pcts)
		med := pcts[len(pcts)/2]
		if len(pcts)%2 == 0 {
			med = (pcts[len(pcts)/2-1] + pcts[len(pcts)/2]) / 2
		}
		s.AltMedian = f64(med)
		if wsum > 0 {
			s.AltCapWeighted = f64(wret / wsum)
		}
		s.AltCount = len(alts)
	}
	w.btcDominance(rows, src, d0, d1)
	return w.sectors(rows, src, d0, d1)
}

func (w *week) btcDominance(rows []*tokenRow, src string, d0, d1 time.Time) {
	s := &w.r.Tokens
	ps, err := w.pairs("index:crypto-market", []string{"btc_dominance_pct"}, w.start, w.end)
	if err == nil {
		if p, ok := best(ps, nil, nil)["index:crypto-market"]; ok && p.v0 != nil && p.v1 != nil {
			s.BTCDominance = w.change("BTC dominance", "%", p, w.start, w.end)
			s.BTCDominance.Abs = f64(*p.v1 - *p.v0)
			s.BTCDominance.Pct = nil
			return
		}
	}
	var btc0, btc1, all0, all1 float64
	for _, t := range rows {
		all0 += t.mcap0
		all1 += t.mcap1
		if t.id == "asset:btc" {
			btc0, btc1 = t.mcap0, t.mcap1
		}
	}
	if btc0 == 0 || btc1 == 0 || all0 == 0 || all1 == 0 {
		s.BTCDominance = missing("BTC dominance", "%", "no BTC market cap in the snapshots; CoinGecko /global (ingest) fills it")
		return
	}
	d := definitionID(metricBTCDominanceUniverse, cw.SourceID(src))
	w.defs[d] = true
	v0, v1 := btc0/all0*100, btc1/all1*100
	s.BTCDominance = report.Change{Label: "BTC dominance", Entity: "asset:btc", Unit: "%", Source: src, Definition: d,
		From: cw.DayString(d0), To: cw.DayString(d1), Start: f64(v0), End: f64(v1), Abs: f64(v1 - v0),
		Note: fmt.Sprintf("BTC market cap over the summed market cap of the %d tokens in the snapshot (not the whole market)", len(rows))}
}

func (w *week) sectors(rows []*tokenRow, src string, d0, d1 time.Time) error {
	s := &w.r.Sectors
	s.Source, s.From, s.To = src, cw.DayString(d0), cw.DayString(d1)
	s.Weighting = "market-cap-weighted at the start snapshot"
	if w.cfg.SectorWeightCap > 0 {
		s.Weighting += fmt.Sprintf(", no constituent above %g%%", w.cfg.SectorWeightCap)
	}
	tagged := 0
	for _, t := range rows {
		if len(t.tags) > 0 {
			tagged++
		}
	}
	s.TagNote = fmt.Sprintf("sector membership from the tags in the store (%d of %d priced tokens tagged); the bundled tags are CoinMarketCap's of 2025-11 and a curated map, applied to earlier weeks as they stand", tagged, len(rows))
	for _, def := range w.cfg.Sectors {
		sec := report.Sector{Name: def.Name, Tags: def.Tags}
		var members []*tokenRow
		for _, t := range rows {
			// A stablecoin is never a constituent, whether tagged as one or only known as one by
			// its symbol (DefiLlama's list), the same rule the gainers list applies.
			if hasAny(t.tags, def.Tags) == "" || hasAny(t.tags, w.cfg.StableTags) != "" || t.tags["stablecoin-entity"] || t.mcap0 <= 0 {
				continue
			}
			members = append(members, t)
			sec.MarketCap += t.mcap0
		}
		sec.Constituents = len(members)
		if len(members) > 0 {
			sort.Slice(members, func(i, j int) bool { return members[i].mcap0 > members[j].mcap0 })
			caps := make([]float64, len(members))
			for i, t := range members {
				caps[i] = t.mcap0
			}
			weights := CappedWeights(caps, w.cfg.SectorWeightCap)
			var ret float64
			for i, t := range members {
				ret += weights[i] * t.pct
			}
			sec.Return = f64(ret)
			for i, t := range members[:min(5, len(members))] {
				sec.Top = append(sec.Top, report.Constituent{Symbol: t.symbol, Name: t.name, Weight: weights[i] * 100, Return: t.pct})
			}
		}
		s.Sectors = append(s.Sectors, sec)
	}
	var ranked []report.Sector
	for _, sec := range s.Sectors {
		if sec.Return != nil {
			ranked = append(ranked, sec)
		}
	}
	if len(ranked) == 0 {
		s.Unavailable = "no priced token carries a sector tag; CoinGecko categories (ingest) or CoinMarketCap tags fill it"
		return nil
	}
	sort.SliceStable(ranked, func(i, j int) bool { return *ranked[i].Return > *ranked[j].Return })
	s.Best, s.Worst = ranked[0].Name, ranked[len(ranked)-1].Name
	return nil
}

func (w *week) derivatives() error {
	s := &w.r.Derivatives
	ps, err := w.rd.Pairs(w.ctx, cw.PairQuery{Prefix: "contract:", Metrics: []cw.Metric{cw.MetricOpenInterestUSD}, D0: w.start, D1: w.end})
	if err != nil {
		return fmt.Errorf("open interest: %w", err)
	}
	ids := make([]string, 0, len(ps))
	for _, p := range ps {
		ids = append(ids, p.Entity)
	}
	info, err := w.entities(ids)
	if err != nil {
		return fmt.Errorf("open interest: %w", err)
	}
	// One figure per coin: its contracts (each series of each) summed, and only when every
	// series has both ends.
	type coin struct {
		parent, src string
		v0, v1      float64
		n, n0, n1   int
	}
	coins := map[string]*coin{}
	var parents []string
	for _, p := range ps {
		par := info[p.Entity].parent
		c := coins[par]
		if c == nil {
			c = &coin{parent: par, src: string(p.Source)}
			coins[par] = c
			parents = append(parents, par)
		}
		c.src = min(c.src, string(p.Source))
		c.n++
		if p.V0 != nil {
			c.v0 += *p.V0
			c.n0++
		}
		if p.V1 != nil {
			c.v1 += *p.V1
			c.n1++
		}
	}
	sort.SliceStable(parents, func(i, j int) bool {
		a, b := coins[parents[i]], coins[parents[j]]
		if (a.n1 > 0) != (b.n1 > 0) {
			return a.n1 > 0
		}
		if a.v1 != b.v1 {
			return a.v1 > b.v1
		}
		return a.parent < b.parent
	})
	var partial []string
	for _, par := range parents {
		c := coins[par]
		sym := strings.ToUpper(strings.TrimPrefix(par, "asset:"))
		if c.n0 != c.n || c.n1 != c.n {
			partial = append(partial, sym)
			continue
		}
		p := pair{entity: par, metric: "open_interest_usd", source: c.src, v0: f64(c.v0), v1: f64(c.v1)}
		ch := w.change(sym, "USD", p, w.start, w.end)
		if c.n > 1 {
			ch.Note = fmt.Sprintf("%d contracts summed", c.n)
		}
		s.OpenInterest = append(s.OpenInterest, ch)
	}
	if len(s.OpenInterest) == 0 {
		s.Unavailable = "no open-interest data at both ends of this week (the bundled Binance perpetuals series ends 2025-10-26)"
	} else {
		s.Notes = append(s.Notes, "Binance perpetuals only (coin-margined and USDT-margined summed per coin), via Coinalyze")
	}
	if len(partial) > 0 {
		s.Notes = append(s.Notes, "left out for a missing end of the week: "+strings.Join(partial, ", "))
	}
	return nil
}

func (w *week) social() error {
	s := &w.r.Social
	obs, err := w.rd.Latest(w.ctx, "topic:", []cw.Metric{cw.MetricTopicRank, cw.MetricTrendRank}, w.start, w.end)
	if err != nil {
		return fmt.Errorf("social: %w", err)
	}
	// Social topics rank before search interest; then by rank.
	sort.SliceStable(obs, func(i, j int) bool {
		ri, rj := obs[i].Metric != cw.MetricTopicRank, obs[j].Metric != cw.MetricTopicRank
		if ri != rj {
			return !ri
		}
		if obs[i].Value != obs[j].Value {
			return obs[i].Value < obs[j].Value
		}
		return obs[i].Entity < obs[j].Entity
	})
	obs = obs[:min(10, len(obs))]
	ids := make([]string, len(obs))
	for i, o := range obs {
		ids[i] = o.Entity
	}
	info, err := w.entities(ids)
	if err != nil {
		return fmt.Errorf("social: %w", err)
	}
	for _, o := range obs {
		name := info[o.Entity].name
		if name == "" {
			name = strings.TrimPrefix(o.Entity, "topic:")
		}
		w.cited[string(o.Source)] = true
		s.Topics = append(s.Topics, report.Topic{Rank: len(s.Topics) + 1, Name: name, Metric: string(o.Metric), Value: o.Value, Source: string(o.Source)})
	}
	if len(s.Topics) == 0 {
		s.Unavailable = "no social or search-interest data for this week (none is bundled); LunarCrush topics (with a key) or CoinGecko /search/trending (keyless, search interest) via ingest fill it"
	}
	return nil
}

func (w *week) events(cal []report.Event) error {
	s := &w.r.Events
	next := w.end.AddDate(0, 0, 7)
	s.From, s.To = cw.DayString(w.end), cw.DayString(next)
	for _, e := range cal {
		d, err := cw.ParseDay(e.Date)
		if err != nil {
			return fmt.Errorf("calendar: %w", err)
		}
		if d.After(w.end) && !d.After(next) {
			s.Upcoming = append(s.Upcoming, e)
		}
	}
	if len(s.Upcoming) == 0 {
		s.Notes = append(s.Notes, "no scheduled FOMC, CPI, PCE or payrolls release in the calendar for this period")
	}
	// A calendar that stops before next week cannot say "nothing scheduled": say it is stale.
	last := map[string]string{}
	for _, e := range cal {
		if e.Date > last[e.Kind] {
			last[e.Kind] = e.Date
		}
	}
	for _, k := range sortedKeys(last) {
		if last[k] < s.To && k != "ics" {
			s.Notes = append(s.Notes, fmt.Sprintf("the calendar has no %s dates after %s, so next week's list may be incomplete: update events/calendar.csv from the agency's schedule", k, last[k]))
		}
	}
	// Regulatory and news items stored by the news watch during the week.
	obs, err := w.rd.Observations(w.ctx, "event:", cw.MetricPublished, w.start, w.end)
	if err != nil {
		return fmt.Errorf("news: %w", err)
	}
	ids := make([]string, len(obs))
	for i, o := range obs {
		ids[i] = o.Entity
	}
	info, err := w.entities(ids)
	if err != nil {
		return fmt.Errorf("news: %w", err)
	}
	sort.SliceStable(obs, func(i, j int) bool {
		if !obs[i].Day.Equal(obs[j].Day) {
			return obs[i].Day.Before(obs[j].Day)
		}
		return info[obs[i].Entity].name < info[obs[j].Entity].name
	})
	for _, o := range obs {
		e := info[o.Entity]
		var tl []string
		for _, t := range sortedKeys(e.tags) {
			if t, ok := strings.CutPrefix(t, "news:"); ok {
				tl = append(tl, t)
			}
		}
		if !contains(tl, "regulation") {
			continue
		}
		w.cited[string(o.Source)] = true
		s.Regulatory = append(s.Regulatory, report.Event{Date: cw.DayString(o.Day), Kind: "news", Title: e.name, Link: e.attrs["link"], Tags: tl, Source: string(o.Source)})
	}
	if len(s.Regulatory) == 0 {
		s.Notes = append(s.Notes, "no regulatory news items stored for this week; configure RSS/Atom feeds for `cryptoweekly ingest` to track them")
	}
	return nil
}

func sortedKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// CappedWeights turns market caps into index weights (fractions summing to 1). With capPct > 0 no
// weight exceeds capPct percent: the excess of capped constituents is redistributed pro rata over
// the others until none is above the cap. If the cap cannot hold (fewer than 100/cap
// constituents), the weights are equal.
func CappedWeights(mcaps []float64, capPct float64) []float64 {
	n := len(mcaps)
	w := make([]float64, n)
	var total float64
	for _, m := range mcaps {
		total += m
	}
	if n == 0 || total <= 0 {
		return w
	}
	for i, m := range mcaps {
		w[i] = m / total
	}
	if capPct <= 0 {
		return w
	}
	c := capPct / 100
	if c*float64(n) <= 1 {
		for i := range w {
			w[i] = 1 / float64(n)
		}
		return w
	}
	capped := make([]bool, n)
	for {
		var excess, free float64
		for i := range w {
			if !capped[i] && w[i] > c {
				excess += w[i] - c
				w[i] = c
				capped[i] = true
			}
		}
		if excess == 0 {
			return w
		}
		for i := range w {
			if !capped[i] {
				free += w[i]
			}
		}
		for i := range w {
			if !capped[i] {
				w[i] += excess * w[i] / free
			}
		}
	}
}
