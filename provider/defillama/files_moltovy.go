package defillama

// Bundled exports of DefiLlama's own dashboards (the moltovy research repository, see
// raw/SOURCES.md): the default (v2) total TVL and the all-chains DEX volume. They are the same
// definitions the live connector fetches (/v2/historicalChainTvl and /overview/dexs
// totalDataChart) but keep ids of their own: a store that holds both must not let the last
// writer decide a day's value or the provenance a figure cites (a re-import after an ingest
// would flip them). The sections prefer the live series and fall back to these.
//
// Real-data notes:
//   - tvl_all_chains_daily.csv: date,TVL from 2017-09-27 to 2026-04-14, no missing day (a gap is
//     an error); the first months are 0, as DefiLlama publishes them.
//   - all_dex_metrics__daily.csv: date, TVL, DEXs Volume, Perps Volume, Stablecoins Mcap from
//     2016-04-19. Early years skip days and some cells are empty (no value, not zero); from 2024
//     no day is missing (checked). The last row is the export day, a partial day: it is dropped.

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/rawfile"
)

const (
	// SourceDefiTVLExport and SourceDexVolumeExport name the bundled exports.
	SourceDefiTVLExport   cw.SourceID = "defillama-defi-tvl-export"
	SourceDexVolumeExport cw.SourceID = "defillama-dex-volume-export"
	// SourceChainTVLWeekly names the bundled weekly TVL of every chain (the last daily value of
	// each week ending Sunday).
	SourceChainTVLWeekly cw.SourceID = "defillama-chain-tvl-weekly"

	dlMolTVLDir    = "defillama-tvl-moltovy"
	dlMolTVLFile   = "tvl_all_chains_daily.csv"
	dlMolWeekly    = "tvl_by_chain_wide_weekly.csv"
	dlMolChainsNow = "tvl_chains_current.csv"
	dlMolDexDir    = "defillama-dex-moltovy"
	dlMolDexFile   = "all_dex_metrics__daily.csv"
	// MetricPerpsVolume is the perpetual futures volume of one UTC day, all chains.
	MetricPerpsVolume cw.Metric = "perps_volume"
)

// dlMolFetched is the repository commit the files were taken from (raw/SOURCES.md).
var dlMolFetched = time.Date(2026, 4, 21, 0, 0, 0, 0, time.UTC)

func init() {
	cw.RegisterFamily(cw.FileFamily{Dir: dlMolTVLDir, Parse: parseMoltovyTVL})
	cw.RegisterFamily(cw.FileFamily{Dir: dlMolDexDir, Parse: parseMoltovyDex})
}

func molProvenance(id cw.SourceID, file, note string) cw.Provenance {
	p := NewProvenance(id)
	p.Location = file
	p.FetchedAt = dlMolFetched
	p.Licence = dlLicence
	p.Note = note
	return p
}

func parseMoltovyTVL(fsys fs.FS, dir string) ([]cw.Batch, error) {
	name := path.Join(dir, dlMolTVLFile)
	f, err := rawfile.ReadCSV(fsys, name, ',', "date", "TVL")
	if err != nil {
		return nil, fmt.Errorf("defillama default tvl: %w", err)
	}
	s := rawfile.NewSeries(SourceDefiTVLExport)
	var days []time.Time
	for i := range f.Rows {
		day, err := dlDayCol(f, i, "date")
		if err != nil {
			return nil, err
		}
		v, err := f.Plain(i, "TVL")
		if err != nil {
			return nil, err
		}
		if err := rawfile.CheckNonNegative(f, i, "TVL", v); err != nil {
			return nil, err
		}
		if err := s.Add(EntityDefiTVL, cw.MetricTVL, day, v, rawfile.At(f.Name, f.Lines[i])); err != nil {
			return nil, err
		}
		days = append(days, day)
	}
	if len(days) == 0 {
		return nil, fmt.Errorf("%s: no data rows", f.Name)
	}
	if err := rawfile.CheckNoGaps(f.Name, days, f.Lines, nil); err != nil {
		return nil, err
	}
	prov := molProvenance(SourceDefiTVLExport, dir+"/"+dlMolTVLFile, notes[SourceDefiTVL]+
		" Bundled: DefiLlama's /v2/historicalChainTvl export in the moltovy research repository (2026-04-21), daily to 2026-04-14.")
	ent := cw.Entity{ID: EntityDefiTVL, Kind: cw.KindIndex, Name: "Total DeFi TVL"}
	out := []cw.Batch{{Source: prov, Entities: []cw.Entity{ent}, Observations: s.Obs()}}
	if _, err := fs.Stat(fsys, path.Join(dir, dlMolWeekly)); err == nil {
		b, err := parseMoltovyWeekly(fsys, dir)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// parseMoltovyWeekly reads the weekly TVL of every chain: one column per chain slug
// ("op_mainnet", "hyperliquid_l1"), the value of the week's last day, weeks ending on Sunday.
// Slugs map to the one chain table; a second column of a chain already read ("binance" after
// "bsc", the old label of the same chain) is left out and named in the note. The last row is a
// partial week and is dropped.
func parseMoltovyWeekly(fsys fs.FS, dir string) (cw.Batch, error) {
	name := path.Join(dir, dlMolWeekly)
	f, err := rawfile.ReadCSV(fsys, name, ',', "date")
	if err != nil {
		return cw.Batch{}, fmt.Errorf("defillama weekly chain tvl: %w", err)
	}
	if len(f.Rows) < 2 {
		return cw.Batch{}, fmt.Errorf("%s: no complete week", f.Name)
	}
	// Display names by slug, from the /v2/chains snapshot beside it where present.
	names := map[string]string{}
	// Only its absence is fine: a file that is there but unreadable is an error, not slugs.
	if cur, err := rawfile.ReadCSV(fsys, path.Join(dir, dlMolChainsNow), ',', "name"); err == nil {
		for i := range cur.Rows {
			n := cur.Get(i, "name")
			names[strings.ReplaceAll(strings.ToLower(n), " ", "_")] = n
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return cw.Batch{}, fmt.Errorf("defillama weekly chain tvl: chain names: %w", err)
	}
	var cols []string
	var ents []cw.Entity
	idOf := map[string]string{}
	taken := map[string]string{}
	var skipped []string
	for _, h := range f.Header {
		h = strings.TrimSpace(h)
		if h == "date" {
			continue
		}
		label := h
		if n, ok := names[h]; ok {
			label = n
		}
		e := ChainEntity(label)
		if first, dup := taken[e.ID]; dup {
			skipped = append(skipped, h+" (= "+first+")")
			continue
		}
		taken[e.ID], idOf[h] = h, e.ID
		cols = append(cols, h)
		ents = append(ents, e)
	}
	s := rawfile.NewSeries(SourceChainTVLWeekly)
	for i := range f.Rows[:len(f.Rows)-1] {
		day, err := dlDayCol(f, i, "date")
		if err != nil {
			return cw.Batch{}, err
		}
		if day.Weekday() != time.Sunday {
			return cw.Batch{}, f.Err(i, "date", fmt.Errorf("%s is a %s, want the Sunday ending a week", cw.DayString(day), day.Weekday()))
		}
		for _, c := range cols {
			if f.Get(i, c) == "" {
				continue
			}
			v, err := f.Plain(i, c)
			if err != nil {
				return cw.Batch{}, err
			}
			if err := rawfile.CheckNonNegative(f, i, c, v); err != nil {
				return cw.Batch{}, err
			}
			if err := s.Add(idOf[c], cw.MetricTVL, day, v, rawfile.At(f.Name, f.Lines[i])); err != nil {
				return cw.Batch{}, err
			}
		}
	}
	note := "DefiLlama default (v2) TVL of every chain, weekly: the value of the last day of each week ending Sunday, from the moltovy repository's /v2/historicalChainTvl/{chain} export (2026-04-21); the last, partial week is dropped."
	if len(skipped) > 0 {
		note += " Columns of a chain already read, left out: " + strings.Join(skipped, ", ") + "."
	}
	return cw.Batch{Source: molProvenance(SourceChainTVLWeekly, dir+"/"+dlMolWeekly, note), Entities: ents, Observations: s.Obs()}, nil
}

func parseMoltovyDex(fsys fs.FS, dir string) ([]cw.Batch, error) {
	s := rawfile.NewSeries(SourceDexVolumeExport)
	if err := readDexExport(fsys, path.Join(dir, dlMolDexFile), "DEXs Volume", "Perps Volume", EntityDexTotal, s); err != nil {
		return nil, err
	}
	// Per-chain DEX volume exists in the export only for Ethereum and Solana; their chain
	// dashboards' dex_volume is the same bar /overview/dexs/{chain} charts.
	ents := []cw.Entity{{ID: EntityDexTotal, Kind: cw.KindIndex, Name: "DEX volume, all chains (DefiLlama)"}}
	for _, c := range dlMolDexChains {
		if err := readDexExport(fsys, path.Join(dir, c.file), "dex_volume", "", ChainEntityID(c.name), s); err != nil {
			return nil, err
		}
		ents = append(ents, ChainEntity(c.name))
	}
	prov := molProvenance(SourceDexVolumeExport, dir+"/"+dlMolDexFile, notes[SourceDexVolume]+
		" Bundled: DefiLlama's all-chains dashboard export (DEXs Volume, Perps Volume columns; the same series as /overview/dexs totalDataChart) and the Ethereum and Solana chain dashboards' dex_volume in the moltovy research repository (2026-04-21); the export day's partial row is dropped.")
	return []cw.Batch{{Source: prov, Entities: ents, Observations: s.Obs()}}, nil
}

var dlMolDexChains = []struct{ file, name string }{
	{"ethereum_metrics__daily.csv", "Ethereum"},
	{"solana_metrics__daily.csv", "Solana"},
}

// readDexExport adds one dashboard export's daily DEX (and, where perpsCol is set, perps) volume
// of entity ent to s. The last row is the export day's partial day; from 2024 no day may be
// missing.
func readDexExport(fsys fs.FS, name, dexCol, perpsCol, ent string, s *rawfile.Series) error {
	cols := []string{"date", dexCol}
	if perpsCol != "" {
		cols = append(cols, perpsCol)
	}
	f, err := rawfile.ReadCSV(fsys, name, ',', cols...)
	if err != nil {
		return fmt.Errorf("defillama dex volume: %w", err)
	}
	if len(f.Rows) < 2 {
		return fmt.Errorf("%s: no complete day", f.Name)
	}
	var recent []time.Time
	var lines []int
	for i := range f.Rows[:len(f.Rows)-1] {
		day, err := dlDayCol(f, i, "date")
		if err != nil {
			return err
		}
		for _, c := range []struct {
			col string
			m   cw.Metric
		}{{dexCol, cw.MetricDEXVolume}, {perpsCol, MetricPerpsVolume}} {
			if c.col == "" || f.Get(i, c.col) == "" {
				continue // not reported that day
			}
			v, err := f.Plain(i, c.col)
			if err != nil {
				return err
			}
			if err := rawfile.CheckNonNegative(f, i, c.col, v); err != nil {
				return err
			}
			if err := s.Add(ent, c.m, day, v, rawfile.At(f.Name, f.Lines[i])); err != nil {
				return err
			}
		}
		if day.Year() >= 2024 {
			recent, lines = append(recent, day), append(lines, f.Lines[i])
		}
	}
	return rawfile.CheckNoGaps(f.Name, recent, lines, nil)
}
