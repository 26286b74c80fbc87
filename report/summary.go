package report

import (
	"fmt"
	"sort"
	"strings"
)

// Summarize writes the overview bullets and, when there are no analyst notes, the outlook items,
// from figures already in the report. It picks and phrases; it never derives a number the
// sections do not already hold, and it says nothing about a section that is unavailable.
func Summarize(r *Report) {
	var b []string
	if c := r.Sentiment.Index; c.Available() {
		s := fmt.Sprintf("Sentiment: the Fear & Greed index %s from %.0f (%s) to %.0f (%s)", verb(c), *c.Start, r.Sentiment.StartZone, *c.End, r.Sentiment.EndZone)
		if r.Sentiment.Min != nil && r.Sentiment.Max != nil {
			s += fmt.Sprintf(", ranging %.0f–%.0f during the week", r.Sentiment.Min.Value, r.Sentiment.Max.Value)
		}
		b = append(b, s+".")
	}
	var coins []string
	for _, c := range r.Stablecoins.Coins {
		if c.Available() && c.Pct != nil {
			coins = append(coins, fmt.Sprintf("%s %s (%s net) to %s", strings.TrimSuffix(c.Label, " supply"), Pct(*c.Pct), SignedUSD(*c.Abs), USD(*c.End)))
		}
	}
	if len(coins) > 0 {
		b = append(b, "Stablecoins: "+strings.Join(coins, "; ")+".")
	}
	if c := r.DeFi.TotalTVL; c.Available() && c.Pct != nil {
		s := fmt.Sprintf("DeFi: total TVL %s to %s", moved(*c.Pct), USD(*c.End))
		if strings.HasPrefix(c.Definition, "tvl.legacy") {
			s += " (DefiLlama legacy all-chains definition)"
		}
		b = append(b, s+".")
	}
	if len(r.Chains.TopGrowth) > 0 {
		c := r.Chains.TopGrowth[0]
		if *c.Pct > 0 {
			b = append(b, fmt.Sprintf("Chains: %s led TVL growth among chains above %s, up %s to %s.", c.Label, USD(r.Chains.MinTVL), Pct(*c.Pct), USD(*c.End)))
		} else {
			b = append(b, fmt.Sprintf("Chains: no chain above %s grew its TVL; %s fell least (%s, to %s).", USD(r.Chains.MinTVL), c.Label, Pct(*c.Pct), USD(*c.End)))
		}
	}
	if t := r.Tokens; t.BTC != nil && t.BTC.Pct != nil {
		s := fmt.Sprintf("Tokens: BTC %s (%s → %s)", moved(*t.BTC.Pct), t.From, t.To)
		if t.AltMedian != nil {
			rel := "outperforming"
			if *t.AltMedian > *t.BTC.Pct {
				rel = "underperforming"
			}
			s += fmt.Sprintf(", %s the median altcoin (%s)", rel, Pct(*t.AltMedian))
		}
		if len(t.TopGainers) > 0 {
			g := t.TopGainers[0]
			s += fmt.Sprintf("; top gainer %s %s", g.Symbol, Pct(*g.Pct))
		}
		b = append(b, s+".")
	}
	if r.Sectors.Best != "" && r.Sectors.Best != r.Sectors.Worst {
		best, worst := sectorByName(r, r.Sectors.Best), sectorByName(r, r.Sectors.Worst)
		b = append(b, fmt.Sprintf("Sectors: %s was the strongest track (%s), %s the weakest (%s).", best.Name, PctPtr(best.Return), worst.Name, PctPtr(worst.Return)))
	}
	if len(b) < 4 && len(r.Protocols.TopGrowth) > 0 {
		p := r.Protocols.TopGrowth[0]
		b = append(b, fmt.Sprintf("Protocols: %s led TVL growth among protocols above %s, %s to %s.", p.Label, USD(r.Protocols.MinTVL), moved(*p.Pct), USD(*p.End)))
	}
	if len(b) > 6 {
		b = b[:6]
	}
	r.Overview = b
	if r.Outlook.Markdown == "" {
		r.Outlook.Items = movers(r)
	}
}

// moved phrases a percent change without a doubled sign: "rose 2.76%", "fell 5.46%".
func moved(pct float64) string {
	m := Movement(pct)
	if m == "was flat" {
		return m + " (" + Pct(pct) + ")"
	}
	if pct < 0 {
		pct = -pct
	}
	return fmt.Sprintf("%s %.2f%%", m, pct)
}

func verb(c Change) string {
	if c.Pct != nil {
		return Movement(*c.Pct)
	}
	return "moved"
}

func sectorByName(r *Report, name string) Sector {
	for _, s := range r.Sectors.Sectors {
		if s.Name == name {
			return s
		}
	}
	return Sector{Name: name}
}

// movers lists the largest moves of the week across sections, largest first, for the outlook
// when no analyst notes exist, plus the next week's scheduled events.
func movers(r *Report) []string {
	type mv struct {
		abs  float64
		text string
	}
	var ms []mv
	add := func(what string, c Change) {
		if c.Pct == nil || !c.Available() {
			return
		}
		a := *c.Pct
		if a < 0 {
			a = -a
		}
		ms = append(ms, mv{a, fmt.Sprintf("%s %s %s to %s", what, c.Label, Pct(*c.Pct), Value(c.End, c.Unit))})
	}
	for _, c := range r.Chains.TopGrowth {
		add("chain", c)
	}
	for _, p := range r.Protocols.TopGrowth {
		add("protocol", p.Change)
	}
	for _, t := range r.Tokens.TopGainers {
		add("token", t.Change)
	}
	for _, c := range r.Derivatives.OpenInterest {
		add("open interest", c)
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].abs > ms[j].abs })
	var out []string
	for _, m := range ms[:min(5, len(ms))] {
		out = append(out, "Largest move: "+m.text+".")
	}
	for _, e := range r.Events.Upcoming {
		t := e.Date
		if e.Time != "" {
			t += " " + e.Time + " ET"
		}
		out = append(out, "Scheduled: "+e.Title+" ("+t+").")
	}
	return out
}
