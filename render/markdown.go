package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"cryptoweekly/report"
)

// Markdown writes the report as a Markdown article with tables. Any text that came from data
// (token names, news titles) is escaped so it cannot inject markup or HTML.
func Markdown(out io.Writer, r *report.Report) error {
	w := bufio.NewWriter(out)
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("# %s\n\n", esc(r.Title))
	p("*Week (%s, %s] UTC · generated %s · data: %s*\n\n", r.WeekStart, r.WeekEnd, r.GeneratedAt, esc(r.Store))

	p("## Overview\n\n")
	if len(r.Overview) == 0 {
		p("_No section had enough data for an overview._\n\n")
	}
	for _, b := range r.Overview {
		p("- %s\n", esc(b))
	}
	p("\n")

	p("## 1. Market sentiment\n\n")
	if !unavailable(p, r.Sentiment.Section) {
		s := r.Sentiment
		changeTable(p, []report.Change{s.Index})
		p("Zone: %s → %s.", orNA(s.StartZone), orNA(s.EndZone))
		if s.Min != nil && s.Max != nil {
			p(" Week low %.0f (%s), high %.0f (%s).", s.Min.Value, s.Min.Day, s.Max.Value, s.Max.Day)
		}
		p("\n\n")
		if len(s.Daily) > 0 {
			p("| day | index | zone |\n|---|---:|---|\n")
			for _, d := range s.Daily {
				p("| %s | %.0f | %s |\n", d.Day, d.Value, d.Zone)
			}
			p("\n")
		}
		notes(p, s.Notes)
	}

	cite(p, r, changeSources(r.Sentiment.Index)...)
	p("## 2. Stablecoins\n\n")
	if !unavailable(p, r.Stablecoins.Section) {
		changeTable(p, append(append([]report.Change{}, r.Stablecoins.Coins...), r.Stablecoins.Total))
		p("Net flow is the change in circulating supply over the week.\n\n")
		notes(p, r.Stablecoins.Notes)
	}

	cite(p, r, changeSources(append(append([]report.Change{}, r.Stablecoins.Coins...), r.Stablecoins.Total)...)...)
	p("## 3. DeFi TVL\n\n")
	if !unavailable(p, r.DeFi.Section) {
		changeTable(p, []report.Change{r.DeFi.TotalTVL})
		notes(p, r.DeFi.Notes)
	}

	cite(p, r, changeSources(r.DeFi.TotalTVL)...)
	p("## 4. Chains\n\n")
	if !unavailable(p, r.Chains.Section) {
		p("### Top %d chains by TVL growth (TVL ≥ %s)\n\n", len(r.Chains.TopGrowth), report.USD(r.Chains.MinTVL))
		changeTable(p, r.Chains.TopGrowth)
		if sp := r.Chains.Spotlight; sp != nil {
			p("### Chain spotlight: %s\n\n", esc(sp.Chain.Label))
			p("%s TVL %s %s, from %s to %s.\n\n", esc(sp.Chain.Label), report.Movement(*sp.Chain.Pct), report.Pct(*sp.Chain.Pct), report.USD(*sp.Chain.Start), report.USD(*sp.Chain.End))
			if len(sp.Protocols) > 0 {
				protocolTable(p, sp.Protocols)
			}
			if sp.Note != "" {
				p("_%s._\n\n", esc(sp.Note))
			}
		}
		p("### All chains in the store\n\n")
		changeTable(p, r.Chains.All)
		notes(p, r.Chains.Notes)
	}

	cite(p, r, changeSources(r.Chains.All...)...)
	p("## 5. Protocols\n\n")
	if !unavailable(p, r.Protocols.Section) {
		p("### Top %d protocols by TVL growth (TVL ≥ %s at week end)\n\n", len(r.Protocols.TopGrowth), report.USD(r.Protocols.MinTVL))
		protocolTable(p, r.Protocols.TopGrowth)
		if len(r.Protocols.ByCategory) > 0 {
			p("### TVL by category\n\n| category | protocols | TVL %s | TVL %s | change |\n|---|---:|---:|---:|---:|\n", r.WeekStart, r.WeekEnd)
			for _, c := range r.Protocols.ByCategory {
				p("| %s | %d | %s | %s | %s |\n", esc(c.Label), c.Protocols, report.Value(c.Start, c.Unit), report.Value(c.End, c.Unit), report.PctPtr(c.Pct))
			}
			p("\n")
		}
		notes(p, r.Protocols.Notes)
	}

	cite(p, r, protocolSources(r.Protocols.TopGrowth)...)
	p("## 6. DEX\n\n")
	if !unavailable(p, r.DEX.Section) {
		changeTable(p, []report.Change{r.DEX.TVL, r.DEX.WeeklyVolume})
		if r.DEX.YearHigh != nil {
			verdict := "is not"
			if *r.DEX.YearHigh {
				verdict = "**is**"
			}
			p("This week's DEX volume %s the highest of the year (%s).\n\n", verdict, esc(r.DEX.YearHighNote))
		} else if r.DEX.YearHighNote != "" {
			p("Year high: %s.\n\n", esc(r.DEX.YearHighNote))
		}
		notes(p, r.DEX.Notes)
	}

	cite(p, r, changeSources(r.DEX.TVL, r.DEX.WeeklyVolume)...)
	p("## 7. Tokens\n\n")
	if !unavailable(p, r.Tokens.Section) {
		t := r.Tokens
		p("Prices: `%s`, %s → %s, %d tokens. Excluded from gainers: %s.\n\n", t.Source, t.From, t.To, t.Universe, esc(strings.Join(t.Excluded, ", ")))
		p("### Top %d gainers\n\n", len(t.TopGainers))
		tokenTable(p, t.TopGainers)
		p("### Meme gainers\n\n")
		tokenTable(p, t.MemeGainers)
		if len(t.TopLosers) > 0 {
			p("### Top %d losers\n\n", len(t.TopLosers))
			tokenTable(p, t.TopLosers)
		}
		p("### BTC against the altcoin market\n\n| measure | weekly return |\n|---|---:|\n")
		if t.BTC != nil {
			p("| BTC | %s |\n", report.PctPtr(t.BTC.Pct))
		}
		p("| median altcoin (%d) | %s |\n| cap-weighted altcoins | %s |\n\n", t.AltCount, report.PctPtr(t.AltMedian), report.PctPtr(t.AltCapWeighted))
		changeTable(p, []report.Change{t.BTCDominance})
		notes(p, t.Notes)
	}

	cite(p, r, append(changeSources(r.Tokens.BTCDominance), r.Tokens.Source)...)
	p("## 8. Sectors (tracks)\n\n")
	if !unavailable(p, r.Sectors.Section) {
		s := r.Sectors
		p("Weekly return per sector (%s), `%s` %s → %s. Best: **%s**; worst: **%s**.\n\n", s.Weighting, s.Source, s.From, s.To, esc(s.Best), esc(s.Worst))
		p("| sector | return | constituents | market cap (start) | top constituents (weight, return) |\n|---|---:|---:|---:|---|\n")
		for _, sec := range s.Sectors {
			var top []string
			for _, c := range sec.Top {
				top = append(top, fmt.Sprintf("%s %.1f%% (%s)", esc(c.Symbol), c.Weight, report.Pct(c.Return)))
			}
			p("| %s | %s | %d | %s | %s |\n", esc(sec.Name), report.PctPtr(sec.Return), sec.Constituents, report.USD(sec.MarketCap), strings.Join(top, "; "))
		}
		p("\n_%s._\n\n", esc(s.TagNote))
		notes(p, s.Notes)
	}

	cite(p, r, r.Sectors.Source)
	p("## 9. Derivatives\n\n")
	if !unavailable(p, r.Derivatives.Section) {
		p("Open interest:\n\n")
		changeTable(p, r.Derivatives.OpenInterest)
		notes(p, r.Derivatives.Notes)
	}

	cite(p, r, changeSources(r.Derivatives.OpenInterest...)...)
	p("## 10. Social hot topics\n\n")
	if !unavailable(p, r.Social.Section) {
		p("| rank | topic | measure | source |\n|---:|---|---|---|\n")
		for _, t := range r.Social.Topics {
			p("| %d | %s | %s %.0f | `%s` |\n", t.Rank, esc(t.Name), t.Metric, t.Value, t.Source)
		}
		p("\n")
	}

	cite(p, r, topicSources(r.Social.Topics)...)
	p("## 11. Next week's events (%s, %s]\n\n", r.Events.From, r.Events.To)
	if len(r.Events.Upcoming) > 0 {
		p("| date | time (ET) | event | source |\n|---|---|---|---|\n")
		for _, e := range r.Events.Upcoming {
			p("| %s | %s | %s | %s |\n", e.Date, e.Time, esc(e.Title), esc(e.Source))
		}
		p("\n")
	}
	if len(r.Events.Regulatory) > 0 {
		p("### Regulatory developments this week\n\n")
		for _, e := range r.Events.Regulatory {
			p("- %s — %s (%s) `%s`\n", e.Date, esc(e.Title), esc(strings.Join(e.Tags, ", ")), e.Source)
		}
		p("\n")
	}
	notes(p, r.Events.Notes)

	cite(p, r, eventSources(r.Events.Regulatory)...)
	p("## 12. Outlook\n\n")
	if r.Outlook.Markdown != "" {
		p("%s\n\n_From analyst notes: %s._\n\n", strings.TrimSpace(r.Outlook.Markdown), esc(r.Outlook.FromNotes))
	} else {
		p("_No analyst notes for this week; what moved most:_\n\n")
		for _, i := range r.Outlook.Items {
			p("- %s\n", esc(i))
		}
		p("\n")
	}

	p("## Methodology\n\n")
	p("| setting | value |\n|---|---|\n")
	for _, s := range r.Methodology.Settings {
		p("| %s | %s |\n", esc(s.Name), esc(s.Value))
	}
	p("\n**Definitions**\n\n")
	for _, d := range r.Methodology.Definitions {
		p("- `%s`: %s\n", d.ID, esc(d.Text))
	}
	p("\n")
	for _, rule := range r.Methodology.Rules {
		p("- %s\n", esc(rule))
	}
	p("\n## Sources and licences\n\n| id | provider | location | captured | licence | note |\n|---|---|---|---|---|---|\n")
	for _, s := range r.Sources {
		captured := ""
		if !s.FetchedAt.IsZero() {
			captured = s.FetchedAt.Format("2006-01-02")
		}
		p("| `%s` | %s | %s | %s | %s | %s |\n", s.ID, esc(s.Provider), esc(s.Location), captured, esc(s.Licence), esc(s.Note))
	}
	p("\n")
	if len(r.Ingest) > 0 {
		p("**Last live ingest per source**\n\n| source | finished (UTC) | status | rows | error |\n|---|---|---|---:|---|\n")
		for _, in := range r.Ingest {
			p("| %s | %s | %s | %d | %s |\n", in.Source, in.FinishedAt.UTC().Format("2006-01-02 15:04"), in.Status, in.Rows, esc(in.Error))
		}
		p("\n")
	}
	return w.Flush()
}

func unavailable(p func(string, ...any), s report.Section) bool {
	if s.Unavailable == "" {
		return false
	}
	p("_Unavailable: %s._\n\n", esc(s.Unavailable))
	notes(p, s.Notes)
	return true
}

func notes(p func(string, ...any), ns []string) {
	for _, n := range ns {
		p("> %s\n", esc(n))
	}
	if len(ns) > 0 {
		p("\n")
	}
}

func changeTable(p func(string, ...any), cs []report.Change) {
	if len(cs) == 0 {
		p("_None._\n\n")
		return
	}
	p("| figure | from | to | start | end | change | %% | source |\n|---|---|---|---:|---:|---:|---:|---|\n")
	var foot []string
	for _, c := range cs {
		if c.Unavailable != "" && !c.Available() {
			src := esc(c.Unavailable)
			if c.Source != "" {
				src = "`" + c.Source + "`: " + src
			}
			p("| %s | %s | %s | %s | %s | | | %s |\n", esc(c.Label), c.From, c.To, report.Value(c.Start, c.Unit), report.Value(c.End, c.Unit), src)
			continue
		}
		abs := ""
		if c.Abs != nil {
			if c.Unit == "USD" {
				abs = report.SignedUSD(*c.Abs)
			} else {
				abs = fmt.Sprintf("%+.2f", *c.Abs)
			}
		}
		p("| %s | %s | %s | %s | %s | %s | %s | `%s` |\n", esc(c.Label), c.From, c.To, report.Value(c.Start, c.Unit), report.Value(c.End, c.Unit), abs, report.PctPtr(c.Pct), c.Source)
		if c.Note != "" {
			foot = append(foot, esc(c.Label)+": "+esc(c.Note))
		}
	}
	p("\n")
	for _, f := range foot {
		p("> %s\n", f)
	}
	if len(foot) > 0 {
		p("\n")
	}
}

func protocolTable(p func(string, ...any), ps []report.Protocol) {
	if len(ps) == 0 {
		p("_None._\n\n")
		return
	}
	p("| protocol | category | chains | TVL %s | TVL %s | change | source |\n|---|---|---|---:|---:|---:|---|\n", ps[0].From, ps[0].To)
	for _, x := range ps {
		chains := x.Chains
		more := ""
		if len(chains) > 4 {
			more = fmt.Sprintf(" +%d", len(chains)-4)
			chains = chains[:4]
		}
		p("| %s | %s | %s%s | %s | %s | %s | `%s` |\n", esc(x.Label), esc(x.Category), esc(strings.Join(chains, ", ")), more,
			report.USD(*x.Start), report.USD(*x.End), report.PctPtr(x.Pct), x.Source)
	}
	p("\n")
}

func tokenTable(p func(string, ...any), ts []report.Token) {
	if len(ts) == 0 {
		p("_None qualified._\n\n")
		return
	}
	p("| token | name | price %s | price %s | return | market cap | 24h volume |\n|---|---|---:|---:|---:|---:|---:|\n", ts[0].From, ts[0].To)
	for _, t := range ts {
		p("| %s | %s | %s | %s | %s | %s | %s |\n", esc(t.Symbol), esc(t.Name), report.USD(*t.Start), report.USD(*t.End), report.PctPtr(t.Pct), report.USD(t.MarketCap), report.USD(t.Volume24h))
	}
	p("\n")
}

// esc neutralises Markdown and HTML in text that came from data: a token named
// "<script>" or "**WIN**" must print as those characters, not as markup.
var mdEscaper = strings.NewReplacer(
	"\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]",
	"<", "&lt;", ">", "&gt;", "\n", " ", "\r", " ", "#", "\\#",
)

func esc(s string) string { return mdEscaper.Replace(s) }

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}

// cite prints one line naming the sources of the section just printed, with their licence notes,
// from the provenance records the figures point to.
func cite(p func(string, ...any), r *report.Report, ids ...string) {
	seen := map[string]bool{}
	var parts []string
	for _, id := range ids {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		for _, s := range r.Sources {
			if string(s.ID) == id {
				as := ""
				if !s.FetchedAt.IsZero() {
					as = ", captured " + s.FetchedAt.Format("2006-01-02")
				}
				parts = append(parts, fmt.Sprintf("%s `%s`%s (licence: %s)", esc(s.Provider), s.ID, as, esc(s.Licence)))
			}
		}
	}
	if len(parts) > 0 {
		p("<sub>Source: %s.</sub>\n\n", strings.Join(parts, "; "))
	}
}

func changeSources(cs ...report.Change) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Source)
	}
	return out
}

func protocolSources(ps []report.Protocol) []string {
	out := make([]string, 0, len(ps))
	for _, x := range ps {
		out = append(out, x.Source)
	}
	return out
}

func topicSources(ts []report.Topic) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.Source)
	}
	return out
}

func eventSources(es []report.Event) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, e.Source)
	}
	return out
}
