package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestReportWeek20251010 runs a week after CoinMarketCap's snapshots end (2025-07-28) through the
// embedded bundle and checks what CoinGecko's daily top-100 pages, its category snapshots and the
// FRED cache give against the raw files, read here: every token return priced from the pages, every
// category market cap, and the market table's days and values.
func TestReportWeek20251010(t *testing.T) {
	needRaw(t)
	dir := t.TempDir()
	_, errs, code := runCLI(t, "report", "--db", filepath.Join(dir, "cw.duckdb"), "--week-end", "2025-10-10", "--out", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r doc
	b, err := os.ReadFile(filepath.Join(dir, "2025-10-10", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}

	// Tokens: the pages of Friday 2025-10-03 and Friday 2025-10-10 are the week's own ends.
	if r.Tokens.Source != "coingecko-top100-daily" || r.Tokens.From != "2025-10-03" || r.Tokens.To != "2025-10-10" || r.Tokens.Universe < 90 {
		t.Fatalf("tokens from %s %s→%s, %d tokens", r.Tokens.Source, r.Tokens.From, r.Tokens.To, r.Tokens.Universe)
	}
	pagePrice := func(day, symbol, name string) float64 {
		t.Helper()
		recs := readCSV(t, "coingecko-top100-daily-zeketests/prices_"+day+".csv", ',')
		var rows [][]string
		for _, rec := range recs[1:] {
			if rec[2] == symbol {
				rows = append(rows, rec)
			}
		}
		for _, rec := range rows {
			// The entity may carry CoinMarketCap's name ("Cosmos" for "Cosmos Hub"): a name
			// decides only between coins of one ticker.
			if len(rows) == 1 || rec[1] == name {
				v, err := strconv.ParseFloat(rec[3], 64)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
		}
		t.Fatalf("prices_%s.csv: no single %s (%s) row among %v", day, symbol, name, rows)
		return 0
	}
	checked := 0
	for _, tok := range append(append(r.Tokens.TopGainers, r.Tokens.TopLosers...), r.Tokens.MemeGainers...) {
		if tok.Source != "coingecko-top100-daily" {
			continue
		}
		p0, p1 := pagePrice(tok.From, tok.Symbol, tok.Name), pagePrice(tok.To, tok.Symbol, tok.Name)
		near(t, tok.Symbol+" start", tok.Start, p0)
		near(t, tok.Symbol+" end", tok.End, p1)
		near(t, tok.Symbol+" return", tok.Pct, (p1/p0-1)*100)
		checked++
	}
	if checked < 3 {
		t.Errorf("only %d listed tokens priced from the pages", checked)
	}

	// Categories: the snapshots of 2025-10-03 and 2025-10-10, every figure as the file has it.
	c := r.Categories
	if c.Unavailable != "" || c.From != "2025-10-03" || c.To != "2025-10-10" || len(c.Tracked) != 9 || len(c.Largest) != 10 {
		t.Fatalf("categories %s→%s, %d tracked, %d largest (%q)", c.From, c.To, len(c.Tracked), len(c.Largest), c.Unavailable)
	}
	snapshot := func(day string) map[string]float64 {
		t.Helper()
		names, _ := filepath.Glob(filepath.Join(rawDir, "coingecko-categories-Fedric-Reform", "CategoryPerformance__"+day+"__*.csv"))
		if len(names) != 1 {
			t.Fatalf("%s: %v", day, names)
		}
		rel, _ := filepath.Rel(rawDir, names[0])
		out := map[string]float64{}
		for _, rec := range readCSV(t, rel, ',')[1:] {
			if v, err := strconv.ParseFloat(rec[1], 64); err == nil {
				out[rec[0]] = v
			}
		}
		return out
	}
	s0, s1 := snapshot("2025-10-03"), snapshot("2025-10-10")
	for _, row := range append(c.Tracked, c.Largest...) {
		if row.Start == nil || row.End == nil {
			t.Errorf("%s: %+v", row.Label, row)
			continue
		}
		near(t, row.Label+" start", row.Start, s0[row.Label])
		near(t, row.Label+" end", row.End, s1[row.Label])
		near(t, row.Label+" %", row.Pct, (s1[row.Label]/s0[row.Label]-1)*100)
	}
	if c.Largest[0].Label != "Smart Contract Platform" || c.Tracked[0].Label != "Layer 1 (L1)" {
		t.Errorf("largest %s, first tracked %s", c.Largest[0].Label, c.Tracked[0].Label)
	}

	// FRED: the newest values public by Friday 2025-10-10 and by Friday 2025-10-03.
	checkMarkets(t, r.Macro, map[string][4]string{
		"DGS10": {"2025-10-10", "2025-10-03"},
		"EFFR":  {"2025-10-09", "2025-10-02"},
		"WALCL": {"2025-10-08", "2025-10-01"},
		"ICSA":  {"2025-10-04", "2025-09-27"},
	})
}
