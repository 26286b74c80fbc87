// Package farside is the spot crypto ETF flow tables Farside Investors publishes (farside.co.uk),
// bundled from the moltovy research repository (raw/SOURCES.md): one row per US trading day, one
// column per fund and a total, in US$ millions. Farside has no API (its pages sit behind a
// browser challenge); SoSoValue's keyed API and DefiLlama's Pro ETF routes are the live
// alternatives, not fetched here.
//
// Stored per trading day: etf_flow_usd (net creations minus redemptions, USD) of each fund
// (fund:<ticker>) and of each asset's total (index:spot-etf-<asset>). An empty cell is "-" on
// the site (no flow published, or not launched yet): no observation, never a zero.
//
// Until mid-2025 the tables carry a row for each US market holiday (2024-12-25, 2025-01-09, …)
// with every fund cell empty and a Total of 0.0. No fund traded, so that Total is not a day of
// zero flow: such rows are not stored, as the later tables (which leave holidays out) do.
package farside

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/rawfile"
)

const (
	// Name is the provider's name.
	Name = "farside"
	// SourceFlows names the bundled daily flow tables.
	SourceFlows cw.SourceID = "farside-etf-flows"
	// MetricFlow is a fund's (or an asset's funds') net flow on one trading day, in USD.
	MetricFlow = cw.MetricETFFlow
	// DefFlow is the catalogue's definition of the series.
	DefFlow cw.DefinitionID = "etf.flow.farside"

	dir     = "farside-etf-moltovy"
	licence = "none stated (moltovy repository); data © Farside Investors, used with attribution"
)

// Files are the bundled tables by asset, with the header of their date column.
var files = []struct{ asset, file, dateCol string }{
	{"btc", "bitcoin_etf_flow_all_data.csv", "Date"},
	{"eth", "ethereum_etf_flow_all_data.csv", "Date"},
	{"sol", "farside_sol_etf_flows__daily.csv", "date"},
}

// TotalEntity is the entity of an asset's total spot ETF flow ("index:spot-etf-btc").
func TotalEntity(asset string) string { return cw.ETFTotalEntity(asset) }

// FundEntity is a fund's entity ("fund:ibit").
func FundEntity(ticker string) string { return cw.ETFFundEntity(ticker) }

func init() {
	cw.RegisterFamily(cw.FileFamily{Dir: dir, Parse: parse})
	cw.RegisterProvider(cw.Provider{Name: Name, Order: 110, Sources: []cw.SourceID{SourceFlows}})
	cw.RegisterDefinition(cw.Definition{ID: DefFlow, Source: SourceFlows, Metric: MetricFlow,
		Text: "Net flow (creations minus redemptions) of US spot ETFs in USD per US trading day, as Farside Investors publishes it; a week's flow sums its trading days."})
}

func parse(fsys fs.FS, d string) ([]cw.Batch, error) {
	prov := cw.Provenance{ID: SourceFlows, Provider: "Farside Investors", Location: d + "/*.csv",
		FetchedAt: time.Date(2026, 4, 12, 0, 0, 0, 0, time.UTC), Licence: licence,
		Note: "Farside's daily spot ETF flow tables (BTC from 2024-01-11, ETH from 2024-07-23, SOL from 2026-03-25, all to 2026-04-10) in US$ millions, stored in USD; US trading days only; '-' cells are not stored, nor the Total of a market holiday's row (every fund cell empty)."}
	b := cw.Batch{Source: prov}
	s := rawfile.NewSeries(SourceFlows)
	found := 0
	for _, x := range files {
		name := path.Join(d, x.file)
		if _, err := fs.Stat(fsys, name); err != nil {
			continue
		}
		found++
		f, err := rawfile.ReadCSV(fsys, name, ',', x.dateCol, "Total")
		if err != nil {
			return nil, fmt.Errorf("farside: %w", err)
		}
		if len(f.Rows) == 0 {
			return nil, fmt.Errorf("%s: no data rows", name)
		}
		total := TotalEntity(x.asset)
		b.Entities = append(b.Entities, cw.ETFTotal(x.asset))
		var funds []string
		for c, h := range f.Header {
			if h = strings.TrimSpace(h); h != x.dateCol && h != "Total" {
				// A column header becomes a fund's ID and name: a ticker, nothing else (an
				// empty one from a trailing comma, markup, spaces).
				if !isTicker(h) {
					return nil, fmt.Errorf("%s:1: column %d: %s is not a fund ticker (1-16 letters, digits, '.' or '-')", name, c+1, cw.Quote(h))
				}
				funds = append(funds, h)
				b.Entities = append(b.Entities, cw.ETFFund(h, x.asset))
			}
		}
		for i := range f.Rows {
			day, err := rawfile.ParseDayPrefix(f.Get(i, x.dateCol))
			if err != nil {
				return nil, f.Err(i, x.dateCol, err)
			}
			if holiday(f, i, funds) {
				v, err := f.Plain(i, "Total")
				if err != nil {
					return nil, err
				}
				if v != 0 {
					return nil, f.Err(i, "Total", fmt.Errorf("every fund cell is empty but the total is %s, not 0.0", cw.Quote(f.Get(i, "Total"))))
				}
				continue
			}
			for _, col := range append(funds, "Total") {
				cell := f.Get(i, col)
				if cell == "" || cell == "-" {
					continue
				}
				v, err := f.Plain(i, col)
				if err != nil {
					return nil, err
				}
				id := total
				if col != "Total" {
					id = FundEntity(col)
				}
				if err := s.Add(id, MetricFlow, day, v*1e6, rawfile.At(f.Name, f.Lines[i])); err != nil {
					return nil, err
				}
			}
		}
	}
	if found == 0 {
		return nil, fmt.Errorf("%s: none of the flow tables (%s, …)", d, files[0].file)
	}
	b.Observations = s.Obs()
	return []cw.Batch{b}, nil
}

// holiday reports a row of a market holiday: no fund has a cell.
func holiday(f *rawfile.CSVFile, i int, funds []string) bool {
	for _, c := range funds {
		if cell := f.Get(i, c); cell != "" && cell != "-" {
			return false
		}
	}
	return true
}

// isTicker accepts a fund ticker as Farside's headers write them ("IBIT", "BRK.B"-like).
func isTicker(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}
