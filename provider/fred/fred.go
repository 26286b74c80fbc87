// Package fred is the US macro series of the St. Louis Fed's FRED database the report quotes:
// CPI and core CPI, the PCE and core PCE price indexes, nonfarm payrolls, the unemployment rate
// and the bounds of the Fed's federal funds target range.
//
// Bundled: fred-jonsflow/<ID>.csv (FRED series/observations dumps, header Date,Value) extended by
// fred-jonsflow/fred_cache.json (a later fetch of the same series, about three months more), and
// fred-Thecoderstef/PCEPI.csv (headline PCE). Live: FRED's series/observations API, which needs a
// free key (FRED_API_KEY).
//
// Stored per observation day: monthly series on their reference month's first day (2024-11-01 is
// November 2024's print, whenever it was released), the target range daily. Values are FRED's
// latest vintage (revised), not the figure first printed. FRED writes "." for a missing value; it
// is skipped, never a zero. Days before the store's first day (2009-01-03) are not kept.
package fred

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/rawfile"
)

const (
	// Name is the provider's --sources and --base-url key.
	Name = "fred"
	// SourceBundled is the bundled jonsflow dumps (CSV plus cache).
	SourceBundled cw.SourceID = "fred-series"
	// SourcePCEPI is the bundled headline PCE price index file.
	SourcePCEPI cw.SourceID = "fred-pcepi"
	// SourceLive is FRED's series/observations API.
	SourceLive cw.SourceID = "fred-observations"

	// MetricPriceIndex is a price index level (CPI 1982-84 = 100, PCE 2017 = 100).
	MetricPriceIndex cw.Metric = "price_index"
	// MetricEmployeesK is a count of employees in thousands (payrolls).
	MetricEmployeesK cw.Metric = "employees_k"
	// MetricRatePct is a rate in percent (unemployment, the target range bounds).
	MetricRatePct cw.Metric = "rate_pct"

	// Definitions of the stored series (one per metric, whatever the source).
	DefPriceIndex cw.DefinitionID = "macro.price-index"
	DefEmployeesK cw.DefinitionID = "macro.employees"
	DefRatePct    cw.DefinitionID = "macro.rate"

	dirJonsflow = "fred-jonsflow"
	dirPCEPI    = "fred-Thecoderstef"
	licence     = "FRED data: public domain US government series (BLS, BEA, Federal Reserve), via FRED, Federal Reserve Bank of St. Louis; cite FRED"
)

// Series is one FRED series the report reads.
type Series struct {
	ID     string    // FRED series id ("CPIAUCSL")
	Entity string    // where it is stored ("index:us-cpi")
	Metric cw.Metric // what it measures
	Name   string
}

// The series, in the order the macro section shows them.
var (
	CPI        = Series{"CPIAUCSL", "index:us-cpi", MetricPriceIndex, "US CPI, all items (SA, 1982-84 = 100)"}
	CoreCPI    = Series{"CPILFESL", "index:us-core-cpi", MetricPriceIndex, "US CPI less food and energy (SA, 1982-84 = 100)"}
	PCE        = Series{"PCEPI", "index:us-pce", MetricPriceIndex, "US PCE price index (SA, 2017 = 100)"}
	CorePCE    = Series{"PCEPILFE", "index:us-core-pce", MetricPriceIndex, "US PCE price index less food and energy (SA, 2017 = 100)"}
	Payrolls   = Series{"PAYEMS", "index:us-payrolls", MetricEmployeesK, "US nonfarm payrolls (SA, thousands)"}
	Unemploy   = Series{"UNRATE", "index:us-unemployment", MetricRatePct, "US unemployment rate (SA, percent)"}
	TargetUp   = Series{"DFEDTARU", "index:us-fed-target-upper", MetricRatePct, "Federal funds target range, upper limit (percent)"}
	TargetLow  = Series{"DFEDTARL", "index:us-fed-target-lower", MetricRatePct, "Federal funds target range, lower limit (percent)"}
	AllSeries  = []Series{CPI, CoreCPI, PCE, CorePCE, Payrolls, Unemploy, TargetUp, TargetLow}
	jonsSeries = []Series{CPI, CoreCPI, CorePCE, Payrolls, Unemploy, TargetUp, TargetLow}
)

func init() {
	cw.RegisterFamily(cw.FileFamily{Dir: dirJonsflow, Parse: parseJonsflow})
	cw.RegisterFamily(cw.FileFamily{Dir: dirPCEPI, Parse: parsePCEPI})
	registerProvider()
	for _, d := range []cw.Definition{
		{ID: DefPriceIndex, Metric: MetricPriceIndex, Text: "Price index level as FRED publishes it (latest revised vintage, seasonally adjusted), dated on its reference month; year-on-year and month-on-month changes are computed from it."},
		{ID: DefEmployeesK, Metric: MetricEmployeesK, Text: "Total nonfarm payroll employees in thousands (BLS Current Employment Statistics via FRED, latest revised vintage, seasonally adjusted), dated on its reference month; the monthly change is this month's level less the month before's."},
		{ID: DefRatePct, Metric: MetricRatePct, Text: "A rate in percent as FRED publishes it: the unemployment rate (BLS, seasonally adjusted, on its reference month) or a bound of the Federal Reserve's federal funds target range (daily, on the day it is in effect)."},
	} {
		cw.RegisterDefinition(d)
	}
}

func entity(s Series) cw.Entity {
	return cw.Entity{ID: s.Entity, Kind: cw.KindIndex, Name: s.Name, Attrs: map[string]string{"fred_id": s.ID}}
}

// Missing is FRED's marker of a missing value.
const Missing = "."

// addValue stores one (day, text value) of a series: "." is skipped, a day before the store's
// first day is skipped, anything else must be a plain number.
func addValue(s *rawfile.Series, x Series, day time.Time, val, where string) error {
	if val == Missing || day.Before(cw.FirstDay) {
		return nil
	}
	v, err := rawfile.ParsePlain(val)
	if err != nil {
		return fmt.Errorf("%s: %s value: %w", where, x.ID, err)
	}
	return s.Add(x.Entity, x.Metric, day, v, where)
}

// readCSV reads one Date,Value dump into s; seen records the days it stored with their values.
func readCSV(fsys fs.FS, name, dateCol, valCol string, x Series, s *rawfile.Series, seen map[time.Time]float64) error {
	f, err := rawfile.ReadCSV(fsys, name, ',', dateCol, valCol)
	if err != nil {
		return fmt.Errorf("fred: %w", err)
	}
	if len(f.Rows) == 0 {
		return fmt.Errorf("%s: no data rows", name)
	}
	for i := range f.Rows {
		day, err := cw.ParseDay(f.Get(i, dateCol))
		if err != nil {
			return f.Err(i, dateCol, err)
		}
		val := f.Get(i, valCol)
		if val == Missing || day.Before(cw.FirstDay) {
			continue
		}
		v, err := f.Plain(i, valCol)
		if err != nil {
			return err
		}
		if err := s.Add(x.Entity, x.Metric, day, v, rawfile.At(f.Name, f.Lines[i])); err != nil {
			return err
		}
		seen[day] = v
	}
	return nil
}

// cacheFile is fred_cache.json.
type cacheFile struct {
	FetchedAt string                          `json:"fetched_at"`
	Series    map[string][][2]json.RawMessage `json:"series"`
}

func parseJonsflow(fsys fs.FS, d string) ([]cw.Batch, error) {
	cacheName := path.Join(d, "fred_cache.json")
	raw, err := rawfile.ReadFile(fsys, cacheName)
	if err != nil {
		return nil, fmt.Errorf("fred: %w", err)
	}
	var cache cacheFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&cache); err != nil {
		return nil, fmt.Errorf("%s: %w", cacheName, err)
	}
	fetched, err := time.Parse(time.RFC3339, cache.FetchedAt)
	if err != nil {
		return nil, fmt.Errorf("%s: fetched_at: not an RFC 3339 time: %s", cacheName, cw.Quote(cache.FetchedAt))
	}
	prov := cw.Provenance{ID: SourceBundled, Provider: "FRED (Federal Reserve Bank of St. Louis)", Location: d + "/{<ID>.csv,fred_cache.json}",
		FetchedAt: cw.Day(fetched), Licence: licence,
		Note: "FRED series/observations dumps (jonsflow repository): CPIAUCSL, CPILFESL, PCEPILFE, PAYEMS, UNRATE, DFEDTARU, DFEDTARL; the CSVs extended by fred_cache.json (fetched " + cw.DayString(fetched) + "). Where the CSV and the cache overlap the cache's later vintage wins. Latest revised values dated on the reference month, not the release date; kept from 2009 on."}
	b := cw.Batch{Source: prov}
	s := rawfile.NewSeries(SourceBundled)
	for _, x := range jonsSeries {
		b.Entities = append(b.Entities, entity(x))
		seen := map[time.Time]float64{}
		if err := readCSV(fsys, path.Join(d, x.ID+".csv"), "Date", "Value", x, s, seen); err != nil {
			return nil, err
		}
		pts, ok := cache.Series[x.ID]
		if !ok {
			return nil, fmt.Errorf("%s: series %s missing", cacheName, x.ID)
		}
		for i, p := range pts {
			where := fmt.Sprintf("%s: series %s point %d", cacheName, x.ID, i)
			var ds string
			if err := json.Unmarshal(p[0], &ds); err != nil {
				return nil, fmt.Errorf("%s: date: not a string: %s", where, cw.Quote(string(p[0])))
			}
			day, err := cw.ParseDay(ds)
			if err != nil {
				return nil, fmt.Errorf("%s: date: %w", where, err)
			}
			if string(p[1]) == "null" || day.Before(cw.FirstDay) {
				continue // a missing value, as FRED's "."
			}
			var v float64
			if err := json.Unmarshal(p[1], &v); err != nil {
				return nil, fmt.Errorf("%s: value: not a number: %s", where, cw.Quote(string(p[1])))
			}
			if _, dup := seen[day]; dup {
				// The cache is a later fetch of the same series: where the two overlap, its
				// (possibly revised) value replaces the CSV's.
				if _, err := s.Replace(x.Entity, x.Metric, day, v); err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
				continue
			}
			if err := s.Add(x.Entity, x.Metric, day, v, where); err != nil {
				return nil, err
			}
			seen[day] = v
		}
	}
	b.Observations = s.Obs()
	sortObs(b.Observations)
	return []cw.Batch{b}, nil
}

func parsePCEPI(fsys fs.FS, d string) ([]cw.Batch, error) {
	prov := cw.Provenance{ID: SourcePCEPI, Provider: "FRED (Federal Reserve Bank of St. Louis)", Location: d + "/PCEPI.csv",
		FetchedAt: time.Date(2026, 7, 30, 0, 0, 0, 0, time.UTC), Licence: licence,
		Note: "FRED PCEPI (headline PCE price index, BEA) as bundled by the Thecoderstef repository (vintage about 2026-07-30): latest revised values dated on the reference month, not the release date."}
	b := cw.Batch{Source: prov, Entities: []cw.Entity{entity(PCE)}}
	s := rawfile.NewSeries(SourcePCEPI)
	if err := readCSV(fsys, path.Join(d, "PCEPI.csv"), "date", "PCEPI", PCE, s, map[time.Time]float64{}); err != nil {
		return nil, err
	}
	b.Observations = s.Obs()
	return []cw.Batch{b}, nil
}

func sortObs(o []cw.Observation) {
	sort.SliceStable(o, func(i, j int) bool {
		if o[i].Entity != o[j].Entity {
			return o[i].Entity < o[j].Entity
		}
		return o[i].Day.Before(o[j].Day)
	})
}
