// Package events is the report's calendar section: next week's scheduled macro releases (FOMC,
// CPI, PCE, payrolls, and any iCalendar the user adds) and the week's regulatory news.
package events

import (
	"fmt"
	"sort"
	"strings"

	cw "cryptoweekly"
	"cryptoweekly/provider/fred"
	"cryptoweekly/provider/news"
	"cryptoweekly/report"
	"cryptoweekly/section"
	"cryptoweekly/section/macro"
)

// Section computes the events block.
type Section struct{}

// Block is next week's calendar and the week's regulatory news.
type Block struct {
	report.Base
	From       string         `json:"from"` // exclusive
	To         string         `json:"to"`
	Upcoming   []report.Event `json:"upcoming"`
	Regulatory []report.Event `json:"regulatory"`
}

func (Section) Name() string           { return "events" }
func (Section) NewBlock() report.Block { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID {
	return []cw.SourceID{news.SourcePrefix, fred.SourceBundled, fred.SourcePCEPI, fred.SourceLive}
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	cal := env.Inputs.Calendar
	next := env.End.AddDate(0, 0, 7)
	s.From, s.To = cw.DayString(env.End), cw.DayString(next)
	for _, e := range cal {
		d, err := cw.ParseDay(e.Date)
		if err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		if d.After(env.End) && !d.After(next) {
			// The print (or target range) the release follows, from the stored FRED series.
			prior, src, err := macro.PriorText(env, e.Kind, d)
			if err != nil {
				return nil, fmt.Errorf("prior of %s: %w", e.Title, err)
			}
			e.Prior, e.PriorSource = prior, src
			env.Cite(src)
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
	for _, k := range section.SortedKeys(last) {
		if last[k] < s.To && k != "ics" {
			s.Notes = append(s.Notes, fmt.Sprintf("the calendar has no %s dates after %s, so next week's list may be incomplete: update events/calendar.csv from the agency's schedule", k, last[k]))
		}
	}
	// Regulatory and news items stored by the news watch during the week.
	obs, err := env.Reader.Observations(env.Ctx, "event:", cw.MetricPublished, env.Start, env.End)
	if err != nil {
		return nil, fmt.Errorf("news: %w", err)
	}
	ids := make([]string, len(obs))
	for i, o := range obs {
		ids[i] = o.Entity
	}
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("news: %w", err)
	}
	sort.SliceStable(obs, func(i, j int) bool {
		if !obs[i].Day.Equal(obs[j].Day) {
			return obs[i].Day.Before(obs[j].Day)
		}
		return info[obs[i].Entity].Name < info[obs[j].Entity].Name
	})
	for _, o := range obs {
		e := info[o.Entity]
		var tags []string
		for _, t := range e.Tags {
			if t, ok := strings.CutPrefix(t, "news:"); ok {
				tags = append(tags, t)
			}
		}
		sort.Strings(tags)
		if !section.Contains(tags, "regulation") {
			continue
		}
		env.Cite(string(o.Source))
		s.Regulatory = append(s.Regulatory, report.Event{Date: cw.DayString(o.Day), Kind: "news", Title: e.Name, Link: e.Attrs["link"], Tags: tags, Source: string(o.Source)})
	}
	if len(s.Regulatory) == 0 {
		s.Notes = append(s.Notes, "no regulatory news items stored for this week; configure RSS/Atom feeds for `cryptoweekly ingest` to track them")
	}
	return s, nil
}

func (b *Block) Title() string { return fmt.Sprintf("Next week's events (%s, %s]", b.From, b.To) }

func (b *Block) Cites() []string {
	out := make([]string, 0, len(b.Regulatory))
	for _, e := range b.Upcoming {
		if e.PriorSource != "" {
			out = append(out, e.PriorSource)
		}
	}
	for _, e := range b.Regulatory {
		out = append(out, e.Source)
	}
	return out
}

func (b *Block) Layout() []report.Element {
	var out []report.Element
	if len(b.Upcoming) > 0 {
		t := report.Tab("date", "time (ET)", "event", "prior", "source")
		for _, e := range b.Upcoming {
			prior := report.Inline{report.L("–")}
			if e.Prior != "" {
				prior = report.Inline{report.L(e.Prior + " "), report.C(e.PriorSource)}
			}
			t.Row(report.L(e.Date), report.L(e.Time), report.T(e.Title), prior, report.T(e.Source))
		}
		out = append(out, t)
	}
	if len(b.Regulatory) > 0 {
		out = append(out, report.H3(report.L("Regulatory developments this week")))
		l := report.Element{Kind: report.List}
		for _, e := range b.Regulatory {
			l.Items = append(l.Items, report.Inline{report.L(e.Date + " — "), report.T(e.Title), report.L(" ("), report.T(strings.Join(e.Tags, ", ")), report.L(") "), report.C(e.Source)})
		}
		out = append(out, l)
	}
	return append(out, report.Notes(b.Notes)...)
}

// Scheduled lists next week's events for the outlook.
func (b *Block) Scheduled() []string {
	var out []string
	for _, e := range b.Upcoming {
		t := e.Date
		if e.Time != "" {
			t += " " + e.Time + " ET"
		}
		if e.Prior != "" {
			t += "; prior " + e.Prior
		}
		out = append(out, "Scheduled: "+e.Title+" ("+t+").")
	}
	return out
}
