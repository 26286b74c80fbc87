// Package fred is the US macro series of the St. Louis Fed's FRED database the report quotes:
// CPI and core CPI, the PCE and core PCE price indexes, nonfarm payrolls, the unemployment rate
// and the bounds of the Fed's federal funds target range (the monthly prints); and the daily and
// weekly rates, market and liquidity series a crypto desk watches beside them (the effective fed
// funds rate, the 10-year yield, the 10y–2y curve, 10-year breakeven inflation, VIX, the
// high-yield spread, the Fed's balance sheet, its overnight reverse repo, initial jobless claims).
//
// Bundled: fred-jonsflow/<ID>.csv (FRED series/observations dumps, header Date,Value) extended by
// fred-jonsflow/fred_cache.json (a later fetch of the same series, about three months more, which
// also holds the market series, from 2021-05 on), fred-Thecoderstef/PCEPI.csv (headline PCE) and
// fred-moltovy/DFF__daily.csv (the effective fed funds rate on every calendar day since 1954, the
// market row's history before the cache starts). Live: FRED's series/observations API, which
// needs a free key (FRED_API_KEY).
//
// Stored per observation day: monthly series on their reference month's first day (2024-11-01 is
// November 2024's print, whenever it was released), the target range and market series on the
// day FRED dates them (a market close, a Wednesday balance sheet, claims on the Saturday ending
// their week). Values are FRED's latest vintage (revised), not the figure first printed; where two
// files hold one series the later vintage (the cache) wins. FRED writes "." for a missing value;
// it is skipped, never a zero. Days before the store's first day (2009-01-03) are not kept.
package fred

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
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
	// SourceDFF is the bundled daily effective fed funds rate (moltovy).
	SourceDFF cw.SourceID = "fred-dff"
	// SourceLive is FRED's series/observations API.
	SourceLive cw.SourceID = "fred-observations"

	// MetricPriceIndex is a price index level (CPI 1982-84 = 100, PCE 2017 = 100).
	MetricPriceIndex cw.Metric = "price_index"
	// MetricEmployeesK is a count of employees in thousands (payrolls).
	MetricEmployeesK cw.Metric = "employees_k"
	// MetricRatePct is a rate in percent (unemployment, the target range bounds, the effective
	// fed funds rate, a Treasury yield).
	MetricRatePct cw.Metric = "rate_pct"
	// MetricSpreadPct is a difference of rates in percentage points, which can be negative (the
	// 10y–2y curve, breakeven inflation, a credit spread).
	MetricSpreadPct cw.Metric = "spread_pct"
	// MetricVolIndex is an implied-volatility index level (VIX).
	MetricVolIndex cw.Metric = "vol_index"
	// MetricUSDBn is an amount in billions of US dollars (the Fed's balance sheet items).
	MetricUSDBn cw.Metric = "usd_bn"
	// MetricPersons is a count of people (jobless claims).
	MetricPersons cw.Metric = "persons"

	// Definitions of the stored series (one per metric, whatever the source).
	DefPriceIndex cw.DefinitionID = "macro.price-index"
	DefEmployeesK cw.DefinitionID = "macro.employees"
	DefRatePct    cw.DefinitionID = "macro.rate"
	DefSpreadPct  cw.DefinitionID = "macro.spread"
	DefVolIndex   cw.DefinitionID = "macro.volatility-index"
	DefUSDBn      cw.DefinitionID = "macro.usd-billions"
	DefPersons    cw.DefinitionID = "macro.claims"

	dirJonsflow = "fred-jonsflow"
	dirPCEPI    = "fred-Thecoderstef"
	dirMoltovy  = "fred-moltovy"
	licence     = "FRED data: public domain US government series (BLS, BEA, Federal Reserve), via FRED, Federal Reserve Bank of St. Louis; cite FRED"
)

// Series is one FRED series the report reads.
type Series struct {
	ID     string    // FRED series id ("CPIAUCSL")
	Entity string    // where it is stored ("index:us-cpi")
	Metric cw.Metric // what it measures
	Name   string
	// Per is how many published units make one stored unit (WALCL is published in millions and
	// stored in billions like the other balance-sheet series: 1000); 0 stores the value as
	// published. A division, not a multiplication by 0.001, so 6897485 is stored as 6897.485.
	Per float64
}

// stored is a published value in the stored unit.
func (x Series) stored(v float64) float64 {
	if x.Per != 0 {
		return v / x.Per
	}
	return v
}

// The series, in the order the macro section shows them.
var (
	CPI       = Series{ID: "CPIAUCSL", Entity: "index:us-cpi", Metric: MetricPriceIndex, Name: "US CPI, all items (SA, 1982-84 = 100)"}
	CoreCPI   = Series{ID: "CPILFESL", Entity: "index:us-core-cpi", Metric: MetricPriceIndex, Name: "US CPI less food and energy (SA, 1982-84 = 100)"}
	PCE       = Series{ID: "PCEPI", Entity: "index:us-pce", Metric: MetricPriceIndex, Name: "US PCE price index (SA, 2017 = 100)"}
	CorePCE   = Series{ID: "PCEPILFE", Entity: "index:us-core-pce", Metric: MetricPriceIndex, Name: "US PCE price index less food and energy (SA, 2017 = 100)"}
	Payrolls  = Series{ID: "PAYEMS", Entity: "index:us-payrolls", Metric: MetricEmployeesK, Name: "US nonfarm payrolls (SA, thousands)"}
	Unemploy  = Series{ID: "UNRATE", Entity: "index:us-unemployment", Metric: MetricRatePct, Name: "US unemployment rate (SA, percent)"}
	TargetUp  = Series{ID: "DFEDTARU", Entity: "index:us-fed-target-upper", Metric: MetricRatePct, Name: "Federal funds target range, upper limit (percent)"}
	TargetLow = Series{ID: "DFEDTARL", Entity: "index:us-fed-target-lower", Metric: MetricRatePct, Name: "Federal funds target range, lower limit (percent)"}

	// The rates, market and liquidity series (fred_cache.json and the live API).
	EFFR          = Series{ID: "EFFR", Entity: "index:us-effr", Metric: MetricRatePct, Name: "Effective federal funds rate, business days (percent)"}
	Treasury10Y   = Series{ID: "DGS10", Entity: "index:us-treasury-10y", Metric: MetricRatePct, Name: "US 10-year Treasury constant-maturity yield (percent)"}
	Curve10Y2Y    = Series{ID: "T10Y2Y", Entity: "index:us-treasury-10y-2y", Metric: MetricSpreadPct, Name: "US 10-year less 2-year Treasury yield (percentage points)"}
	Breakeven10Y  = Series{ID: "T10YIE", Entity: "index:us-breakeven-10y", Metric: MetricSpreadPct, Name: "US 10-year breakeven inflation rate (percent)"}
	VIX           = Series{ID: "VIXCLS", Entity: "index:vix", Metric: MetricVolIndex, Name: "CBOE Volatility Index (VIX), daily close"}
	HYSpread      = Series{ID: "BAMLH0A0HYM2", Entity: "index:us-hy-oas", Metric: MetricSpreadPct, Name: "ICE BofA US High Yield Index option-adjusted spread (percentage points)"}
	FedAssets     = Series{ID: "WALCL", Entity: "index:fed-total-assets", Metric: MetricUSDBn, Name: "Federal Reserve total assets, Wednesday level (USD billions)", Per: 1000}
	ReverseRepo   = Series{ID: "RRPONTSYD", Entity: "index:fed-on-rrp", Metric: MetricUSDBn, Name: "Federal Reserve overnight reverse repurchase agreements (USD billions)"}
	InitialClaims = Series{ID: "ICSA", Entity: "index:us-initial-claims", Metric: MetricPersons, Name: "US initial jobless claims, week ending Saturday (SA, persons)"}
	// FedFundsDaily is FRED's DFF: the effective rate on every calendar day (a weekend carries
	// Friday's rate), equal to EFFR on every business day both hold (1,228 in the bundled files).
	FedFundsDaily = Series{ID: "DFF", Entity: "index:us-dff", Metric: MetricRatePct, Name: "Federal funds effective rate, every calendar day (percent)"}

	// Prints are the monthly prints and the target range.
	Prints = []Series{CPI, CoreCPI, PCE, CorePCE, Payrolls, Unemploy, TargetUp, TargetLow}
	// MarketSeries are the daily and weekly series of the macro section's market table.
	MarketSeries = []Series{EFFR, Treasury10Y, Curve10Y2Y, Breakeven10Y, VIX, HYSpread, FedAssets, ReverseRepo, InitialClaims}
	// AllSeries are the series the live connector fetches (DFF adds nothing EFFR does not have
	// from 2021 on, so it is bundled history only).
	AllSeries  = append(append([]Series(nil), Prints...), MarketSeries...)
	jonsSeries = []Series{CPI, CoreCPI, CorePCE, Payrolls, Unemploy, TargetUp, TargetLow}
)

func init() {
	cw.RegisterFamily(cw.FileFamily{Dir: dirJonsflow, Parse: parseJonsflow})
	cw.RegisterFamily(cw.FileFamily{Dir: dirPCEPI, Parse: parsePCEPI})
	cw.RegisterFamily(cw.FileFamily{Dir: dirMoltovy, Parse: parseMoltovy})
	registerProvider()
	for _, d := range []cw.Definition{
		{ID: DefPriceIndex, Metric: MetricPriceIndex, Text: "Price index level as FRED publishes it (latest revised vintage, seasonally adjusted), dated on its reference month; year-on-year and month-on-month changes are computed from it."},
		{ID: DefEmployeesK, Metric: MetricEmployeesK, Text: "Total nonfarm payroll employees in thousands (BLS Current Employment Statistics via FRED, latest revised vintage, seasonally adjusted), dated on its reference month; the monthly change is this month's level less the month before's."},
		{ID: DefRatePct, Metric: MetricRatePct, Text: "A rate in percent as FRED publishes it: the unemployment rate (BLS, seasonally adjusted, on its reference month), a bound of the Federal Reserve's federal funds target range (daily, on the day it is in effect), the effective federal funds rate (New York Fed, on the business day it applies to; DFF repeats Friday's rate over the weekend) or a Treasury constant-maturity yield (on the trading day of the close)."},
		{ID: DefSpreadPct, Metric: MetricSpreadPct, Text: "A difference of rates in percentage points as FRED publishes it, on the trading day of the close: the 10-year less 2-year Treasury yield, 10-year breakeven inflation (the nominal 10-year yield less the 10-year TIPS yield) or the ICE BofA US High Yield option-adjusted spread."},
		{ID: DefVolIndex, Metric: MetricVolIndex, Text: "The CBOE Volatility Index (VIX): the 30-day implied volatility of S&P 500 options in annualised percent points, at the day's close."},
		{ID: DefUSDBn, Metric: MetricUSDBn, Text: "An amount in billions of US dollars from the Federal Reserve's balance sheet: total assets on the Wednesday of the H.4.1 release (FRED WALCL, published in millions and divided by 1,000 here) or the overnight reverse repurchase agreements of the day (RRPONTSYD)."},
		{ID: DefPersons, Metric: MetricPersons, Text: "Initial claims for unemployment insurance (Department of Labor via FRED, seasonally adjusted), dated on the Saturday that ends the claims week; the figure is published the following Thursday."},
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
	return s.Add(x.Entity, x.Metric, day, x.stored(v), where)
}

// readCSV reads one Date,Value dump into s; seen records the days it stored with their values.
// It returns every dated row's day and line, missing values included, for a gap check.
func readCSV(fsys fs.FS, name, dateCol, valCol string, x Series, s *rawfile.Series, seen map[time.Time]float64) (days []time.Time, lines []int, err error) {
	f, err := rawfile.ReadCSV(fsys, name, ',', dateCol, valCol)
	if err != nil {
		return nil, nil, fmt.Errorf("fred: %w", err)
	}
	if len(f.Rows) == 0 {
		return nil, nil, fmt.Errorf("%s: no data rows", name)
	}
	// Rows before the store's first day are not kept, but they are checked like the others: a
	// broken value or a repeated day anywhere means the file is not what it claims to be.
	early := map[time.Time]int{}
	for i := range f.Rows {
		day, err := cw.ParseDay(f.Get(i, dateCol))
		if err != nil {
			return nil, nil, f.Err(i, dateCol, err)
		}
		keep := !day.Before(cw.FirstDay)
		if !keep {
			if j, dup := early[day]; dup {
				return nil, nil, f.Err(i, dateCol, fmt.Errorf("duplicate day %s (first at line %d)", cw.DayString(day), f.Lines[j]))
			}
			early[day] = i
		}
		days, lines = append(days, day), append(lines, f.Lines[i])
		if f.Get(i, valCol) == Missing {
			continue
		}
		v, err := f.Plain(i, valCol)
		if err != nil {
			return nil, nil, err
		}
		v = x.stored(v)
		if !keep {
			if err := cw.CheckValue(x.Metric, v); err != nil {
				return nil, nil, f.Err(i, valCol, err)
			}
			continue
		}
		if err := s.Add(x.Entity, x.Metric, day, v, rawfile.At(f.Name, f.Lines[i])); err != nil {
			return nil, nil, err
		}
		seen[day] = v
	}
	return days, lines, nil
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
		Note: "FRED series/observations dumps (jonsflow repository): CPIAUCSL, CPILFESL, PCEPILFE, PAYEMS, UNRATE, DFEDTARU, DFEDTARL; the CSVs extended by fred_cache.json (fetched " + cw.DayString(fetched) + "). Where the CSV and the cache overlap the cache's later vintage wins. Latest revised values dated on the reference month, not the release date; kept from 2009 on. " +
			"From the cache only (2021-05 on, dated on the observation day): " + seriesIDs(MarketSeries) + "; WALCL is stored in billions (published in millions)."}
	b := cw.Batch{Source: prov}
	s := rawfile.NewSeries(SourceBundled)
	for _, x := range jonsSeries {
		b.Entities = append(b.Entities, entity(x))
		seen := map[time.Time]float64{} // the CSV's days
		if _, _, err := readCSV(fsys, path.Join(d, x.ID+".csv"), "Date", "Value", x, s, seen); err != nil {
			return nil, err
		}
		cached := map[time.Time]bool{}
		err := eachCachePoint(cacheName, cache.Series, x.ID, func(day time.Time, v float64, where string) error {
			if cached[day] {
				return fmt.Errorf("%s: day %s listed twice in the cache's %s", where, cw.DayString(day), x.ID)
			}
			cached[day] = true
			if _, dup := seen[day]; dup {
				// The cache is a later fetch of the same series: where the two overlap, its
				// (possibly revised) value replaces the CSV's.
				if _, err := s.Replace(x.Entity, x.Metric, day, v); err != nil {
					return fmt.Errorf("%s: %w", where, err)
				}
				return nil
			}
			return s.Add(x.Entity, x.Metric, day, v, where)
		})
		if err != nil {
			return nil, err
		}
	}
	for _, x := range MarketSeries {
		b.Entities = append(b.Entities, entity(x))
		err := eachCachePoint(cacheName, cache.Series, x.ID, func(day time.Time, v float64, where string) error {
			return s.Add(x.Entity, x.Metric, day, x.stored(v), where)
		})
		if err != nil {
			return nil, err
		}
	}
	b.Observations = s.Obs()
	sortObs(b.Observations)
	return []cw.Batch{b}, nil
}

// eachCachePoint calls f with every stored point of the cache's series id, in the cache's order,
// and where it is ("fred_cache.json: series DGS10 point 12") for messages.
func eachCachePoint(cacheName string, series map[string][][2]json.RawMessage, id string, f func(day time.Time, v float64, where string) error) error {
	pts, ok := series[id]
	if !ok {
		return fmt.Errorf("%s: series %s missing", cacheName, id)
	}
	for i, p := range pts {
		where := fmt.Sprintf("%s: series %s point %d", cacheName, id, i)
		day, v, ok, err := cachePoint(p, where)
		if err != nil {
			return err
		}
		if ok {
			if err := f(day, v, where); err != nil {
				return err
			}
		}
	}
	return nil
}

// cachePoint reads one [date, value] pair of the cache; ok is false for a missing value (null,
// as FRED's ".") or a day before the store's first day.
func cachePoint(p [2]json.RawMessage, where string) (day time.Time, v float64, ok bool, err error) {
	var ds string
	if err := json.Unmarshal(p[0], &ds); err != nil {
		return day, 0, false, fmt.Errorf("%s: date: not a string: %s", where, cw.Quote(string(p[0])))
	}
	if day, err = cw.ParseDay(ds); err != nil {
		return day, 0, false, fmt.Errorf("%s: date: %w", where, err)
	}
	if string(p[1]) == "null" || day.Before(cw.FirstDay) {
		return day, 0, false, nil
	}
	if err := json.Unmarshal(p[1], &v); err != nil {
		return day, 0, false, fmt.Errorf("%s: value: not a number: %s", where, cw.Quote(string(p[1])))
	}
	return day, v, true, nil
}

func seriesIDs(xs []Series) string {
	ids := make([]string, len(xs))
	for i, x := range xs {
		ids[i] = x.ID
	}
	return strings.Join(ids, ", ")
}

func parsePCEPI(fsys fs.FS, d string) ([]cw.Batch, error) {
	prov := cw.Provenance{ID: SourcePCEPI, Provider: "FRED (Federal Reserve Bank of St. Louis)", Location: d + "/PCEPI.csv",
		FetchedAt: time.Date(2026, 7, 30, 0, 0, 0, 0, time.UTC), Licence: licence,
		Note: "FRED PCEPI (headline PCE price index, BEA) as bundled by the Thecoderstef repository (vintage about 2026-07-30): latest revised values dated on the reference month, not the release date."}
	b := cw.Batch{Source: prov, Entities: []cw.Entity{entity(PCE)}}
	s := rawfile.NewSeries(SourcePCEPI)
	if _, _, err := readCSV(fsys, path.Join(d, "PCEPI.csv"), "date", "PCEPI", PCE, s, map[time.Time]float64{}); err != nil {
		return nil, err
	}
	b.Observations = s.Obs()
	return []cw.Batch{b}, nil
}

// parseMoltovy reads fred-moltovy: DFF__daily.csv (date,value, every calendar day) and the
// repository's fred_series_metadata.csv, whose DFF row must say the file is in percent and gives
// the vintage (last_updated). The metadata lists series whose files the folder does not hold;
// only DFF's row is read.
func parseMoltovy(fsys fs.FS, d string) ([]cw.Batch, error) {
	metaName := path.Join(d, "fred_series_metadata.csv")
	meta, err := rawfile.ReadCSV(fsys, metaName, ',', "id", "title", "units", "frequency", "last_updated")
	if err != nil {
		return nil, fmt.Errorf("fred: %w", err)
	}
	row := -1
	for i := range meta.Rows {
		if meta.Get(i, "id") == FedFundsDaily.ID {
			if row >= 0 {
				return nil, meta.Err(i, "id", fmt.Errorf("a second %s row (first at line %d)", FedFundsDaily.ID, meta.Lines[row]))
			}
			row = i
		}
	}
	if row < 0 {
		return nil, fmt.Errorf("%s: no %s row: the metadata does not describe DFF__daily.csv", metaName, FedFundsDaily.ID)
	}
	if u := meta.Get(row, "units"); u != "%" {
		return nil, meta.Err(row, "units", fmt.Errorf("%s is in %s, not percent", FedFundsDaily.ID, cw.Quote(u)))
	}
	updated, err := rawfile.ParseDayPrefix(meta.Get(row, "last_updated"))
	if err != nil {
		return nil, meta.Err(row, "last_updated", err)
	}
	prov := cw.Provenance{ID: SourceDFF, Provider: "FRED (Federal Reserve Bank of St. Louis)", Location: d + "/DFF__daily.csv",
		FetchedAt: updated, Licence: licence,
		Note: "FRED DFF (" + meta.Get(row, "title") + ", " + meta.Get(row, "frequency") + ") as bundled by the moltovy repository, FRED vintage of " + cw.DayString(updated) +
			": the effective rate on every calendar day, a weekend or holiday carrying the previous business day's rate; kept from 2009 on. The same rate as EFFR on every business day; the report prefers EFFR from the later fred_cache.json where both exist."}
	b := cw.Batch{Source: prov, Entities: []cw.Entity{entity(FedFundsDaily)}}
	s := rawfile.NewSeries(SourceDFF)
	name := path.Join(d, "DFF__daily.csv")
	days, lines, err := readCSV(fsys, name, "date", "value", FedFundsDaily, s, map[time.Time]float64{})
	if err != nil {
		return nil, err
	}
	// A series of every calendar day: a missing row means a cut or edited file.
	if err := rawfile.CheckNoGaps(name, days, lines, nil); err != nil {
		return nil, err
	}
	if len(s.Obs()) == 0 {
		return nil, fmt.Errorf("%s: no value on or after %s (truncated?)", name, cw.DayString(cw.FirstDay))
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
