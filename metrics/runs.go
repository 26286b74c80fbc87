package metrics

import (
	"fmt"
	"strings"

	"cryptoweekly/report"
)

// sectionsOf maps a live source to the report sections it feeds, so a failed ingest is named
// where its absence shows.
var sectionsOf = map[string][]string{
	"alternativeme": {"sentiment"},
	"defillama":     {"stablecoins", "defi", "chains", "protocols", "dex"},
	"coingecko":     {"tokens", "sectors", "social"},
	"coinmarketcap": {"tokens", "sectors", "sentiment"},
	"lunarcrush":    {"social"},
	"news":          {"events"},
}

// ingestHealth reads the last run of every live source and notes failures in the sections they
// feed: an unavailable section then says which source failed, when, and why.
func (w *week) ingestHealth() error {
	runs, err := w.rd.LastRuns(w.ctx)
	if err != nil {
		return fmt.Errorf("ingest runs: %w", err)
	}
	for _, r := range runs {
		w.r.Ingest = append(w.r.Ingest, r)
		if r.Status == "ok" {
			continue
		}
		msg := fmt.Sprintf("the last %s ingest (%s UTC) was %s: %s", r.Source, r.FinishedAt.UTC().Format("2006-01-02 15:04"), r.Status, firstLine(r.Error))
		for _, sec := range sectionsOf[r.Source] {
			if s := w.section(sec); s != nil {
				s.Notes = append(s.Notes, msg)
				if s.Unavailable != "" {
					s.Unavailable += " — " + msg
				}
			}
		}
	}
	return nil
}

func (w *week) section(name string) *report.Section {
	r := w.r
	switch name {
	case "sentiment":
		return &r.Sentiment.Section
	case "stablecoins":
		return &r.Stablecoins.Section
	case "defi":
		return &r.DeFi.Section
	case "chains":
		return &r.Chains.Section
	case "protocols":
		return &r.Protocols.Section
	case "dex":
		return &r.DEX.Section
	case "tokens":
		return &r.Tokens.Section
	case "sectors":
		return &r.Sectors.Section
	case "social":
		return &r.Social.Section
	case "events":
		return &r.Events.Section
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}
