// Package categories is the report's CoinGecko category section: the market cap of the desk's
// tracked sectors' CoinGecko categories and of the largest categories at the newest snapshot of
// the week, against the newest snapshot at least 7 days before it, with both dates.
//
// The figures are CoinGecko's (/coins/categories, provider/coingecko): a category's market cap is
// the sum over the coins it tags, categories overlap, and their membership changes, so a change
// here is a category growing or shrinking, members included, not an index return — the sector
// section (section/sectors) computes those.
package categories

import (
	"fmt"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/coingecko"
	"cryptoweekly/report"
)

// Section computes the category block.
type Section struct{}

// Largest is how many categories the "largest" table lists: the size of the early snapshots,
// which hold the top 10 only.
const Largest = 10

// MaxGap is the oldest the start snapshot may be, in days before the end snapshot: the nearest
// one at least 7 days before, but a comparison across more than two weeks is no weekly change.
const MaxGap = 14

// Row is one category's market cap at the two snapshots.
type Row struct {
	report.Change
	// Sector is the tracked sector the category stands for ("" in the largest table).
	Sector    string   `json:"sector,omitempty"`
	Volume24h *float64 `json:"volume_24h,omitempty"` // at the end snapshot
}

// Block is the week's category market caps.
type Block struct {
	report.Base
	Source string `json:"source"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	// Listed is how many categories the end snapshot has figures for (10 in the early files).
	Listed  int   `json:"listed"`
	Tracked []Row `json:"tracked"`
	Largest []Row `json:"largest"`
}

func (Section) Name() string                      { return "categories" }
func (Section) NewBlock() report.Block            { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID { return []cw.SourceID{coingecko.SourceCategoryCaps} }

func (b *Block) Title() string   { return "CoinGecko category market caps" }
func (b *Block) Cites() []string { return []string{b.Source} }

const src = coingecko.SourceCategoryCaps

func (Section) Compute(env *report.Env) (report.Block, error) {
	b := &Block{Source: string(src)}
	d1, err := env.Reader.LatestDay(env.Ctx, src, cw.MetricMarketCap, env.Start, env.End)
	if err != nil {
		return nil, err
	}
	if d1.IsZero() {
		b.Unavailable = "no CoinGecko category snapshot stored in the week"
		before, err := env.Reader.LatestDay(env.Ctx, src, cw.MetricMarketCap, cw.FirstDay.AddDate(0, 0, -1), env.Start)
		if err != nil {
			return nil, err
		}
		if before.IsZero() {
			b.Unavailable += " (none stored before it either)"
		} else {
			b.Unavailable += fmt.Sprintf(" (the newest before it is of %s)", cw.DayString(before))
		}
		// Say where the figures could come from: no live source stores them yet.
		b.Unavailable += "; only the bundled CoinGecko /coins/categories snapshots feed this section (the live connector reads category membership, not category market caps)"
		return b, nil
	}
	d0, err := env.Reader.LatestDay(env.Ctx, src, cw.MetricMarketCap, d1.AddDate(0, 0, -MaxGap-1), d1.AddDate(0, 0, -7))
	if err != nil {
		return nil, err
	}
	b.To = cw.DayString(d1)
	q := cw.PairQuery{Prefix: coingecko.CategoryEntity(""), Metrics: []cw.Metric{cw.MetricMarketCap, cw.MetricVolume24h}, Sources: []cw.SourceID{src}, D0: d1, D1: d1}
	if !d0.IsZero() {
		q.D0 = d0
		b.From = cw.DayString(d0)
	}
	ps, err := env.Reader.Pairs(env.Ctx, q)
	if err != nil {
		return nil, err
	}
	caps := map[string]cw.Pair{}
	vols := map[string]*float64{}
	for _, p := range ps {
		switch p.Metric {
		case cw.MetricMarketCap:
			caps[p.Entity] = p
			if p.V1 != nil {
				b.Listed++
			}
		case cw.MetricVolume24h:
			vols[p.Entity] = p.V1
		}
	}
	var ids []string
	for id := range caps {
		ids = append(ids, id)
	}
	names, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return nil, err
	}
	def := string(cw.DefinitionOf(cw.MetricMarketCap, src))
	row := func(id, label string) Row {
		r := Row{Change: report.Change{Label: label, Entity: id, Unit: "USD", Definition: def, Source: string(src), From: b.From, To: b.To}}
		p, ok := caps[id]
		if !ok || p.V1 == nil {
			r.Unavailable = fmt.Sprintf("not among the %d categories of the %s snapshot", b.Listed, b.To)
			return r
		}
		r.End, r.Volume24h = p.V1, vols[id]
		switch {
		case d0.IsZero():
			r.Unavailable = fmt.Sprintf("no stored snapshot 7–%d days before %s", MaxGap, b.To)
		case p.V0 == nil:
			r.Unavailable = fmt.Sprintf("not in the %s snapshot", b.From)
		default:
			r.Start = p.V0
			r.Abs = report.F64(*p.V1 - *p.V0)
			if *p.V0 > 0 {
				r.Pct = report.F64((*p.V1 / *p.V0 - 1) * 100)
			}
		}
		return r
	}
	// The tracked sectors, through their cg:<id> tags.
	for _, sec := range env.Config.Sectors {
		var cats []string
		for _, t := range sec.Tags {
			if id, ok := strings.CutPrefix(t, "cg:"); ok {
				if n, ok := coingecko.CategoryNames[id]; ok {
					cats = append(cats, n)
				}
			}
		}
		if len(cats) == 0 {
			r := Row{Sector: sec.Name, Change: report.Change{Label: "–", Unit: "USD", Source: string(src),
				Unavailable: "the sector has no CoinGecko category tag (cg:<id>) with a known category name"}}
			b.Tracked = append(b.Tracked, r)
			continue
		}
		for _, n := range cats {
			r := row(coingecko.CategoryEntity(n), n)
			r.Sector = sec.Name
			b.Tracked = append(b.Tracked, r)
		}
	}
	// The largest categories at the end snapshot.
	var top []string
	for id, p := range caps {
		if p.V1 != nil {
			top = append(top, id)
		}
	}
	sort.Slice(top, func(i, j int) bool {
		a, c := *caps[top[i]].V1, *caps[top[j]].V1
		if a != c {
			return a > c
		}
		return top[i] < top[j]
	})
	for _, id := range top[:min(Largest, len(top))] {
		label := names[id].Name
		if label == "" {
			label = id
		}
		b.Largest = append(b.Largest, row(id, label))
	}
	env.Cite(string(src))
	env.Define(def)
	if d0.IsZero() {
		b.Notes = append(b.Notes, fmt.Sprintf("No stored category snapshot lies 7–%d days before %s, so the market caps have no weekly change.", MaxGap, b.To))
	} else if gap := int(d1.Sub(d0) / (24 * time.Hour)); gap != 7 || !d1.Equal(env.End) {
		b.Notes = append(b.Notes, fmt.Sprintf("The snapshots compared are of %s and %s (%d days apart): the newest in the week and the newest at least 7 days before it, not the week's own ends.", b.From, b.To, gap))
	}
	b.Notes = append(b.Notes, "A category's market cap sums its coins at the snapshot's time; categories overlap and change members, so these are sizes, not index returns (see the sector section).")
	return b, nil
}

func (b *Block) Layout() []report.Element {
	out := []report.Element{report.P(report.L("Market caps of CoinGecko categories, "), report.C(b.Source), report.Lf(", %s → %s (%d categories with figures on %s).", or(b.From, "–"), b.To, b.Listed, b.To))}
	out = append(out, report.H3(report.L("The tracked sectors' categories")))
	out = append(out, table(b.Tracked, true))
	out = append(out, report.H3(report.Lf("The %d largest categories", len(b.Largest))))
	out = append(out, table(b.Largest, false))
	return append(out, report.Notes(b.Notes)...)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func table(rows []Row, sectors bool) report.Element {
	cols := []string{"category", "market cap (start):", "market cap (end):", "change:", "%:", "24h volume (end):", "dates"}
	if sectors {
		cols = append([]string{"sector"}, cols...)
	}
	t := report.Tab(cols...)
	for _, r := range rows {
		var cells []any
		if sectors {
			cells = append(cells, report.T(r.Sector))
		}
		cells = append(cells, report.TL(r.Label, r.Entity))
		if r.End == nil {
			cells = append(cells, "–", "–", "–", "–", "–", report.T(r.Unavailable))
			t.Row(cells...)
			continue
		}
		start, abs, dates := "n/a", "n/a", r.To
		if r.Start != nil {
			start, abs, dates = report.USD(*r.Start), report.SignedUSD(*r.Abs), r.From+" → "+r.To
		}
		vol := "n/a"
		if r.Volume24h != nil {
			vol = report.USD(*r.Volume24h)
		}
		var last report.Inline
		last = append(last, report.L(dates))
		if r.Unavailable != "" {
			last = append(last, report.L(": "), report.T(r.Unavailable))
		}
		cells = append(cells, report.L(start), report.L(report.USD(*r.End)), report.L(abs), report.L(report.PctPtr(r.Pct)), report.L(vol), last)
		t.Row(cells...)
	}
	return t
}

// Overview names the tracked category that grew most and the one that shrank most.
func (b *Block) Overview() []report.Bullet {
	var moved []Row
	for _, r := range b.Tracked {
		if r.Pct != nil {
			moved = append(moved, r)
		}
	}
	if len(moved) < 2 {
		return nil
	}
	sort.SliceStable(moved, func(i, j int) bool { return *moved[i].Pct > *moved[j].Pct })
	hi, lo := moved[0], moved[len(moved)-1]
	return []report.Bullet{{Text: fmt.Sprintf("CoinGecko categories (%s → %s): %s %s to %s, %s %s to %s.", b.From, b.To,
		hi.Label, report.Pct(*hi.Pct), report.USD(*hi.End), lo.Label, report.Pct(*lo.Pct), report.USD(*lo.End)), Fallback: true}}
}
