// Package sectors is the report's sector ("track") section: a market-cap-weighted weekly return
// per sector, with its largest constituents, their weights and returns.
package sectors

import (
	"fmt"
	"sort"
	"strings"

	cw "cryptoweekly"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the sector block.
type Section struct{}

// Sector is a market-cap-weighted sector index for the week.
type Sector struct {
	Name         string        `json:"name"`
	Tags         []string      `json:"tags"`
	Return       *float64      `json:"return_pct"`
	MarketCap    float64       `json:"market_cap,omitempty"` // at the start snapshot; none known: left out
	Constituents int           `json:"constituents"`
	Top          []Constituent `json:"top"`
}

// Constituent is a token's weight and return in a sector.
type Constituent struct {
	Symbol string  `json:"symbol"`
	Name   string  `json:"name"`
	Weight float64 `json:"weight_pct"`
	Return float64 `json:"return_pct"`
	// Source, From and To are the prices the return compares: a daily series at the week's own
	// ends where one covers the token, else the block's snapshots.
	Source string `json:"source"`
	From   string `json:"from"`
	To     string `json:"to"`
}

// Block is the sector indices.
type Block struct {
	report.Base
	Source    string   `json:"source"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Weighting string   `json:"weighting"` // "market-cap-weighted", or with the cap applied
	TagNote   string   `json:"tag_note"`
	Sectors   []Sector `json:"sectors"`
	Best      string   `json:"best,omitempty"`
	Worst     string   `json:"worst,omitempty"`
}

func (Section) Name() string                          { return "sectors" }
func (Section) NewBlock() report.Block                { return new(Block) }
func (Section) Feeds(cfg report.Config) []cw.SourceID { return cfg.PriceSourceIDs() }

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	pr, err := section.WeekPrices(env)
	if err != nil {
		return nil, err
	}
	if pr.Source == "" {
		s.Unavailable = pr.Unavailable
		return s, nil
	}
	cfg := env.Config
	rows := pr.Rows
	s.Source, s.From, s.To = string(pr.Source), cw.DayString(pr.D0), cw.DayString(pr.D1)
	s.Weighting = "market-cap-weighted at the start snapshot"
	if cfg.SectorWeightCap > 0 {
		s.Weighting += fmt.Sprintf(", no constituent above %g%%", cfg.SectorWeightCap)
	}
	tagged := 0
	for _, t := range rows {
		if len(t.Tags) > 0 {
			tagged++
		}
	}
	s.From, s.To = cw.DayString(pr.WD0), cw.DayString(pr.WD1)
	if pr.Exact > 0 && pr.Exact < len(rows) {
		s.Notes = append(s.Notes, fmt.Sprintf("every index compares the snapshot dates above for all its constituents: only %d of %d priced tokens have daily prices at the week's own ends (the token section shows those)", pr.Exact, len(rows)))
	}
	s.TagNote = fmt.Sprintf("sector membership from the tags in the store (%d of %d priced tokens tagged); the bundled tags are CoinMarketCap's of 2025-11 and a curated map, applied to earlier weeks as they stand", tagged, len(rows))
	for _, def := range cfg.Sectors {
		sec := Sector{Name: def.Name, Tags: def.Tags}
		var members []*section.TokenRow
		for _, t := range rows {
			// A stablecoin is never a constituent, whether tagged as one or only known as one by
			// its symbol (DefiLlama's list), the same rule the gainers list applies.
			if section.HasAny(t.Tags, def.Tags) == "" || t.Stable(cfg) || t.Mcap0 <= 0 {
				continue
			}
			members = append(members, t)
			sec.MarketCap += t.Mcap0
		}
		sec.Constituents = len(members)
		if len(members) > 0 {
			sort.Slice(members, func(i, j int) bool { return members[i].Mcap0 > members[j].Mcap0 })
			caps := make([]float64, len(members))
			for i, t := range members {
				caps[i] = t.Mcap0
			}
			weights := CappedWeights(caps, cfg.SectorWeightCap)
			var ret float64
			// Every constituent over the one window (the snapshots' dates unless every token has
			// the week's own ends), so that an index never mixes two.
			for i, t := range members {
				ret += weights[i] * t.WindowPct
			}
			sec.Return = report.F64(ret)
			for i, t := range members[:min(5, len(members))] {
				src, from, to := t.Source, pr.WD0, pr.WD1
				if !pr.WD0.Equal(t.D0) || !pr.WD1.Equal(t.D1) {
					src = pr.Source // the window is the snapshots'
				}
				sec.Top = append(sec.Top, Constituent{Symbol: t.Symbol, Name: t.Name, Weight: weights[i] * 100, Return: t.WindowPct,
					Source: string(src), From: cw.DayString(from), To: cw.DayString(to)})
			}
		}
		s.Sectors = append(s.Sectors, sec)
	}
	var ranked []Sector
	for _, sec := range s.Sectors {
		if sec.Return != nil {
			ranked = append(ranked, sec)
		}
	}
	if len(ranked) == 0 {
		s.Unavailable = "no priced token carries a sector tag; CoinGecko categories (ingest) or CoinMarketCap tags fill it"
		if uncapped := taggedWithoutCap(rows, cfg); uncapped > 0 {
			// The weights need market caps, which a price-only week lacks (CoinGecko's daily
			// top-100 files, exchange candles): say that rather than blame the tags.
			s.Unavailable = fmt.Sprintf("%d priced tokens carry a sector tag but none has a market cap stored at %s (%s holds prices only), and the indices are market-cap-weighted; CoinGecko /coins/markets (ingest) fills it",
				uncapped, s.From, s.Source)
		}
		return s, nil
	}
	sort.SliceStable(ranked, func(i, j int) bool { return *ranked[i].Return > *ranked[j].Return })
	s.Best, s.Worst = ranked[0].Name, ranked[len(ranked)-1].Name
	return s, nil
}

// taggedWithoutCap counts the priced non-stable tokens in some configured sector that have no
// start market cap.
func taggedWithoutCap(rows []*section.TokenRow, cfg report.Config) int {
	n := 0
	for _, t := range rows {
		if t.Mcap0 > 0 || t.Stable(cfg) {
			continue
		}
		for _, def := range cfg.Sectors {
			if section.HasAny(t.Tags, def.Tags) != "" {
				n++
				break
			}
		}
	}
	return n
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

func (b *Block) Title() string   { return "Sectors (tracks)" }
func (b *Block) Cites() []string { return []string{b.Source} }

func (b *Block) Layout() []report.Element {
	out := []report.Element{report.P(report.Lf("Weekly return per sector (%s), ", b.Weighting), report.C(b.Source),
		report.Lf(" %s → %s. Best: ", b.From, b.To), report.B(b.Best), report.L("; worst: "), report.B(b.Worst), report.L("."))}
	t := report.Tab("sector", "return:", "constituents:", "market cap (start):", "top constituents (weight, return)")
	for _, sec := range b.Sectors {
		var top report.Inline
		for i, c := range sec.Top {
			if i > 0 {
				top = append(top, report.L("; "))
			}
			top = append(top, report.T(c.Symbol), report.Lf(" %.1f%% (%s)", c.Weight, report.Pct(c.Return)))
		}
		mcap := "n/a" // no source of the week gave its constituents' market caps
		if sec.MarketCap > 0 {
			mcap = report.USD(sec.MarketCap)
		}
		t.Row(report.T(sec.Name), report.L(report.PctPtr(sec.Return)), report.Lf("%d", sec.Constituents), report.L(mcap), top)
	}
	out = append(out, t)
	out = append(out, b.charts()...)
	out = append(out, report.P(report.I(b.TagNote+".")))
	return append(out, report.Notes(b.Notes)...)
}

func (b *Block) sector(name string) Sector {
	for _, s := range b.Sectors {
		if s.Name == name {
			return s
		}
	}
	return Sector{Name: name}
}

func (b *Block) Overview() []report.Bullet {
	if b.Best == "" || b.Best == b.Worst {
		return nil
	}
	best, worst := b.sector(b.Best), b.sector(b.Worst)
	return []report.Bullet{{Text: fmt.Sprintf("Sectors: %s was the strongest track (%s), %s the weakest (%s).", best.Name, report.PctPtr(best.Return), worst.Name, report.PctPtr(worst.Return))}}
}

// charts draw every sector's weekly return and the leading sector's constituent weights.
func (b *Block) charts() []report.Element {
	ret := report.Chart{Kind: report.BarChart, Title: "Weekly return per sector", Unit: "%", Source: b.Source}
	var alt []string
	for _, s := range b.Sectors {
		if s.Return != nil {
			ret.Bars = append(ret.Bars, report.Bar{Label: s.Name, Value: *s.Return, Link: "sector:" + s.Name})
			alt = append(alt, s.Name+" "+report.Pct(*s.Return))
		}
	}
	if len(ret.Bars) == 0 {
		return nil
	}
	ret.Alt = "Bar chart of weekly sector returns: " + strings.Join(alt, "; ") + "."
	out := []report.Element{report.Figure(ret)}
	best := b.sector(b.Best)
	if len(best.Top) > 0 {
		w := report.Chart{Kind: report.BarChart, Title: "Largest constituents of " + best.Name + " by weight", Unit: "share", Source: b.Source}
		alt = nil
		for _, c := range best.Top {
			w.Bars = append(w.Bars, report.Bar{Label: c.Symbol, Value: c.Weight})
			alt = append(alt, fmt.Sprintf("%s %.1f%%", c.Symbol, c.Weight))
		}
		w.Alt = "Bar chart of constituent weights in " + best.Name + ": " + strings.Join(alt, "; ") + "."
		out = append(out, report.Figure(w))
	}
	return out
}
