package defillama

// DefiLlama file families (see raw/SOURCES.md for origins). Quirks found in the real files and
// how each parser treats them:
//
//   - defillama-stablecoins-pairie-koh: 282 coin columns, of which 12 pairs differ only by letter
//     case (USDe/USDE, USDf/USDF, aUSD/AUSD, sUSD/SUSD, …) and so share a NormKey. They are
//     different coins. The column that comes first in the file keeps stablecoin:<key>; each later
//     column with the same key gets stablecoin:<key>-2 (-3, …) and an Attrs["key_collision"] note.
//     Symbol always keeps the column exactly as written, so a symbol join stays case-exact. Note that
//     the file orders columns roughly by listing date, not size: stablecoin:usdf is the older USDF
//     (peak 0.15 B) and the larger USDf (peak 1.09 B) is stablecoin:usdf-2; stablecoin:ausd is aUSD
//     (3.4 M) and AUSD (175 M) is stablecoin:ausd-2. Ethena-sized USDe comes before USDE and keeps
//     stablecoin:usde.
//     MXNT's column is empty on every day: the entity is kept, it has no observations.
//   - defillama-totals-dylanlayden: defi_tvl.csv is 0 from 2017-09-27 to 2018-02-11; those zeros are
//     the upstream's values and are kept.
//   - defillama-chain-tvl-pairie-koh: no gaps or duplicates in the real file; both are errors.
//   - Numbers in the CSV files are machine-written: rawfile.ParsePlain, no display forms.
//   - defillama-charts-solana-KetchupJL: 12-hour bins; in the real file the 12:00 bin always repeats
//     that day's 00:00 value, so the 00:00 bin is taken and a 12:00 bin that differs from it by more
//     than rounding is an error. The first day (2024-11-30) has only its 12:00 bin, which is taken.
//   - defillama-protocols-bma-d/lite-protocols2.json: "mETH Protocol" is listed twice (Liquid Staking,
//     then Liquid Restaking). The first listing wins and the later ones are recorded on the kept
//     entity in Attrs["duplicate_listings"], never dropped without trace. Three protocols (Market,
//     Pinjam Labs, Joltify RWA) have a small negative snapshot tvl; it is an attribute, not an
//     observation, and is kept as DefiLlama published it.
//   - defillama-protocols-bma-d/protocols/*.json: trimmed /protocol/{slug} responses (name, tvl,
//     currentChainTvls only), decoded by the live connector's DecodeProtocol so both keep the same
//     days. Every series but three ends with an intraday point (e.g. 2025-12-19 19:50:23) after
//     that day's 00:00 point; it is DefiLlama's live "current" value and is dropped. Save's first
//     point is at 23:00 UTC and is kept on its UTC day. 14 of the 38 series have gaps (Nirvana V1
//     lacks 2024-07-20..2025-06-05); DefiLlama did not fill them, so they stay gaps: no error, no
//     invented values. Five files (Aptin Finance, Carrot, Drift, Suilend Protocol, Thala) have names
//     that are not in the lite list; they look like DefiLlama parent protocols (the list has the
//     children "Suilend", "Drift Trade", "Thala CDP", … with different TVLs). They keep their own IDs
//     and are not joined to the list by guesswork; the files have no parentProtocol, so parents
//     come from slugs (LinkParentsBySlug).
//   - Chain labels in every file go through the connector's table (chains.go): chain entities are
//     named by DefiLlama's current label ("OP Mainnet"), protocol chain lists likewise.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/rawfile"
)

const (
	dlStablecoinsDir  = "defillama-stablecoins-pairie-koh"
	dlStablecoinsFile = "Raw-Data All Stablecoin Supplies.csv"

	dlTotalsDir         = "defillama-totals-dylanlayden"
	dlTotalsTVLFile     = "defi_tvl.csv"
	dlTotalsStableFile  = "stablecoin_supply.csv"
	dlChainTVLDir       = "defillama-chain-tvl-pairie-koh"
	dlChainTVLFile      = "chain_tvl_historical_long.csv"
	dlSolanaDir         = "defillama-charts-solana-KetchupJL"
	dlSolanaFile        = "tvl.csv"
	dlProtocolsDir      = "defillama-protocols-bma-d"
	dlProtocolsListFile = "lite-protocols2.json"
	dlProtocolsSubdir   = "protocols"

	dlLicence = "none stated; data © DefiLlama"
)

func init() {
	cw.RegisterFamily(cw.FileFamily{Dir: dlStablecoinsDir, Parse: parseDefiLlamaStablecoins})
}
func init() { cw.RegisterFamily(cw.FileFamily{Dir: dlTotalsDir, Parse: parseDefiLlamaTotals}) }
func init() { cw.RegisterFamily(cw.FileFamily{Dir: dlChainTVLDir, Parse: parseDefiLlamaChainTVL}) }
func init() { cw.RegisterFamily(cw.FileFamily{Dir: dlSolanaDir, Parse: parseDefiLlamaSolanaCharts}) }
func init() { cw.RegisterFamily(cw.FileFamily{Dir: dlProtocolsDir, Parse: parseDefiLlamaProtocols}) }

func dlDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// dlDayCol parses a YYYY-MM-DD column.
func dlDayCol(f *rawfile.CSVFile, i int, col string) (time.Time, error) {
	d, err := cw.ParseDay(f.Get(i, col))
	if err != nil {
		return time.Time{}, f.Err(i, col, err)
	}
	return d, nil
}

// ---------------------------------------------------------------------------------------------
// Stablecoins per coin (wide).

func parseDefiLlamaStablecoins(fsys fs.FS, dir string) ([]cw.Batch, error) {
	name := path.Join(dir, dlStablecoinsFile)
	f, err := rawfile.ReadCSV(fsys, name, ',', "Timestamp", "Date")
	if err != nil {
		return nil, fmt.Errorf("defillama stablecoins: %w", err)
	}
	prov := cw.Provenance{
		ID:        SourceStablecoins,
		Provider:  "DefiLlama",
		Location:  dlStablecoinsDir + "/" + dlStablecoinsFile,
		FetchedAt: dlDay(2025, 8, 4), // the export is area-chart-data-2025-08-04.csv
		Licence:   dlLicence,
		Note: "pairie-koh/Wrapped-Stablecoins-and-DeFi-Risk-Dataset@64e8741fc3a249daf356e068525168090f83f0d1:" +
			"Stablecoin Daily Supply Data/Raw-Data All Stablecoin Supplies.csv, the CSV export of the defillama.com/stablecoins " +
			"area chart (area-chart-data-2025-08-04.csv). Circulating supply in USD per coin; an empty cell means the coin did not exist that day. " +
			"Column names that differ only by case are different coins: the later one gets a -2 suffix on its ID (Symbol keeps the exact column).",
	}
	type coin struct {
		col int
		id  string
		sym string
	}
	var coins []coin
	var ents []cw.Entity
	firstCol := map[string]string{} // NormKey -> first column with that key
	used := map[string]bool{}
	for c, h := range f.Header {
		h = strings.TrimSpace(h)
		if h == "Timestamp" || h == "Date" {
			continue
		}
		if h == "" {
			return nil, &rawfile.LineError{File: f.Name, Line: 1, Err: fmt.Errorf("column %d has an empty name", c+1)}
		}
		if _, ok := firstCol[cw.NormKey(h)]; !ok {
			firstCol[cw.NormKey(h)] = h
		}
	}
	for c, h := range f.Header {
		h = strings.TrimSpace(h)
		if h == "Timestamp" || h == "Date" {
			continue
		}
		key := cw.NormKey(h)
		e := cw.Entity{Kind: cw.KindStablecoin, Symbol: h}
		if !used[key] {
			used[key] = true
		} else {
			// A later column whose key collides by case: first free -N suffix that is not itself
			// another column's key.
			n := 2
			for ; used[fmt.Sprintf("%s-%d", key, n)] || firstCol[fmt.Sprintf("%s-%d", key, n)] != ""; n++ {
			}
			first := firstCol[key]
			key = fmt.Sprintf("%s-%d", key, n)
			used[key] = true
			e.Attrs = map[string]string{"key_collision": fmt.Sprintf("column %q normalizes like earlier column %q; this one is given the -%d suffix", h, first, n)}
		}
		e.ID = string(cw.KindStablecoin) + ":" + key
		coins = append(coins, coin{col: c, id: e.ID, sym: h})
		ents = append(ents, e)
	}
	if len(coins) == 0 {
		return nil, &rawfile.LineError{File: f.Name, Line: 1, Err: errors.New("no stablecoin columns after Timestamp, Date (schema drift?)")}
	}
	s := rawfile.NewSeries(prov.ID)
	days := make([]time.Time, 0, len(f.Rows))
	seenDay := map[time.Time]int{}
	for i, row := range f.Rows {
		day, err := dlDayCol(f, i, "Date")
		if err != nil {
			return nil, err
		}
		tsRaw := f.Get(i, "Timestamp")
		ts, err := strconv.ParseInt(tsRaw, 10, 64)
		if err != nil {
			return nil, f.Err(i, "Timestamp", fmt.Errorf("not unix seconds: %q", tsRaw))
		}
		if t := time.Unix(ts, 0).UTC(); !t.Equal(day) {
			return nil, f.Err(i, "Timestamp", fmt.Errorf("%d is %s, but Date is %s", ts, t.Format(time.RFC3339), cw.DayString(day)))
		}
		if prev, dup := seenDay[day]; dup {
			return nil, f.Err(i, "Date", fmt.Errorf("duplicate day %s (first at line %d)", cw.DayString(day), prev))
		}
		seenDay[day] = f.Lines[i]
		days = append(days, day)
		for _, c := range coins {
			cell := strings.TrimSpace(row[c.col])
			if cell == "" {
				continue // the coin did not exist that day
			}
			v, err := rawfile.ParsePlain(cell)
			if err != nil {
				return nil, f.Err(i, c.sym, err)
			}
			if err := rawfile.CheckNonNegative(f, i, c.sym, v); err != nil {
				return nil, err
			}
			if err := s.Add(c.id, cw.MetricCirculatingUSD, day, v, rawfile.At(f.Name, f.Lines[i])); err != nil {
				return nil, err
			}
		}
	}
	if len(days) == 0 {
		return nil, fmt.Errorf("%s: no data rows", f.Name)
	}
	if err := rawfile.CheckNoGaps(f.Name, days, f.Lines, nil); err != nil {
		return nil, err
	}
	return []cw.Batch{{Source: prov, Entities: ents, Observations: s.Obs()}}, nil
}

// ---------------------------------------------------------------------------------------------
// Totals: as_of,value,status files.

func parseDefiLlamaTotals(fsys fs.FS, dir string) ([]cw.Batch, error) {
	const origin = "dylanlayden/finance-terminal@b562d735e638516c3af8f97f9abc0a7e1b5189b6"
	refreshed := dlDay(2026, 8, 21)
	tvl, err := dlParseAsOfFile(fsys, path.Join(dir, dlTotalsTVLFile), cw.Provenance{
		ID:        SourceDefiTVLLegacy,
		Provider:  "DefiLlama",
		Location:  dlTotalsDir + "/" + dlTotalsTVLFile,
		FetchedAt: refreshed,
		Licence:   dlLicence,
		Note: origin + ":data/defi_tvl.csv (data refresh 2026-08-21), from https://api.llama.fi/charts field totalLiquidityUSD: " +
			"DefiLlama's legacy /charts all-chains total. Not the default /v2/historicalChainTvl headline: its level is well above it " +
			"(239 B vs about 130-140 B on 2024-12-06) and appears to include liquid staking and double-counted TVL (not verified). " +
			"Stored with about 6 significant digits. Values are 0 until 2018-02-11 upstream.",
	}, cw.Entity{ID: EntityDefiTVL, Kind: cw.KindIndex, Name: "Total DeFi TVL"}, cw.MetricTVLLegacy)
	if err != nil {
		return nil, err
	}
	st, err := dlParseAsOfFile(fsys, path.Join(dir, dlTotalsStableFile), cw.Provenance{
		ID:        SourceStablecoinsTotal,
		Provider:  "DefiLlama",
		Location:  dlTotalsDir + "/" + dlTotalsStableFile,
		FetchedAt: refreshed,
		Licence:   dlLicence,
		Note: origin + ":data/stablecoin_supply.csv (data refresh 2026-08-21), from https://stablecoins.llama.fi/stablecoincharts/all " +
			"field totalCirculatingUSD.peggedUSD: total circulating supply of USD-pegged stablecoins only. Stored with about 6 significant digits.",
	}, cw.Entity{ID: EntityStablecoinsTotal, Kind: cw.KindIndex, Name: "Total USD-pegged stablecoin supply"}, cw.MetricCirculatingUSD)
	if err != nil {
		return nil, err
	}
	return []cw.Batch{tvl, st}, nil
}

func dlParseAsOfFile(fsys fs.FS, name string, prov cw.Provenance, ent cw.Entity, metric cw.Metric) (cw.Batch, error) {
	f, err := rawfile.ReadCSV(fsys, name, ',', "as_of", "value", "status")
	if err != nil {
		return cw.Batch{}, fmt.Errorf("defillama totals: %w", err)
	}
	s := rawfile.NewSeries(prov.ID)
	days := make([]time.Time, 0, len(f.Rows))
	for i := range f.Rows {
		day, err := dlDayCol(f, i, "as_of")
		if err != nil {
			return cw.Batch{}, err
		}
		if st := f.Get(i, "status"); st != "ok" {
			return cw.Batch{}, f.Err(i, "status", fmt.Errorf("status %q, want \"ok\"", st))
		}
		v, err := f.Plain(i, "value")
		if err != nil {
			return cw.Batch{}, err
		}
		if err := rawfile.CheckNonNegative(f, i, "value", v); err != nil {
			return cw.Batch{}, err
		}
		if err := s.Add(ent.ID, metric, day, v, rawfile.At(f.Name, f.Lines[i])); err != nil {
			return cw.Batch{}, err
		}
		days = append(days, day)
	}
	if len(days) == 0 {
		return cw.Batch{}, fmt.Errorf("%s: no data rows", f.Name)
	}
	if err := rawfile.CheckNoGaps(f.Name, days, f.Lines, nil); err != nil {
		return cw.Batch{}, err
	}
	return cw.Batch{Source: prov, Entities: []cw.Entity{ent}, Observations: s.Obs()}, nil
}

// ---------------------------------------------------------------------------------------------
// Chain TVL (v2 historicalChainTvl), long format.

func parseDefiLlamaChainTVL(fsys fs.FS, dir string) ([]cw.Batch, error) {
	name := path.Join(dir, dlChainTVLFile)
	f, err := rawfile.ReadCSV(fsys, name, ',', "date", "chain", "tvl")
	if err != nil {
		return nil, fmt.Errorf("defillama chain tvl: %w", err)
	}
	prov := cw.Provenance{
		ID:       SourceChainTVL,
		Provider: "DefiLlama",
		Location: dlChainTVLDir + "/" + dlChainTVLFile,
		// No commit date is recorded; the file's last day is 2025-08-02 and the same repo's
		// stablecoin export is dated 2025-08-04. The last day in the file is used.
		FetchedAt: dlDay(2025, 8, 2),
		Licence:   dlLicence,
		Note: "pairie-koh/Wrapped-Stablecoins-and-DeFi-Risk-Dataset@e934f569a2afd0d5d70adecdac39920feaa6179a:" +
			"TVL_Data/TVL_Daily/chain_tvl_historical_long.csv, built from api.llama.fi/v2/historicalChainTvl/{chain}: DefiLlama's default " +
			"chain TVL, which excludes liquid staking and double-counted TVL. Not comparable with the legacy /charts totals (metric tvl_legacy). " +
			"Fetch date not recorded; last day in the file (2025-08-02) used.",
	}
	s := rawfile.NewSeries(prov.ID)
	type chainDays struct {
		days  []time.Time
		lines []int
	}
	per := map[string]*chainDays{}
	var ents []cw.Entity
	for i := range f.Rows {
		raw := f.Get(i, "chain")
		if raw == "" {
			return nil, f.Err(i, "chain", errors.New("empty chain"))
		}
		day, err := dlDayCol(f, i, "date")
		if err != nil {
			return nil, err
		}
		v, err := f.Plain(i, "tvl")
		if err != nil {
			return nil, err
		}
		if err := rawfile.CheckNonNegative(f, i, "tvl", v); err != nil {
			return nil, err
		}
		e := ChainEntity(raw)
		cd := per[e.ID]
		if cd == nil {
			cd = &chainDays{}
			per[e.ID] = cd
			ents = append(ents, e)
		}
		if err := s.Add(e.ID, cw.MetricTVL, day, v, rawfile.At(f.Name, f.Lines[i])); err != nil {
			return nil, err
		}
		cd.days = append(cd.days, day)
		cd.lines = append(cd.lines, f.Lines[i])
	}
	if len(ents) == 0 {
		return nil, fmt.Errorf("%s: no data rows", f.Name)
	}
	for _, e := range ents {
		cd := per[e.ID]
		if err := rawfile.CheckNoGaps(f.Name, cd.days, cd.lines, nil); err != nil {
			return nil, fmt.Errorf("%s: %w", e.ID, err)
		}
	}
	return []cw.Batch{{Source: prov, Entities: ents, Observations: s.Obs()}}, nil
}

// ---------------------------------------------------------------------------------------------
// Solana legacy /charts/solana, 12-hour bins.

func parseDefiLlamaSolanaCharts(fsys fs.FS, dir string) ([]cw.Batch, error) {
	name := path.Join(dir, dlSolanaFile)
	f, err := rawfile.ReadCSV(fsys, name, ',', "timestamp", "tvl_usd")
	if err != nil {
		return nil, fmt.Errorf("defillama solana charts: %w", err)
	}
	prov := cw.Provenance{
		ID:       SourceChainTVLSolanaCharts,
		Provider: "DefiLlama",
		Location: dlSolanaDir + "/" + dlSolanaFile,
		// No commit date recorded; the file's last bin is 2025-05-29 00:00, used as the fetch day.
		FetchedAt: dlDay(2025, 5, 29),
		Licence:   "conflicting: the repo's LICENSE file says MIT, its README says CC BY-NC-ND 4.0; data © DefiLlama",
		Note: "KetchupJL/solana-qrf-interval-forecasting@24edea429e3adb4c83c48832096ccf254369edb6:data/tvl.csv, from " +
			"https://api.llama.fi/charts/solana: the LEGACY per-chain /charts total, a different definition from the default " +
			"/v2/historicalChainTvl chain TVL (metric tvl); do not compare Solana tvl_legacy with other chains' tvl. " +
			"Resampled by the repo into 12-hour bins; one value per day is taken (the 00:00 bin, or the only bin of the day; the 12:00 bin " +
			"repeats the 00:00 value in this file). Fetch date not recorded; last bin (2025-05-29) used.",
	}
	type dayBins struct {
		v    [2]float64
		line [2]int
		has  [2]bool
	}
	bins := map[time.Time]*dayBins{}
	var order []time.Time
	for i := range f.Rows {
		raw := f.Get(i, "timestamp")
		t, err := time.Parse("2006-01-02 15:04:05", raw)
		if err != nil {
			return nil, f.Err(i, "timestamp", fmt.Errorf("not a YYYY-MM-DD HH:MM:SS timestamp: %q", raw))
		}
		var slot int
		switch t.Format("15:04:05") {
		case "00:00:00":
			slot = 0
		case "12:00:00":
			slot = 1
		default:
			return nil, f.Err(i, "timestamp", fmt.Errorf("%q is not a 00:00 or 12:00 bin", raw))
		}
		v, err := f.Plain(i, "tvl_usd")
		if err != nil {
			return nil, err
		}
		if err := rawfile.CheckNonNegative(f, i, "tvl_usd", v); err != nil {
			return nil, err
		}
		day := cw.Day(t)
		b := bins[day]
		if b == nil {
			b = &dayBins{}
			bins[day] = b
			order = append(order, day)
		}
		if b.has[slot] {
			return nil, f.Err(i, "timestamp", fmt.Errorf("duplicate bin %s (first at line %d)", raw, b.line[slot]))
		}
		b.v[slot], b.line[slot], b.has[slot] = v, f.Lines[i], true
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("%s: no data rows", f.Name)
	}
	s := rawfile.NewSeries(prov.ID)
	days := make([]time.Time, 0, len(order))
	lines := make([]int, 0, len(order))
	for _, day := range order {
		b := bins[day]
		slot := 0
		if !b.has[0] {
			slot = 1
		} else if b.has[1] {
			// Both bins: in the real file they are always identical, so a difference beyond
			// rounding (1 USD, or 1e-9 relative) means the file is not what we checked.
			a, c := b.v[0], b.v[1]
			if math.Abs(a-c) > math.Max(1, 1e-9*math.Abs(a)) {
				return nil, &rawfile.LineError{File: f.Name, Line: b.line[1], Field: "tvl_usd",
					Err: fmt.Errorf("12:00 bin %v differs from the 00:00 bin %v (line %d) of %s", c, a, b.line[0], cw.DayString(day))}
			}
		}
		if err := s.Add(ChainEntityID("solana"), cw.MetricTVLLegacy, day, b.v[slot], rawfile.At(f.Name, b.line[slot])); err != nil {
			return nil, err
		}
		days = append(days, day)
		lines = append(lines, b.line[slot])
	}
	if err := rawfile.CheckNoGaps(f.Name, days, lines, nil); err != nil {
		return nil, err
	}
	return []cw.Batch{{Source: prov, Entities: []cw.Entity{ChainEntity("solana")}, Observations: s.Obs()}}, nil
}

// ---------------------------------------------------------------------------------------------
// Protocols: lite list and per-protocol TVL history.

const dlProtocolsOrigin = "bma-d/defillama-extract@e89c2a51dacf1e18a5339c8a5bfe6381058f61a8:api-cache/"

const dlProtocolsLicence = "none stated (README points to a LICENSE file that does not exist); data © DefiLlama"

func parseDefiLlamaProtocols(fsys fs.FS, dir string) ([]cw.Batch, error) {
	list, err := dlParseProtocolList(fsys, path.Join(dir, dlProtocolsListFile))
	if err != nil {
		return nil, err
	}
	hist, err := dlParseProtocolTVL(fsys, path.Join(dir, dlProtocolsSubdir))
	if err != nil {
		return nil, err
	}
	return []cw.Batch{list, hist}, nil
}

// dlLineAt gives the 1-based line of the first non-blank, non-comma byte at or after off.
func dlLineAt(data []byte, off int64) int {
	var c dlLines
	return c.at(data, off)
}

// dlLines finds the lines of increasing offsets, counting each newline once: counting from the
// file's start for each of 7,000 listings made the import quadratic.
type dlLines struct{ off, line int }

func (c *dlLines) at(data []byte, off int64) int {
	o := int(off)
	for o < len(data) && (data[o] == ' ' || data[o] == '\t' || data[o] == '\r' || data[o] == '\n' || data[o] == ',' || data[o] == ':') {
		o++
	}
	if o > len(data) {
		o = len(data)
	}
	if o < c.off {
		c.off, c.line = 0, 0
	}
	c.line += bytes.Count(data[c.off:o], []byte{'\n'})
	c.off = o
	return 1 + c.line
}

// dlJSONErr turns a decoding error into a LineError at the line where the value being decoded
// starts (encoding/json's own error offsets are relative to its internal buffer, not the file).
func dlJSONErr(name string, data []byte, start int64, field string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = errors.New("unexpected end of JSON")
	}
	return &rawfile.LineError{File: name, Line: dlLineAt(data, start), Field: field, Err: err}
}

type dlLiteProtocol struct {
	Name     *string  `json:"name"`
	Category *string  `json:"category"`
	TVL      *float64 `json:"tvl"`
	Chains   []string `json:"chains"`
	Oracles  []string `json:"oracles"`
	URL      string   `json:"url"`
}

// dlParseProtocolList reads lite-protocols2.json. Rule for names that normalize to the same ID:
// the first listing in file order is kept; each later one is not turned into a second entity but
// is recorded on the kept entity in Attrs["duplicate_listings"] ("<name> (category C, snapshot_tvl
// N, line L)", "; "-joined), so nothing is dropped silently.
func dlParseProtocolList(fsys fs.FS, name string) (cw.Batch, error) {
	data, err := rawfile.ReadFile(fsys, name)
	if err != nil {
		return cw.Batch{}, fmt.Errorf("defillama protocol list: %w", err)
	}
	prov := cw.Provenance{
		ID:        SourceProtocolsList,
		Provider:  "DefiLlama",
		Location:  dlProtocolsDir + "/" + dlProtocolsListFile,
		FetchedAt: dlDay(2025, 12, 19),
		Licence:   dlProtocolsLicence,
		Note: dlProtocolsOrigin + dlProtocolsListFile + ": trimmed DefiLlama protocol list (lite/protocols2 style), snapshot of about 2025-12-19. " +
			"Category, chains, oracles, url and current TVL (Attrs snapshot_tvl, USD, as published; a few are negative) per protocol; no history. " +
			"Names normalizing to the same ID: first listing kept, later ones noted in Attrs duplicate_listings.",
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return cw.Batch{}, dlJSONErr(name, data, 0, "", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return cw.Batch{}, &rawfile.LineError{File: name, Line: 1, Err: errors.New("top level is not a JSON array (schema drift?)")}
	}
	var ents []cw.Entity
	idx := map[string]int{}
	var lines dlLines
	for dec.More() {
		off := dec.InputOffset()
		line := lines.at(data, off)
		var p dlLiteProtocol
		if err := dec.Decode(&p); err != nil {
			return cw.Batch{}, dlJSONErr(name, data, off, "", err)
		}
		if p.Name == nil {
			return cw.Batch{}, &rawfile.LineError{File: name, Line: line, Field: "name", Err: errors.New("missing key (schema drift?)")}
		}
		if p.Category == nil {
			return cw.Batch{}, &rawfile.LineError{File: name, Line: line, Field: "category", Err: fmt.Errorf("missing key for %q (schema drift?)", *p.Name)}
		}
		if strings.TrimSpace(*p.Name) == "" {
			return cw.Batch{}, &rawfile.LineError{File: name, Line: line, Field: "name", Err: errors.New("empty name")}
		}
		if p.TVL != nil && (math.IsNaN(*p.TVL) || math.IsInf(*p.TVL, 0)) {
			return cw.Batch{}, &rawfile.LineError{File: name, Line: line, Field: "tvl", Err: fmt.Errorf("not finite: %v", *p.TVL)}
		}
		// A few snapshot TVLs are negative as published (kept), but none is beyond the
		// plausibility table's bound on any USD amount.
		if p.TVL != nil && math.Abs(*p.TVL) > cw.MaxUSD {
			return cw.Batch{}, &rawfile.LineError{File: name, Line: line, Field: "tvl", Err: fmt.Errorf("%g is beyond ±%g USD", *p.TVL, cw.MaxUSD)}
		}
		id := cw.EntityID(cw.KindProtocol, *p.Name)
		if k, dup := idx[id]; dup {
			desc := fmt.Sprintf("%s (category %s", *p.Name, *p.Category)
			if p.TVL != nil {
				desc += fmt.Sprintf(", snapshot_tvl %.0f", *p.TVL)
			}
			desc += fmt.Sprintf(", line %d)", line)
			a := ents[k].Attrs
			if prev := a["duplicate_listings"]; prev != "" {
				desc = prev + "; " + desc
			}
			a["duplicate_listings"] = desc
			continue
		}
		e := cw.Entity{
			ID:       id,
			Kind:     cw.KindProtocol,
			Name:     *p.Name,
			Category: *p.Category,
			Attrs:    map[string]string{"snapshot_date": "2025-12-19"},
		}
		e.Chains = ChainNames(p.Chains)
		if p.URL != "" {
			e.Attrs["url"] = p.URL
		}
		if p.TVL != nil {
			e.Attrs["snapshot_tvl"] = fmt.Sprintf("%.0f", *p.TVL)
		}
		if o := dlUniq(p.Oracles); len(o) > 0 {
			e.Attrs["oracles"] = strings.Join(o, ",")
		}
		idx[id] = len(ents)
		ents = append(ents, e)
	}
	if _, err := dec.Token(); err != nil { // closing ']'
		return cw.Batch{}, dlJSONErr(name, data, dec.InputOffset(), "", err)
	}
	if len(ents) == 0 {
		return cw.Batch{}, fmt.Errorf("%s: no protocols", name)
	}
	return cw.Batch{Source: prov, Entities: ents}, nil
}

// dlUniq drops repeated strings, keeping first-occurrence order (the list repeats some oracles,
// e.g. Thala CDP's "Pyth").
func dlUniq(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// dlParseProtocolTVL reads protocols/*.json, trimmed /protocol/{slug} responses, with the live
// connector's decoder (DecodeProtocol), so a bundled series keeps exactly the days a fetched one
// would: the 00:00 UTC point stands for its day, the final intraday "current" point is dropped,
// an off-grid point counts for its UTC day only when the day has no 00:00 point, and missing days
// stay missing (12 real series have such gaps; DefiLlama did not fill them). The slug is the file
// name; parents come from LinkParentsBySlug, as the files carry no parentProtocol.
func dlParseProtocolTVL(fsys fs.FS, dir string) (cw.Batch, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return cw.Batch{}, fmt.Errorf("defillama protocol tvl: %w (schema drift?)", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			files = append(files, e.Name())
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		return cw.Batch{}, fmt.Errorf("%s: no *.json protocol files", dir)
	}
	prov := cw.Provenance{
		ID:        SourceProtocolTVL,
		Provider:  "DefiLlama",
		Location:  dlProtocolsDir + "/" + dlProtocolsSubdir + "/*.json",
		FetchedAt: dlDay(2025, 12, 19),
		Licence:   dlProtocolsLicence,
		Note: dlProtocolsOrigin + "protocols/*.json: trimmed DefiLlama /protocol/{slug} responses for 38 Solana/Sui/Aptos-ecosystem protocols. " +
			"Metric tvl is the protocol's default TVL (totalLiquidityUSD; excludes borrowed, staking and pool2). Daily 00:00 UTC points; the final " +
			"intraday 'current' point is dropped. Some series have missing days that DefiLlama did not fill; they are left missing. " +
			"Five series (Aptin Finance, Carrot, Drift, Suilend Protocol, Thala) have names not in the protocol list; they appear to be parent protocols, not the list's children (e.g. Suilend, Drift Trade). " +
			"A file whose slug extends another's by a dash (drift-trade under drift) is recorded as that protocol's child, so a parent and its child are never ranked or summed together.",
	}
	var ents []cw.Entity
	var obs []cw.Observation
	var slugs []string
	owner := map[string]string{}
	for _, fn := range files {
		name := path.Join(dir, fn)
		data, err := rawfile.ReadFile(fsys, name)
		if err != nil {
			return cw.Batch{}, fmt.Errorf("defillama protocol tvl: %w", err)
		}
		slug := strings.TrimSuffix(fn, ".json")
		b, err := DecodeProtocol(data, slug)
		if err != nil {
			return cw.Batch{}, fmt.Errorf("%s: %w", name, err)
		}
		if len(b.Observations) == 0 {
			return cw.Batch{}, &rawfile.LineError{File: name, Line: 1, Field: "tvl", Err: errors.New("empty series")}
		}
		// The plausibility table, here where the file is known (Validate would name only the
		// family's folder).
		for _, o := range b.Observations {
			if err := cw.CheckDay(o.Day); err != nil {
				return cw.Batch{}, fmt.Errorf("%s: %s %s: %w", name, o.Entity, o.Metric, err)
			}
			if err := cw.CheckValue(o.Metric, o.Value); err != nil {
				return cw.Batch{}, fmt.Errorf("%s: %s %s %s: %w", name, o.Entity, o.Metric, cw.DayString(o.Day), err)
			}
		}
		e := b.Entities[0]
		if prev, dup := owner[e.ID]; dup {
			return cw.Batch{}, fmt.Errorf("%s: %q has the same ID %s as %s", name, e.Name, e.ID, prev)
		}
		owner[e.ID] = name
		ents = append(ents, e)
		slugs = append(slugs, slug)
		obs = append(obs, b.Observations...)
	}
	ptrs := make([]*cw.Entity, len(ents))
	for i := range ents {
		ptrs[i] = &ents[i]
	}
	LinkParentsBySlug(slugs, ptrs)
	return cw.Batch{Source: prov, Entities: ents, Observations: obs}, nil
}

func init() {
	cw.RegisterDefinition(cw.Definition{ID: DefTVLLegacyChartsChain, Source: SourceChainTVLSolanaCharts, Metric: cw.MetricTVLLegacy,
		Text: "DefiLlama legacy per-chain total (api.llama.fi/charts/{chain}); not the v2 definition used for the other chains."})
}
