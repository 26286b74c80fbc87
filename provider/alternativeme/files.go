package alternativeme

// alternative.me Crypto Fear & Greed Index, as dumped from api.alternative.me/fng/ by
// MuLancer/DSE4101-Stablecoin-Depegging-Prediction-Project (see raw/SOURCES.md).
//
// Real-data facts this parser relies on (checked against the bundled file):
//   - rows are newest first, one per UTC day, date as "YYYY-MM-DDT00:00:00Z";
//   - value is an integer 0..100 and value_classification follows fixed zones. The file shows
//     value 25 labelled "Extreme Fear" (50 rows) and never "Fear", so the zones used here are
//     0–25 Extreme Fear, 26–46 Fear, 47–54 Neutral, 55–75 Greed, 76–100 Extreme Greed
//     (not 0–24 as sometimes quoted);
//   - the API itself lacks 2018-04-14, 2018-04-15, 2018-04-16 and 2024-10-26; those four gaps are
//     allowed, any other missing day is an error.

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/rawfile"
)

const (
	fngDir  = "alternativeme-fng-MuLancer"
	fngFile = "fear_and_greed_index_2.csv"
)

// fngKnownGaps are days alternative.me's API itself has no value for (SOURCES.md).
var fngKnownGaps = map[string]bool{
	"2018-04-14": true,
	"2018-04-15": true,
	"2018-04-16": true,
	"2024-10-26": true,
}

func init() { cw.RegisterFamily(cw.FileFamily{Dir: fngDir, Parse: parseFearGreed}) }

func fngProvenance() cw.Provenance {
	return cw.Provenance{
		ID:       SourceFearGreed,
		Provider: "alternative.me",
		Location: fngDir + "/" + fngFile,
		// The blob's commit date is not recorded; the dump contains 2026-03-12, so it was fetched on
		// or after that day (repo HEAD is 2026-04-10). The last day in the file is used.
		FetchedAt: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC),
		Licence:   "none stated; data © alternative.me",
		Note: "MuLancer/DSE4101-Stablecoin-Depegging-Prediction-Project@08254900b801e9c05aba2701b268e4d7934df529:" +
			"Project Phase 2/data/fear_and_greed_index_2.csv, a dump of api.alternative.me/fng/. " +
			"Daily index 0-100 (0 = extreme fear). The API has no value for 2018-04-14..16 and 2024-10-26; those days are missing, not filled. " +
			"Fetch date: on or after 2026-03-12 (last day in the file).",
	}
}

func parseFearGreed(fsys fs.FS, dir string) ([]cw.Batch, error) {
	name := path.Join(dir, fngFile)
	f, err := rawfile.ReadCSV(fsys, name, ',', "date", "value", "value_classification")
	if err != nil {
		return nil, fmt.Errorf("fear & greed: %w", err)
	}
	prov := fngProvenance()
	s := rawfile.NewSeries(prov.ID)
	days := make([]time.Time, 0, len(f.Rows))
	for i := range f.Rows {
		day, err := fngParseDate(f.Get(i, "date"))
		if err != nil {
			return nil, f.Err(i, "date", err)
		}
		raw := f.Get(i, "value")
		v, err := strconv.Atoi(raw)
		if err != nil {
			return nil, f.Err(i, "value", fmt.Errorf("not an integer: %q", raw))
		}
		if v < 0 || v > 100 {
			return nil, f.Err(i, "value", fmt.Errorf("value %d outside 0..100", v))
		}
		cls := f.Get(i, "value_classification")
		if want := cw.FearGreedZone(float64(v)); cls != want {
			return nil, f.Err(i, "value_classification", fmt.Errorf("%q disagrees with value %d (alternative.me zone %q)", cls, v, want))
		}
		if err := s.Add(EntityID, Metric, day, float64(v), rawfile.At(f.Name, f.Lines[i])); err != nil {
			return nil, err
		}
		if n := len(days); n > 0 && !day.Before(days[n-1]) {
			return nil, f.Err(i, "date", fmt.Errorf("%s is not older than the previous row's %s (file must be newest first)", cw.DayString(day), cw.DayString(days[n-1])))
		}
		days = append(days, day)
	}
	if len(days) == 0 {
		return nil, fmt.Errorf("%s: no data rows", f.Name)
	}
	if err := rawfile.CheckNoGaps(f.Name, days, f.Lines, fngKnownGaps); err != nil {
		return nil, err
	}
	return []cw.Batch{{
		Source: prov,
		Entities: []cw.Entity{{
			ID:   EntityID,
			Kind: cw.KindIndex,
			Name: "Crypto Fear & Greed Index (alternative.me)",
		}},
		Observations: s.Obs(),
	}}, nil
}

// fngParseDate accepts "YYYY-MM-DD" or the API's "YYYY-MM-DDT00:00:00Z"; any other time of day
// is an error because the index is daily.
func fngParseDate(s string) (time.Time, error) {
	day, err := rawfile.ParseDayPrefix(s)
	if err != nil {
		return time.Time{}, err
	}
	if rest := strings.TrimSpace(s)[10:]; rest != "" && rest != "T00:00:00Z" {
		return time.Time{}, fmt.Errorf("not a UTC midnight timestamp: %q", s)
	}
	return day, nil
}
