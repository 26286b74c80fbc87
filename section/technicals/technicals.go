// Package technicals is the report's technicals section: BTC's and ETH's RSI(14) and distance to
// the 200-day average on daily closes, and an altcoin-season share, each computed here in the
// open from the stored daily prices and labelled as this report's computation.
package technicals

import (
	"fmt"
	"math"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
	"cryptoweekly/section"
)

// Section computes the technicals block.
type Section struct{}

// Block holds each indicator at the week's end against a week earlier.
type Block struct {
	report.Base
	Indicators []report.Change `json:"indicators"`
}

const (
	defRSI      cw.DefinitionID = "technical.rsi14.wilder"
	defSMA      cw.DefinitionID = "technical.distance-sma200"
	defAltIndex cw.DefinitionID = "technical.altseason90"
)

func init() {
	for _, d := range []cw.Definition{
		{ID: defRSI, Text: "Relative Strength Index over 14 daily closes with Wilder's smoothing (0–100; above 70 is usually read as overbought, below 30 as oversold), computed by cryptoweekly from the stored daily closes."},
		{ID: defSMA, Text: "Distance of the daily close from its 200-day simple moving average, in percent, computed by cryptoweekly from the stored daily closes."},
		{ID: defAltIndex, Text: "Share of the non-stable coins with daily prices 90 days apart whose 90-day return beat BTC's, in percent, computed by cryptoweekly; published altcoin-season indices use the top 50 coins, this uses every coin the store prices daily and says how many."},
	} {
		cw.RegisterDefinition(d)
	}
}

func (Section) Name() string           { return "technicals" }
func (Section) NewBlock() report.Block { return new(Block) }

// closes reads a coin's daily closes over (from, to] from the first daily series that has them.
func closes(env *report.Env, id string, from, to time.Time) ([]cw.Point, cw.SourceID, error) {
	for _, d := range section.DailySeries {
		pts, err := env.Reader.Daily(env.Ctx, id, d.Metric, d.Source, from, to)
		if err != nil {
			return nil, "", err
		}
		if len(pts) > 0 && pts[len(pts)-1].Day.Equal(to) {
			return pts, d.Source, nil
		}
	}
	return nil, "", nil
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	weekAgo := env.Start
	for _, coin := range []struct{ id, sym string }{{"asset:btc", "BTC"}, {"asset:eth", "ETH"}} {
		pts, src, err := closes(env, coin.id, env.End.AddDate(0, 0, -400), env.End)
		if err != nil {
			return nil, err
		}
		if len(pts) == 0 {
			continue
		}
		byDay := map[time.Time]int{}
		vals := make([]float64, len(pts))
		for i, p := range pts {
			byDay[p.Day], vals[i] = i, p.Value
		}
		i1, ok1 := byDay[env.End]
		i0, ok0 := byDay[weekAgo]
		if !ok0 || !ok1 {
			continue
		}
		env.Cite(string(src))
		from, to := cw.DayString(weekAgo), cw.DayString(env.End)
		if r0, r1 := rsiAt(vals, i0), rsiAt(vals, i1); !math.IsNaN(r0) && !math.IsNaN(r1) {
			env.Define(string(defRSI))
			s.Indicators = append(s.Indicators, report.Change{Label: coin.sym + " RSI(14)", Entity: coin.id, Unit: "index", Definition: string(defRSI),
				Source: string(src), From: from, To: to, Start: report.F64(r0), End: report.F64(r1), Abs: report.F64(r1 - r0)})
		}
		if d0, d1 := smaDistance(vals, i0), smaDistance(vals, i1); !math.IsNaN(d0) && !math.IsNaN(d1) {
			env.Define(string(defSMA))
			s.Indicators = append(s.Indicators, report.Change{Label: coin.sym + " distance to 200-day average", Entity: coin.id, Unit: "%",
				Definition: string(defSMA), Source: string(src), From: from, To: to, Start: report.F64(d0), End: report.F64(d1), Abs: report.F64(d1 - d0),
				Note: "the change is in percentage points"})
		}
	}
	alt, err := altSeason(env)
	if err != nil {
		return nil, err
	}
	if alt != nil {
		s.Indicators = append(s.Indicators, *alt)
	}
	if len(s.Indicators) == 0 {
		s.Unavailable = "no daily closes of BTC or ETH up to this week's end (bundled Coinbase closes end 2025-10-25, Binance's 2026-06-06); CoinGecko daily charts (ingest) fill them"
	}
	s.Notes = append(s.Notes, "computed by cryptoweekly from the stored daily closes, not quoted from a vendor")
	return s, nil
}

// rsiAt is Wilder's RSI(14) at index i (NaN without 14 earlier closes).
func rsiAt(v []float64, i int) float64 {
	const n = 14
	if i < n {
		return math.NaN()
	}
	// Seed with the simple averages of 14 changes 250 days back (or the first available), then
	// smooth up to i: Wilder's average has converged long before it reaches i.
	start := max(1, i-250)
	var gain, loss float64
	for k := start; k < start+n; k++ {
		d := v[k] - v[k-1]
		gain += math.Max(d, 0)
		loss += math.Max(-d, 0)
	}
	gain, loss = gain/n, loss/n
	for k := start + n; k <= i; k++ {
		d := v[k] - v[k-1]
		gain = (gain*(n-1) + math.Max(d, 0)) / n
		loss = (loss*(n-1) + math.Max(-d, 0)) / n
	}
	if loss == 0 {
		return 100
	}
	return 100 - 100/(1+gain/loss)
}

// smaDistance is the close's distance from its 200-day average at index i, in percent.
func smaDistance(v []float64, i int) float64 {
	const n = 200
	if i+1 < n {
		return math.NaN()
	}
	var sum float64
	for _, x := range v[i+1-n : i+1] {
		sum += x
	}
	return (v[i]/(sum/n) - 1) * 100
}

// altSeason is the share of non-stable coins beating BTC over 90 days, now and a week earlier.
func altSeason(env *report.Env) (*report.Change, error) {
	share := func(end time.Time) (float64, int, cw.SourceID, error) {
		start := end.AddDate(0, 0, -90)
		for _, d := range section.DailySeries {
			ps, err := env.Reader.Pairs(env.Ctx, cw.PairQuery{Prefix: "asset:", Metrics: []cw.Metric{d.Metric}, Sources: []cw.SourceID{d.Source}, D0: start, D1: end})
			if err != nil {
				return 0, 0, "", err
			}
			ret := map[string]float64{}
			for _, p := range ps {
				if p.V0 != nil && p.V1 != nil && *p.V0 > 0 {
					ret[p.Entity] = *p.V1 / *p.V0
				}
			}
			btc, ok := ret["asset:btc"]
			if !ok || len(ret) < 11 {
				continue
			}
			ids := section.SortedKeys(ret)
			es, err := env.Reader.Entities(env.Ctx, ids)
			if err != nil {
				return 0, 0, "", err
			}
			beat, n := 0, 0
			for _, id := range ids {
				tags := section.TagSet(es[id].Tags)
				if id == "asset:btc" || section.HasAny(tags, env.Config.StableTags) != "" || section.HasAny(tags, env.Config.WrappedTags) != "" || stableSymbol(es[id].Symbol) {
					continue
				}
				n++
				if ret[id] > btc {
					beat++
				}
			}
			if n >= 10 {
				return float64(beat) / float64(n) * 100, n, d.Source, nil
			}
		}
		return 0, 0, "", nil
	}
	v1, n1, src, err := share(env.End)
	if err != nil || n1 == 0 {
		return nil, err
	}
	v0, n0, src0, err := share(env.Start)
	if err != nil {
		return nil, err
	}
	if n0 == 0 || src0 != src {
		// Two different coin sets would make the change meaningless: say so, not nothing.
		why := fmt.Sprintf("the week's end has %s prices 90 days apart, its start none", src)
		if n0 > 0 {
			why = fmt.Sprintf("the week's end compares %s prices, its start %s's: two different coin sets", src, src0)
		}
		m := report.Missing("Altcoin season share (90 days)", "%", why)
		return &m, nil
	}
	env.Cite(string(src))
	env.Define(string(defAltIndex))
	return &report.Change{Label: "Altcoin season share (90 days)", Unit: "%", Definition: string(defAltIndex), Source: string(src),
		From: cw.DayString(env.Start), To: cw.DayString(env.End), Start: report.F64(v0), End: report.F64(v1), Abs: report.F64(v1 - v0),
		Note: fmt.Sprintf("%d of %d coins with %s prices 90 days apart beat BTC (a week earlier: %d coins); 75%% or more is usually called altcoin season",
			int(math.Round(v1*float64(n1)/100)), n1, src, n0)}, nil
}

// stableSymbol catches dollar stablecoins a daily candle series lists without tags.
func stableSymbol(sym string) bool {
	s := strings.ToUpper(sym)
	for _, x := range []string{"USDT", "USDC", "DAI", "EURC", "PYUSD", "FDUSD", "TUSD", "USDE", "USDS", "GUSD"} {
		if s == x {
			return true
		}
	}
	return false
}

func (b *Block) Title() string   { return "Technicals" }
func (b *Block) Cites() []string { return report.ChangeSources(b.Indicators...) }

func (b *Block) Layout() []report.Element {
	return append(report.ChangeTable(b.Indicators), report.Notes(b.Notes)...)
}
