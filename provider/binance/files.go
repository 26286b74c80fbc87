package binance

// The bundled Binance history (binance-zkasuran, MIT; see raw/SOURCES.md): daily spot candles of
// 16 majors from /api/v3/klines and the BTC and ETH funding history from /fapi/v1/fundingRate,
// the endpoint the live connector calls. Funding goes through the live decoder and daily rule
// (Decode, Daily), so a bundled day and a live day are the same number.
//
// Real-data notes: candles are quoted in USDT, not USD, and count Binance's volume only; XMR ends
// 2024-02-20 (delisted). Funding markPrice is empty before 2023-10-31 (not used). The files end
// 2026-06-06; a last day with fewer than three settlements is left out as incomplete.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/flexjson"
	"cryptoweekly/internal/rawfile"
)

const (
	fileDir = "binance-zkasuran"
	// SourceSpotDaily names the bundled daily spot closes (USDT-quoted).
	SourceSpotDaily cw.SourceID = "binance-spot-daily"
	// SourceFundingHistory names the bundled funding history: the live series' definition under
	// an id of its own, so a re-import never overwrites what an ingest stored, or the reverse.
	SourceFundingHistory cw.SourceID = "binance-funding-history"
	// MetricVolumeQuote is a day's traded volume in the quote currency (USDT).
	MetricVolumeQuote cw.Metric = "volume_quote"
	fileLicence                 = "MIT (binance-zkasuran repository); data © Binance"
)

var fileFetched = time.Date(2026, 6, 6, 0, 0, 0, 0, time.UTC)

func init() { cw.RegisterFamily(cw.FileFamily{Dir: fileDir, Parse: parseFiles}) }

func parseFiles(fsys fs.FS, dir string) ([]cw.Batch, error) {
	candles, err := fs.Glob(fsys, path.Join(dir, "*-1d.json"))
	if err != nil {
		return nil, err
	}
	funding, err := fs.Glob(fsys, path.Join(dir, "*-funding.json"))
	if err != nil {
		return nil, err
	}
	if len(candles) == 0 && len(funding) == 0 {
		return nil, fmt.Errorf("%s: no *-1d.json or *-funding.json file", dir)
	}
	sort.Strings(candles)
	sort.Strings(funding)
	var out []cw.Batch
	if len(candles) > 0 {
		b := cw.Batch{Source: cw.Provenance{ID: SourceSpotDaily, Provider: Provider, Location: dir + "/<coin>-1d.json", FetchedAt: fileFetched,
			Licence: fileLicence, Note: "Binance spot daily candles (/api/v3/klines, interval 1d, UTC days) of <COIN>USDT: close and quote volume, " +
				"quoted in USDT (not USD) and Binance's volume only."}}
		for _, name := range candles {
			ent, obs, err := parseCandles(fsys, name)
			if err != nil {
				return nil, err
			}
			b.Entities = append(b.Entities, ent)
			b.Observations = append(b.Observations, obs...)
		}
		out = append(out, b)
	}
	if len(funding) > 0 {
		b := cw.Batch{Source: cw.Provenance{ID: SourceFundingHistory, Provider: Provider, Location: dir + "/<coin>-funding.json", FetchedAt: fileFetched,
			Licence: fileLicence, Note: "Binance USD-M funding history (/fapi/v1/fundingRate) of BTCUSDT and ETHUSDT: mean of each UTC day's three 8-hour settlements; an incomplete day is left out."}}
		for _, name := range funding {
			sym := strings.ToUpper(strings.TrimSuffix(path.Base(name), "-funding.json")) + "USDT"
			body, err := rawfile.ReadFile(fsys, name)
			if err != nil {
				return nil, err
			}
			pts, err := Decode(body, sym)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if len(pts) == 0 {
				return nil, fmt.Errorf("%s: no settlement", name)
			}
			// The file's last day may be incomplete: Daily keeps days before the one after it.
			last := pts[0].Time
			for _, p := range pts {
				if p.Time.After(last) {
					last = p.Time
				}
			}
			days, err := Daily(pts, cw.Day(last).AddDate(0, 0, 1))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			ent := ContractEntity(sym)
			b.Entities = append(b.Entities, ent)
			for _, d := range sortedDays(days) {
				b.Observations = append(b.Observations, cw.Observation{Entity: ent.ID, Metric: MetricFundingRate, Day: d, Value: days[d], Source: SourceFundingHistory})
			}
		}
		out = append(out, b)
	}
	return out, nil
}

// parseCandles reads one coin's kline arrays: [open time ms, open, high, low, close, volume,
// close time, quote volume, …], numbers as strings.
func parseCandles(fsys fs.FS, name string) (cw.Entity, []cw.Observation, error) {
	body, err := rawfile.ReadFile(fsys, name)
	if err != nil {
		return cw.Entity{}, nil, err
	}
	var rows [][]json.RawMessage
	if err := json.Unmarshal(body, &rows); err != nil {
		return cw.Entity{}, nil, fmt.Errorf("%s: not an array of klines: %w", name, err)
	}
	coin := strings.TrimSuffix(path.Base(name), "-1d.json")
	id := cw.EntityID(cw.KindAsset, coin)
	s := rawfile.NewSeries(SourceSpotDaily)
	for i, r := range rows {
		where := fmt.Sprintf("%s: [%d]", name, i)
		if len(r) < 8 {
			return cw.Entity{}, nil, fmt.Errorf("%s: %d fields, want at least 8", where, len(r))
		}
		ms, err := strconv.ParseInt(string(bytes.TrimSpace(r[0])), 10, 64)
		if err != nil {
			return cw.Entity{}, nil, fmt.Errorf("%s: open time: not integer milliseconds", where)
		}
		t := time.UnixMilli(ms).UTC()
		if !t.Equal(cw.Day(t)) || t.Year() < 2017 {
			return cw.Entity{}, nil, fmt.Errorf("%s: open time %d is not a UTC day", where, ms)
		}
		// Every price and volume field must be a number, the stored ones (close, quote volume)
		// and the others alike: a row with a broken open or base volume is a broken row.
		for _, f := range []struct {
			idx int
			m   cw.Metric // "": checked, not stored
		}{{1, ""}, {2, ""}, {3, ""}, {4, cw.MetricClose}, {5, ""}, {7, MetricVolumeQuote}} {
			// Binance writes every amount as a JSON string; flexjson.String reads a plain one
			// without json.Unmarshal's reflection (six fields a row, tens of thousands of rows).
			raw := bytes.TrimSpace(r[f.idx])
			if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
				return cw.Entity{}, nil, fmt.Errorf("%s: field %d: not a numeric string", where, f.idx)
			}
			str := flexjson.String(raw)
			v, err := rawfile.ParsePlain(str)
			if err != nil || v < 0 {
				return cw.Entity{}, nil, fmt.Errorf("%s: field %d: %q is not a non-negative number", where, f.idx, clip(str))
			}
			if f.m == "" {
				continue
			}
			if err := s.Add(id, f.m, t, v, where); err != nil {
				return cw.Entity{}, nil, err
			}
		}
	}
	if len(rows) == 0 {
		return cw.Entity{}, nil, fmt.Errorf("%s: no candles", name)
	}
	return cw.Entity{ID: id, Kind: cw.KindAsset, Symbol: strings.ToUpper(coin)}, s.Obs(), nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ContractEntity describes a USDT-margined perpetual (symbol BTCUSDT), for every series of it:
// funding, open interest, and other providers' figures of the same contract.
func ContractEntity(sym string) cw.Entity {
	base := strings.TrimSuffix(sym, "USDT")
	return cw.Entity{ID: ContractID(sym), Kind: cw.KindContract, Symbol: sym + "_PERP.A",
		Name: base + " perpetual (Binance, USDT-margined)", Parent: cw.EntityID(cw.KindAsset, base),
		Attrs: map[string]string{"venue": "binance", "margin": "usdt"}}
}
