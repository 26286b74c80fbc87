package metrics

import (
	"fmt"
	"strings"

	cw "cryptoweekly"
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
	rows, err := w.db.QueryContext(w.ctx, `SELECT source, finished_at, status, rows, error FROM (
			SELECT *, row_number() OVER (PARTITION BY source ORDER BY finished_at DESC) AS rn FROM ingest_runs) t
		WHERE rn = 1 ORDER BY source`)
	if err != nil {
		return fmt.Errorf("ingest runs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r cw.IngestRun
		if err := rows.Scan(&r.Source, &r.FinishedAt, &r.Status, &r.Rows, &r.Error); err != nil {
			return err
		}
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
	return rows.Err()
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
