package report

import (
	"fmt"
	"strings"

	cw "cryptoweekly"
)

// ingestHealth reads the last run of every live provider and notes failures in the sections that
// read its series: an unavailable section then says which provider failed, when, and why.
func ingestHealth(env *Env, r *Report, sections []Section) error {
	runs, err := env.Reader.LastRuns(env.Ctx)
	if err != nil {
		return fmt.Errorf("ingest runs: %w", err)
	}
	for _, run := range runs {
		r.Ingest = append(r.Ingest, run)
		if run.Status == "ok" {
			continue
		}
		msg := fmt.Sprintf("the last %s ingest (%s UTC) was %s: %s", run.Source, run.FinishedAt.UTC().Format("2006-01-02 15:04"), run.Status, firstLine(run.Error))
		for i, s := range sections {
			f, ok := s.(Feeder)
			if !ok || !fedBy(f.Feeds(env.Config), run.Source) {
				continue
			}
			st := r.Sections[i].Block.Status()
			st.Notes = append(st.Notes, msg)
			if st.Unavailable != "" {
				st.Unavailable += " — " + msg
			}
		}
	}
	return nil
}

func fedBy(feeds []cw.SourceID, provider string) bool {
	for _, f := range feeds {
		if cw.ProviderOf(f) == provider {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}
