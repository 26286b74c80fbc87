// Package rendertest holds the report fixtures every output format is tested on: a report whose
// data-derived text tries to break out of its markup, and one whose figures cite a source.
package rendertest

import (
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
	"cryptoweekly/section/chains"
	"cryptoweekly/section/events"
	"cryptoweekly/section/sentiment"
	"cryptoweekly/section/tokens"
)

func f(v float64) *float64 { return &v }

// HostileName is a token name as an API could send it: markup, a table separator, a link.
const HostileName = `<script>alert("x")</script> | **WIN** [link](javascript:x)`

// Hostile builds a report whose data-derived text tries to break out of tables and inject HTML.
func Hostile() *report.Report {
	name := HostileName
	tok := tokens.Token{Change: report.Change{Label: name, Unit: "USD", Start: f(1), End: f(2), Pct: f(100), Source: "coingecko-markets", From: "2024-12-02", To: "2024-12-09"},
		Symbol: "<b>PWN</b>", Name: name, MarketCap: 1e9, Volume24h: 2e7}
	return &report.Report{
		Title: "t", WeekStart: "2024-12-06", WeekEnd: "2024-12-13",
		Sections: []report.Part{
			{Name: "chains", Block: &chains.Block{All: []report.Change{{Label: name, Unit: "USD", Start: f(1e9), End: f(1.1e9), Pct: f(10), Source: "s"}}}},
			{Name: "tokens", Block: &tokens.Block{TopGainers: []tokens.Token{tok}, Source: "coingecko-markets", From: "2024-12-02", To: "2024-12-09"}},
			{Name: "events", Block: &events.Block{Regulatory: []report.Event{{Date: "2024-12-10", Title: name, Source: "news-x"}}}},
		},
		Overview: []string{"Tokens: top gainer " + name},
	}
}

// Cited is a report with one figure from a provenance record whose licence needs escaping.
func Cited() *report.Report {
	return &report.Report{
		Sections: []report.Part{{Name: "sentiment", Block: &sentiment.Block{
			Index: report.Change{Label: "F&G", Unit: "index", Start: f(72), End: f(76), Pct: f(5.56), Source: "alternativeme-fng"}}}},
		Sources: []cw.Provenance{{ID: "alternativeme-fng", Provider: "alternative.me", Licence: "attribution <required>",
			FetchedAt: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)}},
	}
}

// Charted is a report with one chart of each kind: the Fear & Greed line with zones and the week
// marked, chain growth bars with a negative bar, and two gainers' sparklines.
func Charted() *report.Report {
	start := time.Date(2024, 9, 15, 0, 0, 0, 0, time.UTC)
	h := report.Series{Label: "Fear & Greed", Entity: "index:fear-greed", Unit: "index", Source: "alternativeme-fng"}
	for d := 0; d <= 89; d++ {
		h.Points = append(h.Points, report.Point{Day: cw.DayString(start.AddDate(0, 0, d)), Value: float64(45 + d*38/89)})
	}
	spark := func(sym string, vs ...float64) report.Series {
		s := report.Series{Label: sym, Unit: "USD", Source: "cmc-weekly-top100"}
		for i, v := range vs {
			s.Points = append(s.Points, report.Point{Day: cw.DayString(start.AddDate(0, 0, 7*i)), Value: v})
		}
		return s
	}
	ch := func(label, entity string, pct float64) report.Change {
		return report.Change{Label: label, Entity: entity, Unit: "USD", Start: f(1e9), End: f(1e9 * (1 + pct/100)), Pct: f(pct), Source: "defillama-chain-tvl"}
	}
	return &report.Report{
		Title: "Charted", WeekStart: "2024-12-06", WeekEnd: "2024-12-13",
		Sections: []report.Part{
			{Name: "sentiment", Block: &sentiment.Block{History: &h,
				Index: report.Change{Label: "F&G", Unit: "index", Start: f(72), End: f(76), Pct: f(5.56), Source: "alternativeme-fng", From: "2024-12-06", To: "2024-12-13"}}},
			{Name: "chains", Block: &chains.Block{MinTVL: 1e9, TopGrowth: []report.Change{ch("Avalanche", "chain:avalanche", 12.5), ch("Base", "chain:base", 3.2), ch("Sonic", "chain:sonic", -4.1)}}},
			{Name: "tokens", Block: &tokens.Block{Source: "cmc-weekly-top100", Sparklines: []report.Series{spark("AAA", 1, 1.2, 1.5), spark("BBB", 3, 2, 2.5)}}},
		},
		Sources: []cw.Provenance{{ID: "alternativeme-fng", Provider: "alternative.me", Licence: "attribution required"}},
	}
}
