// Package dex is the report's DEX section: DEX TVL and the week's DEX volume against the week
// before, with a check whether the volume is the year's highest, the weekly volume per chain,
// and the week's perpetuals volume beside it.
package dex

import (
	"fmt"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/defillama"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the DEX block.
type Section struct{}

// Block is DEX TVL and volume.
type Block struct {
	report.Base
	TVL          report.Change   `json:"tvl"`
	WeeklyVolume report.Change   `json:"weekly_volume"` // sum of daily volume over the week vs the week before
	PerpsVolume  report.Change   `json:"perps_weekly_volume"`
	YearHigh     *bool           `json:"year_high,omitempty"`
	YearHighNote string          `json:"year_high_note,omitempty"`
	ByChain      []report.Change `json:"by_chain,omitempty"`
}

const (
	entity    = defillama.EntityDexTotal
	volSource = defillama.SourceDexVolume
	// defCategorySum is the DEX TVL figure: a sum this section derives, not a stored series.
	defCategorySum cw.DefinitionID = "tvl.protocols.category-sum"
)

func init() {
	cw.RegisterDefinition(cw.Definition{ID: defCategorySum,
		Text: "Sum of protocol TVL over the protocols of one DefiLlama category that have history in the store."})
}

func (Section) Name() string           { return "dex" }
func (Section) NewBlock() report.Block { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID {
	return append([]cw.SourceID{volSource, defillama.SourcePerpsVolume}, section.ProtocolSources...)
}

// volSources and perpsSources are the DEX and perps volume series in order of preference: the
// live family, then DefiLlama's bundled all-chains export, which holds both under one id.
var (
	volSources   = []cw.SourceID{volSource, defillama.SourceDexVolumeExport}
	perpsSources = []cw.SourceID{defillama.SourcePerpsVolume, defillama.SourceDexVolumeExport}
)

func (Section) CoverageColumn() string { return "dex" }
func (Section) Core() bool             { return false }
func (Section) Selectors(report.Config) []cw.Selector {
	return []cw.Selector{{Entities: []string{entity}, Metrics: []cw.Metric{cw.MetricDEXVolume}, Sources: volSources}}
}
func (Section) CoverageStatus(c []map[time.Time]int, end time.Time, _ report.Config) report.Status {
	k := report.DaysIn(c[0], end)
	return report.Level(k == 7, k > 0, fmt.Sprintf("%d/7 days", k))
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	why := "the store has no DEX volume history for this week (the bundled data has none); `cryptoweekly ingest` fills it from DefiLlama /overview/dexs and /overview/dexs/{chain}"
	// Weekly volume: the week's 7 daily values against the 7 before, from the live series where
	// it has all 14 days, else DefiLlama's bundled export.
	c, src, cur, err := weekVolume(env, entity, cw.MetricDEXVolume, "DEX volume (7 days)", volSources)
	if err != nil {
		return nil, err
	}
	if c.Available() {
		s.WeeklyVolume = c
		if err := s.yearHigh(env, src, cur); err != nil {
			return nil, err
		}
	} else {
		s.WeeklyVolume = report.Missing("DEX volume (7 days)", "USD", c.Note+"; "+why)
	}
	// Perpetuals: the same 7-day sums, from the live /overview/derivatives series where it has
	// all 14 days, else the bundled all-chains export.
	if s.PerpsVolume, _, _, err = weekVolume(env, entity, defillama.MetricPerpsVolume, "Perps volume (7 days)", perpsSources); err != nil {
		return nil, err
	}
	if !s.PerpsVolume.Available() {
		s.PerpsVolume = report.Missing("Perps volume (7 days)", "USD", s.PerpsVolume.Note+
			"; the bundled DefiLlama export ends 2026-04-16; `cryptoweekly ingest` fills later weeks from DefiLlama /overview/derivatives")
	}
	if s.ByChain, err = byChain(env); err != nil {
		return nil, err
	}
	// DEX TVL: protocols DefiLlama files under category Dexs.
	prots, err := section.Protocols(env)
	if err != nil {
		return nil, err
	}
	var t0, t1 float64
	n := 0
	tvlSrc := ""
	for _, p := range prots.List {
		if p.Category == "Dexs" {
			t0 += *p.Start
			t1 += *p.End
			n++
			tvlSrc = p.Source
		}
	}
	if n > 0 {
		env.Cite(tvlSrc)
		env.Define(string(defCategorySum))
		s.TVL = report.Change{Label: "DEX TVL", Unit: "USD", Source: tvlSrc, Definition: string(defCategorySum),
			From: cw.DayString(env.Start), To: cw.DayString(env.End), Start: report.F64(t0), End: report.F64(t1), Abs: report.F64(t1 - t0),
			Note: fmt.Sprintf("sum over %d protocols of category Dexs with history in the store", n)}
		if t0 != 0 {
			s.TVL.Pct = report.F64((t1/t0 - 1) * 100)
		}
	} else {
		s.TVL = report.Missing("DEX TVL", "USD", "no protocol of category Dexs has TVL history in the store for this week; DefiLlama /protocols + /protocol/{slug} (ingest) fill it")
	}
	if !s.WeeklyVolume.Available() && !s.TVL.Available() {
		s.Unavailable = why
	}
	return s, nil
}

// yearHigh compares this week's volume with every earlier 7-day window of the year: windows of 7
// consecutive stored days (a missing day widens one) ending on or after 7 January and before the
// week's end.
func (s *Block) yearHigh(env *report.Env, src cw.SourceID, cur float64) error {
	yearStart := time.Date(env.End.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	jan7 := yearStart.AddDate(0, 0, 6)
	pts, err := env.Reader.Daily(env.Ctx, entity, cw.MetricDEXVolume, src, yearStart.AddDate(0, 0, -8), env.End.AddDate(0, 0, -1))
	if err != nil {
		return fmt.Errorf("year high: %w", err)
	}
	var hi float64
	var hiEnd time.Time
	windows := 0
	for i := 6; i < len(pts); i++ {
		if pts[i].Day.Before(jan7) {
			continue
		}
		var sum float64
		for _, p := range pts[i-6 : i+1] {
			sum += p.Value
		}
		if windows == 0 || sum > hi {
			hi, hiEnd = sum, pts[i].Day
		}
		windows++
	}
	if windows == 0 {
		s.YearHighNote = "no earlier full 7-day window this year to compare with"
		return nil
	}
	yh := cur > hi
	s.YearHigh = &yh
	s.YearHighNote = fmt.Sprintf("compared with %d earlier 7-day windows of %d (highest before: %s in the 7 days to %s)", windows, env.End.Year(), report.USD(hi), cw.DayString(hiEnd))
	return nil
}

// weekVolume sums an entity's daily volume of metric m over the week and the week before, from
// the first of sources holding all 14 days, else the one holding most: two sources are never
// mixed in one sum. A Change that is not Available says how many days were found.
func weekVolume(env *report.Env, ent string, m cw.Metric, label string, sources []cw.SourceID) (report.Change, cw.SourceID, float64, error) {
	prevStart := env.Start.AddDate(0, 0, -7)
	var pts []cw.Point
	src := sources[0]
	for _, s := range sources {
		p, err := env.Reader.Daily(env.Ctx, ent, m, s, prevStart, env.End)
		if err != nil {
			return report.Change{}, "", 0, fmt.Errorf("%s: %w", ent, err)
		}
		if len(p) > len(pts) {
			pts, src = p, s
		}
		if len(p) == 14 {
			break
		}
	}
	var cur, prev float64
	var nCur, nPrev int
	for _, p := range pts {
		if p.Day.After(env.Start) {
			cur += p.Value
			nCur++
		} else {
			prev += p.Value
			nPrev++
		}
	}
	if nCur != 7 || nPrev != 7 {
		return report.Change{Label: label, Note: fmt.Sprintf("%d of 14 daily %s values present", nCur+nPrev, strings.TrimSuffix(label, " (7 days)"))}, src, 0, nil
	}
	def := string(cw.DefinitionOf(m, src))
	env.Cite(string(src))
	env.Define(def)
	c := report.Change{Label: label, Entity: ent, Unit: "USD", Source: string(src), Definition: def,
		From: cw.DayString(prevStart.AddDate(0, 0, 1)) + ".." + cw.DayString(env.Start), To: cw.DayString(env.Start.AddDate(0, 0, 1)) + ".." + cw.DayString(env.End),
		Start: report.F64(prev), End: report.F64(cur), Abs: report.F64(cur - prev)}
	if prev != 0 {
		c.Pct = report.F64((cur/prev - 1) * 100)
	}
	return c, src, cur, nil
}

// byChain is the weekly DEX volume of every chain with all 14 daily values (the live
// /overview/dexs/{chain} series, or the bundled Ethereum and Solana exports), largest first.
func byChain(env *report.Env) ([]report.Change, error) {
	pairs, err := env.Reader.Pairs(env.Ctx, cw.PairQuery{Prefix: "chain:", Metrics: []cw.Metric{cw.MetricDEXVolume}, Sources: volSources,
		D0: env.Start.AddDate(0, 0, -6), D1: env.End})
	if err != nil {
		return nil, fmt.Errorf("by chain: %w", err)
	}
	seen := map[string]bool{}
	var ids []string
	for _, p := range pairs {
		if p.V0 != nil && p.V1 != nil && !seen[p.Entity] {
			seen[p.Entity] = true
			ids = append(ids, p.Entity)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("by chain: %w", err)
	}
	var out []report.Change
	for _, id := range ids {
		name := info[id].Name
		if name == "" {
			name = id
		}
		c, _, _, err := weekVolume(env, id, cw.MetricDEXVolume, name, volSources)
		if err != nil {
			return nil, fmt.Errorf("by chain: %w", err)
		}
		if c.Available() {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return *out[i].End > *out[j].End })
	return out, nil
}

func (b *Block) Title() string { return "DEX" }
func (b *Block) Cites() []string {
	return report.ChangeSources(append([]report.Change{b.TVL, b.WeeklyVolume, b.PerpsVolume}, b.ByChain...)...)
}

func (b *Block) Layout() []report.Element {
	out := report.ChangeTable([]report.Change{b.TVL, b.WeeklyVolume, b.PerpsVolume})
	if len(b.ByChain) > 0 {
		out = append(out, report.P(report.L("DEX volume by chain (7 days):")))
		out = append(out, report.ChangeTable(b.ByChain)...)
	}
	if b.YearHigh != nil {
		verdict := report.L("is not")
		if *b.YearHigh {
			verdict = report.B("is")
		}
		out = append(out, report.P(report.L("This week's DEX volume "), verdict, report.L(" the highest of the year ("), report.T(b.YearHighNote), report.L(").")))
	} else if b.YearHighNote != "" {
		out = append(out, report.P(report.L("Year high: "), report.T(b.YearHighNote), report.L(".")))
	}
	return append(out, report.Notes(b.Notes)...)
}
