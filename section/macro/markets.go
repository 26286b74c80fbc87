package macro

import (
	"fmt"
	"math"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/fred"
	"cryptoweekly/report"
)

// MarketSpec is one row of the rates, markets and liquidity table: a daily or weekly FRED series
// quoted at the newest value public by the week's end, against the newest public by its start.
type MarketSpec struct {
	Label string
	// Series in order of preference: the first with a value public in the Stale days before the
	// week's end gives the row (EFFR from the later cache, else DFF's longer history).
	Series []fred.Series
	// Lag is how many weekdays after its observation day a value becomes public (holidays
	// ignored): 0 for a market close, which is known at the close; 1 for the New York Fed's
	// effective rate (published the next business morning) and the Fed's Wednesday balance sheet
	// (Thursday's H.4.1); 4 for jobless claims, dated on the Saturday ending their week and
	// published the Thursday after.
	Lag  int
	Unit string // "%", "index", "USD bn", "persons"
}

// Markets are the rows, in the order shown.
var Markets = []MarketSpec{
	{"Effective fed funds rate", []fred.Series{fred.EFFR, fred.FedFundsDaily}, 1, "%"},
	{"10-year Treasury yield", []fred.Series{fred.Treasury10Y}, 0, "%"},
	{"10y–2y Treasury spread", []fred.Series{fred.Curve10Y2Y}, 0, "%"},
	{"10-year breakeven inflation", []fred.Series{fred.Breakeven10Y}, 0, "%"},
	{"VIX", []fred.Series{fred.VIX}, 0, "index"},
	{"US high-yield spread (OAS)", []fred.Series{fred.HYSpread}, 0, "%"},
	{"Fed total assets", []fred.Series{fred.FedAssets}, 1, "USD bn"},
	{"Fed overnight reverse repo", []fred.Series{fred.ReverseRepo}, 0, "USD bn"},
	{"Initial jobless claims", []fred.Series{fred.InitialClaims}, 4, "persons"},
}

// Stale is how old (in days before the day it is read for) the newest public value may be and
// still be quoted: two weeks covers holidays and the weekly series, and keeps a series that
// stopped (or has not started yet) from being quoted as current.
const Stale = 14

// Reading is one dated value of a market row.
type Reading struct {
	Day    string  `json:"day"`    // the observation day FRED dates it on
	Public string  `json:"public"` // the first day it was public (Day plus the row's lag)
	Value  float64 `json:"value"`  // in the row's unit
}

// Market is one row of the table.
type Market struct {
	Label      string   `json:"label"`
	Entity     string   `json:"entity,omitempty"`
	FredID     string   `json:"fred_id,omitempty"`
	Unit       string   `json:"unit"`
	Definition string   `json:"definition,omitempty"`
	Source     string   `json:"source,omitempty"`
	Last       *Reading `json:"last,omitempty"`
	Prior      *Reading `json:"prior,omitempty"` // the newest public on the week's start
	Change     *float64 `json:"change,omitempty"`
	// Unavailable says why the row has no last value (or Note why it has no prior one).
	Unavailable string `json:"unavailable,omitempty"`
	Note        string `json:"note,omitempty"`
}

// Public is the first day a value observed on day d is public: d plus lag weekdays.
func Public(d time.Time, lag int) time.Time {
	for n := 0; n < lag; {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return d
}

// MarketRow reads one row for the week (start, end]: the newest value public on end and the
// newest public on start, from the first series of the spec that has a recent enough one.
func MarketRow(env *report.Env, sp MarketSpec, start, end time.Time) (*Market, error) {
	m := &Market{Label: sp.Label, Unit: sp.Unit}
	var tried []string
	for _, x := range sp.Series {
		// Enough history for the prior value and the staleness window, plus the lag's days.
		pts, src, err := series(env, x, start.AddDate(0, 0, -Stale-7), end)
		if err != nil {
			return nil, err
		}
		last, ok := newestPublic(pts, sp.Lag, end)
		if !ok || end.Sub(last.Day) > Stale*24*time.Hour {
			tried = append(tried, x.ID)
			continue
		}
		m.Entity, m.FredID, m.Source = x.Entity, x.ID, string(src[last.Day])
		m.Definition = string(cw.DefinitionOf(x.Metric, src[last.Day]))
		m.Last = &Reading{Day: cw.DayString(last.Day), Public: cw.DayString(Public(last.Day, sp.Lag)), Value: last.Value}
		prior, ok := newestPublic(pts, sp.Lag, start)
		switch {
		case !ok || start.Sub(prior.Day) > Stale*24*time.Hour:
			m.Note = fmt.Sprintf("no %s value public in the %d days to %s, so no weekly change", x.ID, Stale, cw.DayString(start))
		case prior.Day.Equal(last.Day):
			m.Note = fmt.Sprintf("no %s value newer than %s was public by %s", x.ID, cw.DayString(last.Day), cw.DayString(end))
			m.Prior = &Reading{Day: cw.DayString(prior.Day), Public: cw.DayString(Public(prior.Day, sp.Lag)), Value: prior.Value}
			m.Change = report.F64(0)
		default:
			m.Prior = &Reading{Day: cw.DayString(prior.Day), Public: cw.DayString(Public(prior.Day, sp.Lag)), Value: prior.Value}
			m.Change = report.F64(last.Value - prior.Value)
		}
		return m, nil
	}
	m.Unavailable = fmt.Sprintf("no %s value public in the %d days to %s in the store (the bundled FRED cache runs 2021-05 to 2026-08; `ingest` with FRED_API_KEY fetches newer)",
		strings.Join(tried, " or "), Stale, cw.DayString(end))
	return m, nil
}

// newestPublic is the newest point public on day at.
func newestPublic(pts []cw.Point, lag int, at time.Time) (cw.Point, bool) {
	for i := len(pts) - 1; i >= 0; i-- {
		if !Public(pts[i].Day, lag).After(at) {
			return pts[i], true
		}
	}
	return cw.Point{}, false
}

// MarketValue formats a row's value in its unit: "3.64%", "14.91", "$6.56T", "224k".
func MarketValue(unit string, v float64) string {
	switch unit {
	case "%":
		return fmt.Sprintf("%.2f%%", v)
	case "USD bn":
		return report.USD(v * 1e9)
	case "persons":
		return fmt.Sprintf("%.0fk", v/1000)
	}
	return fmt.Sprintf("%.2f", v)
}

// MarketChange formats a weekly change: "-0.25 pp", "+2.71", "-$12.30B", "+4k".
func MarketChange(unit string, v float64) string {
	if math.Abs(v) < 1e-9 {
		v = 0
	}
	switch unit {
	case "%":
		return fmt.Sprintf("%+.2f pp", v)
	case "USD bn":
		return report.SignedUSD(v * 1e9)
	case "persons":
		return fmt.Sprintf("%+.0fk", v/1000)
	}
	return fmt.Sprintf("%+.2f", v)
}

func marketTable(ms []Market) []report.Element {
	t := report.Tab("series", "last:", "dated", "week before:", "dated", "change:", "FRED id", "source")
	var foot []report.Inline
	for _, m := range ms {
		if m.Last == nil {
			t.Row(report.T(m.Label), "–", "–", "–", "–", "–", "–", report.T(m.Unavailable))
			continue
		}
		pv, pd, ch := "–", "–", "–"
		if m.Prior != nil {
			pv, pd = MarketValue(m.Unit, m.Prior.Value), dated(m.Prior)
		}
		if m.Change != nil {
			ch = MarketChange(m.Unit, *m.Change)
		}
		t.Row(report.TL(m.Label, m.Entity), report.L(MarketValue(m.Unit, m.Last.Value)), report.L(dated(m.Last)), report.L(pv), report.L(pd), report.L(ch),
			report.L(m.FredID), report.C(m.Source))
		if m.Note != "" {
			foot = append(foot, report.Inline{report.T(m.Label), report.L(": "), report.T(m.Note)})
		}
	}
	out := []report.Element{report.H3(report.L("Rates, markets and liquidity")), t}
	if len(foot) > 0 {
		out = append(out, report.Element{Kind: report.Quote, Items: foot})
	}
	return out
}

// dated is a reading's observation day, with its publication day where they differ.
func dated(r *Reading) string {
	if r.Public == r.Day {
		return r.Day
	}
	return r.Day + " (public " + r.Public + ")"
}
