package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"cryptoweekly/report"
	"cryptoweekly/section/macro"
	"cryptoweekly/store/duckdb"
	"cryptoweekly/store/storetest"
)

const rawDir = "../../../shared/data/raw"

func needRaw(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(rawDir); err != nil {
		t.Skip("../shared/data/raw not present")
	}
}

// readCSV is deliberately independent of the importer: the expected figures below come straight
// from the raw files, so an importer or section bug cannot agree with itself.
func readCSV(t *testing.T, rel string, delim rune) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(rawDir, rel))
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	r.Comma = delim
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// lookup returns column `val` of the row whose columns match keys (column index → value).
func lookup(t *testing.T, recs [][]string, keys map[int]string, val int) float64 {
	t.Helper()
	for _, r := range recs[1:] {
		ok := true
		for c, v := range keys {
			ok = ok && strings.HasPrefix(r[c], v)
		}
		if ok {
			s := strings.NewReplacer("$", "", ",", "").Replace(r[val])
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%v: %v", keys, err)
			}
			return f
		}
	}
	t.Fatalf("no row %v", keys)
	return 0
}

func col(t *testing.T, recs [][]string, name string) int {
	for i, h := range recs[0] {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %s", name)
	return -1
}

func near(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: unavailable, want %v", what, want)
		return
	}
	if math.Abs(*got-want) > 1e-6*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v, want %v", what, *got, want)
	}
}

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

// TestReportWeek20241213 runs the whole path — embedded bundle → DuckDB → sections → Markdown and
// JSON — and checks the figures against values read independently from the raw files.
func TestReportWeek20241213(t *testing.T) {
	needRaw(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "cw.duckdb")
	out, errs, code := runCLI(t, "report", "--db", db, "--week-end", "2024-12-13", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, filepath.Join(dir, "2024-12-13", "report.md")) {
		t.Fatalf("output does not name the report: %q", out)
	}
	var r doc
	b, err := os.ReadFile(filepath.Join(dir, "2024-12-13", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}

	fng := readCSV(t, "alternativeme-fng-MuLancer/fear_and_greed_index_2.csv", ',')
	near(t, "F&G start", r.Sentiment.Index.Start, lookup(t, fng, map[int]string{0: "2024-12-06"}, 1))
	near(t, "F&G end", r.Sentiment.Index.End, lookup(t, fng, map[int]string{0: "2024-12-13"}, 1))
	if *r.Sentiment.Index.Start != 72 || *r.Sentiment.Index.End != 76 || r.Sentiment.EndZone != "Extreme Greed" {
		t.Errorf("F&G %v → %v (%s)", *r.Sentiment.Index.Start, *r.Sentiment.Index.End, r.Sentiment.EndZone)
	}
	if r.Sentiment.Max == nil || r.Sentiment.Max.Value != 83 || r.Sentiment.Min.Value != 74 {
		t.Errorf("F&G min/max = %+v %+v, want 74 and 83", r.Sentiment.Min, r.Sentiment.Max)
	}

	st := readCSV(t, "defillama-stablecoins-pairie-koh/Raw-Data All Stablecoin Supplies.csv", ',')
	for i, coin := range []string{"USDT", "USDC"} {
		c := r.Stablecoins.Coins[i]
		v0 := lookup(t, st, map[int]string{1: "2024-12-06"}, col(t, st, coin))
		v1 := lookup(t, st, map[int]string{1: "2024-12-13"}, col(t, st, coin))
		near(t, coin+" start", c.Start, v0)
		near(t, coin+" end", c.End, v1)
		near(t, coin+" net flow", c.Abs, v1-v0)
	}
	if s := report.USD(*r.Stablecoins.Coins[1].Start) + "→" + report.USD(*r.Stablecoins.Coins[1].End); s != "$40.20B→$41.52B" {
		t.Errorf("USDC = %s", s)
	}
	tot := readCSV(t, "defillama-totals-dylanlayden/stablecoin_supply.csv", ',')
	near(t, "stablecoin total end", r.Stablecoins.Total.End, lookup(t, tot, map[int]string{0: "2024-12-13"}, 1))
	// DeFi TVL: DefiLlama's default (v2) total is the headline, the legacy all-chains total a
	// second line.
	v2 := readCSV(t, "defillama-tvl-moltovy/tvl_all_chains_daily.csv", ',')
	near(t, "DeFi TVL start", r.DeFi.TotalTVL.Start, lookup(t, v2, map[int]string{0: "2024-12-06"}, 1))
	near(t, "DeFi TVL end", r.DeFi.TotalTVL.End, lookup(t, v2, map[int]string{0: "2024-12-13"}, 1))
	if r.DeFi.TotalTVL.Definition != "tvl.v2" {
		t.Errorf("DeFi TVL definition = %s", r.DeFi.TotalTVL.Definition)
	}
	tvl := readCSV(t, "defillama-totals-dylanlayden/defi_tvl.csv", ',')
	if r.DeFi.Legacy == nil || r.DeFi.Legacy.Definition != "tvl.legacy.all-chains" {
		t.Fatalf("legacy line = %+v", r.DeFi.Legacy)
	}
	near(t, "legacy TVL end", r.DeFi.Legacy.End, lookup(t, tvl, map[int]string{0: "2024-12-13"}, 1))

	// Chains: growth ranking recomputed from the raw long file plus the Solana 12h file.
	chains := readCSV(t, "defillama-chain-tvl-pairie-koh/chain_tvl_historical_long.csv", ',')
	growth := map[string]float64{}
	for _, c := range []string{"ethereum", "bsc", "arbitrum", "avalanche", "polygon", "optimism"} {
		v0 := lookup(t, chains, map[int]string{0: "2024-12-06", 1: c}, 2)
		v1 := lookup(t, chains, map[int]string{0: "2024-12-13", 1: c}, 2)
		if c == "ethereum" {
			for _, ch := range r.Chains.All {
				if ch.Entity == "chain:ethereum" {
					near(t, "ethereum start", ch.Start, v0)
					near(t, "ethereum end", ch.End, v1)
					if s := report.USD(*ch.Start) + "→" + report.USD(*ch.End); s != "$70.95B→$73.47B" {
						t.Errorf("ethereum = %s", s)
					}
				}
			}
		}
		if v1 >= 1e9 {
			growth[c] = v1/v0 - 1
		}
	}
	// Every other chain compares DefiLlama's weekly v2 values of the Sundays on or before each end
	// (2024-12-01 → 2024-12-08); Solana's daily series is the legacy /charts one, never ranked
	// among v2 chains, so it too is weekly here.
	wk := readCSV(t, "defillama-tvl-moltovy/tvl_by_chain_wide_weekly.csv", ',')
	for i, slug := range wk[0][1:] {
		if _, daily := growth[slug]; daily || slug == "binance" || slug == "op_mainnet" {
			continue // read daily above (op_mainnet is optimism; binance a second column of bsc)
		}
		var v0, v1 float64
		for _, row := range wk[1:] {
			switch row[0] {
			case "2024-12-01":
				v0, _ = strconv.ParseFloat(row[i+1], 64)
			case "2024-12-08":
				v1, _ = strconv.ParseFloat(row[i+1], 64)
			}
		}
		if v0 > 0 && v1 >= 1e9 {
			growth[strings.ReplaceAll(slug, "_", "-")] = v1/v0 - 1
		}
	}
	best, bestG := "", -1.0
	for c, g := range growth {
		if g > bestG {
			best, bestG = c, g
		}
	}
	if len(r.Chains.TopGrowth) != 5 || r.Chains.TopGrowth[0].Entity != "chain:"+best {
		t.Errorf("top chain = %+v, want %s", r.Chains.TopGrowth, best)
	}
	near(t, "top chain pct", r.Chains.TopGrowth[0].Pct, bestG*100)
	if r.Chains.Spotlight == nil || r.Chains.Spotlight.Chain.Entity != "chain:"+best {
		t.Errorf("spotlight = %+v", r.Chains.Spotlight)
	}

	// Tokens: the universe is the weekly snapshots 2024-12-02 → 2024-12-09 (latest on or before
	// each end); a token with Coinbase daily closes at both of the week's own ends is priced
	// over the exact week (BTC, ETH, LINK…), the others over the snapshot dates.
	if r.Tokens.From != "2024-12-02" || r.Tokens.To != "2024-12-09" || r.Tokens.BTC == nil {
		t.Fatalf("token window %s→%s, btc %v", r.Tokens.From, r.Tokens.To, r.Tokens.BTC)
	}
	cb, err := filepath.Glob(filepath.Join(rawDir, "market-smoothbrainquant", "coinbase_top200_daily_*.csv"))
	if err != nil || len(cb) != 1 {
		t.Fatalf("coinbase file: %v %v", cb, err)
	}
	rel, _ := filepath.Rel(rawDir, cb[0])
	candles := readCSV(t, rel, ',')
	b0 := lookup(t, candles, map[int]string{0: "2024-12-06", 1: "BTC/USD"}, 6)
	b1 := lookup(t, candles, map[int]string{0: "2024-12-13", 1: "BTC/USD"}, 6)
	near(t, "BTC return", r.Tokens.BTC.Pct, (b1/b0-1)*100)
	if r.Tokens.BTC.From != "2024-12-06" || r.Tokens.BTC.To != "2024-12-13" || r.Tokens.BTC.Source != "coinbase-daily" {
		t.Errorf("BTC priced %s→%s from %s, want the exact week from coinbase-daily", r.Tokens.BTC.From, r.Tokens.BTC.To, r.Tokens.BTC.Source)
	}
	// Aggregates never mix the two windows: with only some tokens priced over the exact week,
	// the altcoin median, BTC against it and every sector index compare the snapshot dates; the
	// Overview gives BTC's own return with its own dates.
	if r.Tokens.AltFrom != "2024-12-02" || r.Tokens.AltTo != "2024-12-09" || r.Tokens.BTCWindow == nil || *r.Tokens.BTCWindow == *r.Tokens.BTC.Pct {
		t.Errorf("altcoin window %s→%s, BTC there %v (own return %v)", r.Tokens.AltFrom, r.Tokens.AltTo, r.Tokens.BTCWindow, *r.Tokens.BTC.Pct)
	}
	for _, sec := range r.Sectors.Sectors {
		for _, c := range sec.Top {
			if c.From != r.Sectors.From || c.To != r.Sectors.To {
				t.Errorf("sector %s: %s compares %s→%s, the index %s→%s", sec.Name, c.Symbol, c.From, c.To, r.Sectors.From, r.Sectors.To)
			}
		}
	}
	if ov := strings.Join(r.Overview, "\n"); !strings.Contains(ov, "(2024-12-06 → 2024-12-13); over 2024-12-02 → 2024-12-09 BTC") {
		t.Errorf("Overview's BTC line does not date BTC's own return and the altcoins' window: %s", ov)
	}
	if len(r.Tokens.TopGainers) != 5 || len(r.Tokens.MemeGainers) == 0 {
		t.Errorf("gainers %d, memes %d", len(r.Tokens.TopGainers), len(r.Tokens.MemeGainers))
	}
	for _, g := range r.Tokens.TopGainers {
		if g.Volume24h < 10e6 || strings.HasPrefix(g.Symbol, "USD") || g.Symbol == "DOGE" || g.Symbol == "PEPE" {
			t.Errorf("gainer %s should have been excluded", g.Symbol)
		}
	}
	// Open interest: Binance BTC coin-margined perpetual.
	oi := readCSV(t, "market-smoothbrainquant/historical_open_interest_top10_since2020_20251026_040214.csv", ',')
	for _, c := range r.Derivatives.OpenInterest {
		if c.Entity == "asset:btc" {
			near(t, "BTC OI end", c.End, lookup(t, oi, map[int]string{3: "BTCUSD_PERP.A", 4: "2024-12-13"}, 9))
		}
	}
	// DEX volume: the week's 7 days against the 7 before, from DefiLlama's all-chains export.
	dex := readCSV(t, "defillama-dex-moltovy/all_dex_metrics__daily.csv", ',')
	var cur, prev float64
	for d := day0("2024-11-30"); !d.After(day0("2024-12-13")); d = d.AddDate(0, 0, 1) {
		v := lookup(t, dex, map[int]string{0: d.Format("2006-01-02")}, col(t, dex, "DEXs Volume"))
		if d.After(day0("2024-12-06")) {
			cur += v
		} else {
			prev += v
		}
	}
	near(t, "DEX volume this week", r.DEX.WeeklyVolume.End, cur)
	near(t, "DEX volume week before", r.DEX.WeeklyVolume.Start, prev)
	if r.DEX.YearHigh == nil {
		t.Errorf("no year-high check: %q", r.DEX.YearHighNote)
	}
	checkMacro(t, r.Macro)
	found := false
	for _, e := range r.Events.Upcoming {
		found = found || (e.Date == "2024-12-18" && e.Kind == "fomc")
	}
	if !found {
		t.Errorf("FOMC 2024-12-18 missing from next week's events: %+v", r.Events.Upcoming)
	}
	if len(r.Overview) < 4 || len(r.Overview) > 6 {
		t.Errorf("overview has %d bullets", len(r.Overview))
	}
	ids := map[string]bool{}
	for _, s := range r.Sources {
		ids[string(s.ID)] = true
		if s.Licence == "" {
			t.Errorf("source %s has no licence note", s.ID)
		}
	}
	for _, want := range []string{"alternativeme-fng", "defillama-stablecoins", "defillama-chain-tvl", "cmc-weekly-top100"} {
		if !ids[want] {
			t.Errorf("sources lack %s", want)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, "2024-12-13", "report.md"))
	for _, want := range []string{"## 1. Market sentiment", "$41.52B", "Sources and licences", "Unavailable:"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report.md lacks %q", want)
		}
	}

	// Default week: no --week-end picks the latest day every core series covers.
	out, errs, code = runCLI(t, "report", "--db", db, "--out", dir, "--format", "json")
	// DefiLlama's weekly chain values cover every chain on Sundays, so the default is the latest
	// Sunday all core series reach.
	if code != 0 || !strings.Contains(out, "2025-12-28") {
		t.Fatalf("default week: exit %d, out %q, err %s", code, out, errs)
	}
}

// TestImportBadInputLeavesStoreUnchanged feeds a raw folder with one malformed row and checks the
// error names the file and line and that the store did not change.
func TestImportBadInputLeavesStoreUnchanged(t *testing.T) {
	needRaw(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "cw.duckdb")
	if _, errs, code := runCLI(t, "import", "--db", db); code != 0 {
		t.Fatalf("import bundle: %s", errs)
	}
	countRows := func() string {
		s, err := duckdb.Open(db, duckdb.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		rows, err := storetest.Dump(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(rows, "\n")
	}
	before := countRows()
	src, err := os.ReadFile(filepath.Join(rawDir, "alternativeme-fng-MuLancer/fear_and_greed_index_2.csv"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, from, to, want string }{
		{"NaN value", "2024-12-13T00:00:00Z,76,", "2024-12-13T00:00:00Z,NaN,", "fear_and_greed_index_2.csv:"},
		{"malformed row", "2024-12-13T00:00:00Z,76,Extreme Greed", "2024-12-13T00:00:00Z,76", "fear_and_greed_index_2.csv:"},
		{"duplicate day", "2024-12-12T00:00:00Z,83,", "2024-12-13T00:00:00Z,83,", "duplicate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "raw")
			os.MkdirAll(filepath.Join(bad, "alternativeme-fng-MuLancer"), 0o755)
			mod := strings.Replace(string(src), c.from, c.to, 1)
			if mod == string(src) {
				t.Fatal("fixture edit did not apply")
			}
			// Make the rest of the file a fresh value so a partial write would show.
			mod = strings.ReplaceAll(mod, ",18,Extreme Fear", ",19,Extreme Fear")
			os.WriteFile(filepath.Join(bad, "alternativeme-fng-MuLancer", "fear_and_greed_index_2.csv"), []byte(mod), 0o644)
			_, errs, code := runCLI(t, "import", "--db", db, bad)
			if code == 0 || !strings.Contains(errs, c.want) || !strings.Contains(errs, "nothing was written") {
				t.Fatalf("exit %d, stderr %q; want an error naming %q", code, errs, c.want)
			}
			if after := countRows(); after != before {
				t.Fatalf("store changed: %d rows → %d rows", strings.Count(before, "\n")+1, strings.Count(after, "\n")+1)
			}
		})
	}
}

func TestCLIUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"nope"}, 2, "unknown command"},
		{[]string{"report", "--week-end", "13/12/2024", "--db", filepath.Join(t.TempDir(), "x.duckdb")}, 2, "--week-end"},
		{[]string{"report", "--format", "docx"}, 2, "unknown format"},
		{[]string{"report", "--top-n", "0"}, 2, "top-n"},
		// Defect 7: NaN switched the floor off and printed "$%!(BADPREC)NaN"; Inf failed only
		// after report.md was written; a negative -n listed every week.
		{[]string{"report", "--min-volume", "NaN"}, 2, "min-volume NaN out of range"},
		{[]string{"report", "--chain-min-tvl", "Inf"}, 2, "chain-min-tvl +Inf out of range"},
		{[]string{"report", "--sector-cap", "NaN"}, 2, "sector weight cap"},
		{[]string{"report", "--db", ""}, 1, "store: empty path"},
		{[]string{"weeks", "-n", "-5", "--db", filepath.Join(t.TempDir(), "x.duckdb")}, 2, "-n -5"},
		{[]string{"import", "--db", filepath.Join(t.TempDir(), "x.duckdb"), "/does/not/exist"}, 2, "not a folder"},
		{[]string{"report", "--help"}, 0, "-week-end string"},
	}
	for _, c := range cases {
		_, errs, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}

// TestReportICS merges a user's iCalendar file and URL into next week's events.
func TestReportICS(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cw.duckdb")
	ics := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=America/New_York:20241217T100000\r\nSUMMARY:Token unlock\\, big one\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	path := filepath.Join(dir, "desk.ics")
	os.WriteFile(path, []byte(ics), 0o644)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(ics, "20241217", "20241219"), "Token unlock", "ETF deadline")))
	}))
	defer srv.Close()
	_, errs, code := runCLI(t, "report", "--db", db, "--week-end", "2024-12-13", "--out", dir, "--format", "json", "--ics", path, "--ics", srv.URL+"/cal.ics")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r doc
	b, _ := os.ReadFile(filepath.Join(dir, "2024-12-13", "report.json"))
	json.Unmarshal(b, &r)
	var got []string
	for _, e := range r.Events.Upcoming {
		got = append(got, e.Date+" "+e.Time+" "+e.Title)
	}
	want := []string{"2024-12-17 10:00 Token unlock, big one", "2024-12-19 10:00 ETF deadline"}
	for _, w := range want {
		if !strings.Contains(strings.Join(got, "\n"), w) {
			t.Errorf("upcoming %q lacks %q", got, w)
		}
	}
	_, errs, code = runCLI(t, "report", "--db", db, "--week-end", "2024-12-13", "--out", dir, "--ics", filepath.Join(dir, "missing.ics"))
	if code == 0 || !strings.Contains(errs, "missing.ics") {
		t.Errorf("missing ics: exit %d, %s", code, errs)
	}
}

// TestReportNotes: analyst notes for the week become the outlook, as written.
func TestReportNotes(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.md")
	os.WriteFile(notes, []byte("- Watch the FOMC dot plot on **Dec 18**.\n- ETH/BTC at a 3-year low.\n"), 0o644)
	_, errs, code := runCLI(t, "report", "--db", filepath.Join(dir, "cw.duckdb"), "--week-end", "2024-12-13", "--out", dir, "--notes", notes)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "2024-12-13", "report.md"))
	if !bytes.Contains(md, []byte("- Watch the FOMC dot plot on **Dec 18**.")) || !bytes.Contains(md, []byte("From analyst notes")) {
		t.Errorf("outlook lacks the notes:\n%s", md[bytes.Index(md, []byte("## 12.")):])
	}
	var r doc
	b, _ := os.ReadFile(filepath.Join(dir, "2024-12-13", "report.json"))
	json.Unmarshal(b, &r)
	if r.Outlook.FromNotes != notes || len(r.Outlook.Items) != 0 {
		t.Errorf("outlook = %+v", r.Outlook)
	}
	// Notes are text like any other input: invalid UTF-8 is refused with the line.
	os.WriteFile(notes, []byte("- fine\n- ETH/BTC \xe9\n"), 0o644)
	_, errs, code = runCLI(t, "report", "--db", filepath.Join(dir, "cw.duckdb"), "--week-end", "2024-12-13", "--out", dir, "--notes", notes)
	if code != 2 || !strings.Contains(errs, "notes.md:2: invalid UTF-8") {
		t.Errorf("invalid UTF-8 notes: exit %d, %s", code, errs)
	}
}

// TestWeeks lists coverage per section and names the default week.
func TestWeeks(t *testing.T) {
	needRaw(t)
	db := filepath.Join(t.TempDir(), "cw.duckdb")
	out, errs, code := runCLI(t, "weeks", "--db", db, "--to", "2024-12-20", "-n", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "week end") || !strings.HasPrefix(lines[1], "2024-12-20") || !strings.HasPrefix(lines[2], "2024-12-13") {
		t.Fatalf("weeks output:\n%s", out)
	}
	for _, want := range []string{"full (2/2 coins)", "cmc-weekly-top100 2024-12-02→2024-12-09", "default week end (latest day every core series covers): 2025-12-28"} {
		if !strings.Contains(out, want) {
			t.Errorf("weeks output lacks %q:\n%s", want, out)
		}
	}
	// DEX and social are not in the bundled data: shown as absent, not guessed.
	if f := strings.Fields(lines[2]); f[len(f)-1] != "-" {
		t.Errorf("social should be '-' for 2024-12-13: %s", lines[2])
	}
}

// TestReportConfigFile: floors from the config file apply, unnamed ones keep their defaults, and
// flags win over the file.
func TestReportConfigFile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	os.WriteFile(cfg, []byte(`{"report": {"top_n": 3, "token_min_volume_24h_usd": 500000000}}`), 0o644)
	db := filepath.Join(dir, "cw.duckdb")
	read := func(args ...string) doc {
		t.Helper()
		args = append([]string{"report", "--db", db, "--week-end", "2024-12-13", "--out", dir, "--format", "json", "--config", cfg}, args...)
		if _, errs, code := runCLI(t, args...); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var r doc
		b, _ := os.ReadFile(filepath.Join(dir, "2024-12-13", "report.json"))
		json.Unmarshal(b, &r)
		return r
	}
	r := read()
	if len(r.Tokens.TopGainers) != 3 || len(r.Chains.TopGrowth) != 3 {
		t.Errorf("top_n from the file: %d gainers, %d chains", len(r.Tokens.TopGainers), len(r.Chains.TopGrowth))
	}
	for _, g := range r.Tokens.TopGainers {
		if g.Volume24h < 500e6 {
			t.Errorf("%s below the file's volume floor: %v", g.Symbol, g.Volume24h)
		}
	}
	settings := map[string]string{}
	for _, s := range r.Methodology.Settings {
		settings[s.Name] = s.Value
	}
	if settings["token 24h-volume floor (at the end snapshot)"] != "$500.00M" || settings["chain TVL floor"] != "$1.00B" {
		t.Errorf("methodology settings = %v", settings)
	}
	if r := read("--top-n", "2"); len(r.Tokens.TopGainers) != 2 {
		t.Errorf("--top-n 2 over the file: %d gainers", len(r.Tokens.TopGainers))
	}
	os.WriteFile(cfg, []byte(`{"report": {"top_n": "five"}}`), 0o644)
	if _, errs, code := runCLI(t, "report", "--db", db, "--config", cfg); code != 2 || !strings.Contains(errs, "report") {
		t.Errorf("bad config: exit %d, %s", code, errs)
	}
	// A misspelt floor is refused, not left at its default.
	os.WriteFile(cfg, []byte(`{"report": {"token_min_volum_24h_usd": 1e7}}`), 0o644)
	if _, errs, code := runCLI(t, "report", "--db", db, "--config", cfg); code != 2 || !strings.Contains(errs, `unknown field "token_min_volum_24h_usd"`) {
		t.Errorf("misspelt config field: exit %d, %s", code, errs)
	}
}

func day0(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }

// TestReportWeekOutsideData: a week with no stored day fails with the span the store covers
// (defect 10: 2099-01-02 and 2000-01-07 exited 0 with every section unavailable; 2010-01-01 did
// too while the check counted any stored day, FRED's rates from 1954 among them).
func TestReportWeekOutsideData(t *testing.T) {
	needRaw(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "cw.duckdb")
	for _, week := range []string{"2099-01-02", "2000-01-07", "2010-01-01"} { // 2010: only FRED's rates reach back there
		_, errs, code := runCLI(t, "report", "--db", db, "--week-end", week, "--out", dir)
		if code != 2 || !strings.Contains(errs, "no data that week; the store's data spans 2016-04-19..") {
			t.Errorf("--week-end %s: exit %d, stderr %q", week, code, errs)
		}
		if _, err := os.Stat(filepath.Join(dir, week)); err == nil {
			t.Errorf("--week-end %s: a report folder was written", week)
		}
	}
	_, errs, code := runCLI(t, "weeks", "--db", db, "--to", "2001-01-05")
	if code != 2 || !strings.Contains(errs, "the store's data spans") {
		t.Errorf("weeks --to 2001-01-05: exit %d, stderr %q", code, errs)
	}
}

// checkMacro checks the macro prints of the week ending 2024-12-13 against the raw FRED CSVs
// (read here, not by the importer) and the release dates the BLS and BEA published: CPI for
// November 2024 on 2024-12-11 (October's on 2024-11-13), the November Employment Situation on
// 2024-12-06 (October's on 2024-11-01), October's PCE on 2024-11-27 (September's, on
// 2024-10-31, is not in the events calendar, which the row must say).
func checkMacro(t *testing.T, m macro.Block) {
	t.Helper()
	val := func(file, day string) float64 {
		recs := readCSV(t, file, ',')
		return lookup(t, recs, map[int]string{0: day}, 1)
	}
	yoy := func(file, month string) float64 {
		y := month[:4]
		var yi int
		fmt.Sscanf(y, "%d", &yi)
		return (val(file, month+"-01")/val(file, fmt.Sprintf("%d%s-01", yi-1, month[4:])) - 1) * 100
	}
	want := []struct {
		label, file, month, released, prior, priorReleased string
	}{
		{"CPI", "fred-jonsflow/CPIAUCSL.csv", "2024-11", "2024-12-11", "2024-10", "2024-11-13"},
		{"Core CPI", "fred-jonsflow/CPILFESL.csv", "2024-11", "2024-12-11", "2024-10", "2024-11-13"},
		{"PCE price index", "fred-Thecoderstef/PCEPI.csv", "2024-10", "2024-11-27", "2024-09", ""},
		{"Core PCE price index", "fred-jonsflow/PCEPILFE.csv", "2024-10", "2024-11-27", "2024-09", ""},
		{"Nonfarm payrolls", "fred-jonsflow/PAYEMS.csv", "2024-11", "2024-12-06", "2024-10", "2024-11-01"},
		{"Unemployment rate", "fred-jonsflow/UNRATE.csv", "2024-11", "2024-12-06", "2024-10", "2024-11-01"},
	}
	if len(m.Indicators) != len(want) {
		t.Fatalf("macro indicators %+v", m.Indicators)
	}
	for i, w := range want {
		ind := m.Indicators[i]
		if ind.Label != w.label || ind.Last == nil || ind.Prior == nil {
			t.Errorf("indicator %d = %+v, want %s with two prints", i, ind, w.label)
			continue
		}
		if ind.Last.Month != w.month || ind.Last.Released != w.released || ind.Prior.Month != w.prior || ind.Prior.Released != w.priorReleased {
			t.Errorf("%s: last %s released %q, prior %s released %q; want %s %s, %s %q", w.label, ind.Last.Month, ind.Last.Released,
				ind.Prior.Month, ind.Prior.Released, w.month, w.released, w.prior, w.priorReleased)
		}
		if w.priorReleased == "" && !strings.Contains(ind.Prior.ReleaseNote, "not in the events calendar") {
			t.Errorf("%s: prior release note %q", w.label, ind.Prior.ReleaseNote)
		}
		switch ind.Kind {
		case macro.Inflation:
			near(t, w.label+" YoY", ind.Last.YoY, yoy(w.file, w.month))
			near(t, w.label+" prior YoY", ind.Prior.YoY, yoy(w.file, w.prior))
		case macro.Payrolls:
			near(t, w.label+" change", ind.Last.ChangeK, val(w.file, w.month+"-01")-val(w.file, w.prior+"-01"))
		default:
			near(t, w.label, &ind.Last.Value, val(w.file, w.month+"-01"))
		}
	}
	// The desks' rounded figures for November 2024: CPI 2.7% y/y, core CPI 3.3% y/y; unemployment 4.2%.
	for i, s := range []string{"2.7% y/y", "3.3% y/y"} {
		if got := macro.Headline(macro.Inflation, m.Indicators[i].Last); !strings.HasPrefix(got, s) {
			t.Errorf("%s headline %q, want %s", m.Indicators[i].Label, got, s)
		}
	}
	if got := macro.Headline(macro.Rate, m.Indicators[5].Last); got != "4.2%" {
		t.Errorf("unemployment %q", got)
	}
	checkMarkets(t, m, map[string][4]string{
		// The newest public on Friday 2024-12-13 and on Friday 2024-12-06: a close on its day,
		// EFFR the next business day, WALCL (Wednesday) on Thursday, ICSA (Saturday) the
		// Thursday after.
		"DGS10": {"2024-12-13", "2024-12-06"},
		"EFFR":  {"2024-12-12", "2024-12-05"},
		"WALCL": {"2024-12-11", "2024-12-04"},
		"ICSA":  {"2024-12-07", "2024-11-30"},
	})
	// The Fed cut to 4.50–4.75% at the meeting ending 2024-11-07, effective 2024-11-08.
	if f := m.Fed; f == nil || f.Lower != val("fred-jonsflow/DFEDTARL.csv", "2024-12-13") || f.Upper != val("fred-jonsflow/DFEDTARU.csv", "2024-12-13") ||
		f.Upper != 4.75 || f.Since != "2024-11-08" || f.PriorUpper == nil || *f.PriorUpper != 5 || f.Decision != "2024-11-07" {
		t.Errorf("fed = %+v", m.Fed)
	}
}

// fredCache reads one series of fred-jonsflow/fred_cache.json straight from the raw file.
func fredCache(t *testing.T, id string) map[string]float64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(rawDir, "fred-jonsflow", "fred_cache.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Series map[string][][2]any `json:"series"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, p := range c.Series[id] {
		if v, ok := p[1].(float64); ok {
			out[p[0].(string)] = v
		}
	}
	if len(out) == 0 {
		t.Fatalf("fred_cache.json has no %s", id)
	}
	return out
}

// checkMarkets checks rows of the rates, markets and liquidity table against the raw cache: the
// days each quotes (want: FRED id → last day, prior day) and the values on them (WALCL is
// published in millions and quoted in billions).
func checkMarkets(t *testing.T, m macro.Block, want map[string][4]string) {
	t.Helper()
	seen := 0
	for _, row := range m.Markets {
		w, ok := want[row.FredID]
		if !ok {
			continue
		}
		seen++
		if row.Last == nil || row.Prior == nil || row.Change == nil {
			t.Errorf("%s: %+v", row.FredID, row)
			continue
		}
		cache := fredCache(t, row.FredID)
		per := 1.0
		if row.FredID == "WALCL" {
			per = 1000
		}
		if row.Last.Day != w[0] || row.Prior.Day != w[1] {
			t.Errorf("%s: quotes %s against %s, want %s against %s", row.FredID, row.Last.Day, row.Prior.Day, w[0], w[1])
		}
		last, prior := cache[w[0]]/per, cache[w[1]]/per
		near(t, row.FredID+" last", &row.Last.Value, last)
		near(t, row.FredID+" prior", &row.Prior.Value, prior)
		near(t, row.FredID+" change", row.Change, last-prior)
	}
	if seen != len(want) {
		t.Errorf("%d of the %d market rows checked: %+v", seen, len(want), m.Markets)
	}
}
