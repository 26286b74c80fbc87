package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	"cryptoweekly/store/duckdb"
)

// mutTarget is one bundled raw file the mutation corpus breaks, one way at a time.
type mutTarget struct {
	family, file string
	delim        rune
	value, text  string // CSV: a value column the family reads, a text column; JSON: keys
	only         bool   // the family folder holds only this file (its other files are optional)
	date         string // CSV: the day column the family reads ("" = the first date-like field)
}

var mutTargets = []mutTarget{
	{"alternativeme-fng-MuLancer", "fear_and_greed_index_2.csv", ',', "value", "value_classification", false, ""},
	{"coinmarketcap-stablecoins-MuLancer", "USDC_1_1_2024-12_31_2024_historical_data_coinmarketcap.csv", ';', "close", "timeOpen", false, ""},
	{"coinmarketcap-weekly-top100-frla18cz", "top100_weekly_data.csv", ',', "price", "name", false, ""},
	{"defillama-chain-tvl-pairie-koh", "chain_tvl_historical_long.csv", ',', "tvl", "chain", false, ""},
	{"defillama-charts-solana-KetchupJL", "tvl.csv", ',', "tvl_usd", "timestamp", false, ""},
	{"defillama-stablecoins-pairie-koh", "Raw-Data All Stablecoin Supplies.csv", ',', "USDC", "Date", false, ""},
	{"defillama-totals-dylanlayden", "defi_tvl.csv", ',', "value", "status", false, ""},
	{"defillama-totals-dylanlayden", "stablecoin_supply.csv", ',', "value", "status", false, ""},
	{"market-smoothbrainquant", "coinbase_top200_daily_20200101_to_present_20251025_171425.csv", ',', "close", "symbol", true, ""},
	{"market-smoothbrainquant", "coinmarketcap_monthly_all_snapshots.csv", ',', "Price", "Name", true, ""},
	{"market-smoothbrainquant", "daily_calculated_market_cap_clean.csv", ',', "market_cap", "base", true, ""},
	{"market-smoothbrainquant", "historical_open_interest_top10_since2020_20251026_040214.csv", ',', "oi_close", "coin_name", true, ""},
	{"market-smoothbrainquant", "cmc_categories_20251026_151505.csv", ',', "market_cap", "category_name", true, "timestamp"},
	{"defillama-protocols-bma-d", "protocols/Everlend.json", 0, "totalLiquidityUSD", "name", false, ""},
	{"defillama-protocols-bma-d", "lite-protocols2.json", 0, "tvl", "name", false, ""},
	{"coingecko-top100-daily-zeketests", "prices_2025-09-19.csv", ',', "price", "name", false, ""},
	{"coingecko-categories-Fedric-Reform", "CategoryPerformance__2025-10-03__4e843a68fa.csv", ',', "Market Cap", "Category", false, ""},
	{"fred-moltovy", "DFF__daily.csv", ',', "value", "date", false, ""},
}

// mutCases are the ways a file is broken, in table order.
var mutCases = []string{"malformed-row", "conflicting-duplicate", "NaN", "Inf", "1e300", "negative", "far-future-day",
	"truncated", "wrong-delimiter", "UTF-16", "invalid-UTF-8", "header-only", "huge-field"}

// mutAccepted are the mutations a family accepts on purpose, with the reason.
var mutAccepted = map[string]string{
	// CSV has no end marker (six bundled files end without a line break), so a file cut inside
	// its last row's final number is a well-formed shorter file; a cut anywhere else breaks a
	// row, a quote, a gap check or the plausibility table and is rejected.
	"defillama-charts-solana-KetchupJL/tvl.csv truncated":          "a cut inside the last number leaves a well-formed row",
	"defillama-totals-dylanlayden/stablecoin_supply.csv truncated": "a cut inside the last number leaves a well-formed row",
	// The protocol list keeps the first of two listings whose names give one ID and records
	// the later one in Attrs duplicate_listings (documented in dlParseProtocolList).
	"defillama-protocols-bma-d/lite-protocols2.json conflicting-duplicate": "duplicate listings are recorded, by rule",
	// Snapshot TVLs are an attribute as published, and a few real ones are negative.
	"defillama-protocols-bma-d/lite-protocols2.json negative": "published snapshot TVLs include negative ones",
}

// mutate returns the file with one defect, or ok=false if the case does not apply.
func mutate(t *testing.T, tg mutTarget, data []byte, c string) ([]byte, bool) {
	t.Helper()
	huge := strings.Repeat("x", 200_000)
	switch c {
	case "UTF-16":
		u := utf16.Encode([]rune(string(data)))
		out := []byte{0xff, 0xfe}
		for _, r := range u {
			out = append(out, byte(r), byte(r>>8))
		}
		return out, true
	case "truncated":
		return data[:len(data)/2], true
	}
	if tg.delim == 0 {
		return mutateJSON(tg, data, c, huge)
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	rd := csv.NewReader(strings.NewReader(lines[0]))
	rd.Comma = tg.delim
	header, err := rd.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int {
		for i, h := range header {
			if strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) == name {
				return i
			}
		}
		t.Fatalf("%s: no column %q", tg.file, name)
		return -1
	}
	rd = csv.NewReader(strings.NewReader(lines[1]))
	rd.Comma = tg.delim
	rec, err := rd.Read()
	if err != nil {
		t.Fatal(err)
	}
	enc := func(r []string) string {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Comma = tg.delim
		w.Write(r)
		w.Flush()
		return strings.TrimSuffix(b.String(), "\n")
	}
	with := func(i int, v string) string {
		r := append([]string(nil), rec...)
		r[i] = v
		return enc(r)
	}
	vi, ti := col(tg.value), col(tg.text)
	set := func(line string) []byte {
		out := append([]string{lines[0], line}, lines[2:]...)
		return []byte(strings.Join(out, "\n"))
	}
	switch c {
	case "malformed-row":
		return set(lines[1] + string(tg.delim) + "extra"), true
	case "conflicting-duplicate":
		v := []byte(rec[vi])
		for i := len(v) - 1; i >= 0; i-- {
			if v[i] >= '0' && v[i] <= '9' {
				v[i] = '0' + (v[i]-'0'+1)%10
				break
			}
		}
		out := append([]string{lines[0], lines[1], with(vi, string(v))}, lines[2:]...)
		return []byte(strings.Join(out, "\n")), true
	case "NaN", "Inf", "1e300":
		return set(with(vi, c)), true
	case "negative":
		return set(with(vi, "-5")), true
	case "far-future-day":
		re := regexp.MustCompile(`^(19|20)\d\d`)
		if tg.date != "" {
			i := col(tg.date)
			return set(with(i, "2999"+rec[i][4:])), true
		}
		for i, f := range rec {
			if re.MatchString(f) {
				return set(with(i, "2999"+f[4:])), true
			}
		}
		return nil, false
	case "wrong-delimiter":
		other := ";"
		if tg.delim == ';' {
			other = ","
		}
		return []byte(strings.ReplaceAll(text, string(tg.delim), other)), true
	case "invalid-UTF-8":
		return set(with(ti, rec[ti]+"\xe9")), true
	case "header-only":
		return []byte(lines[0] + "\n"), true
	case "huge-field":
		return set(with(ti, huge)), true
	}
	return nil, false
}

func mutateJSON(tg mutTarget, data []byte, c, huge string) ([]byte, bool) {
	s := string(data)
	num := regexp.MustCompile(`"` + tg.value + `": ?(-?[0-9.eE+]+)`)
	name := regexp.MustCompile(`"` + tg.text + `": ?"([^"]*)"`)
	first := func(re *regexp.Regexp, repl string) []byte {
		loc := re.FindStringSubmatchIndex(s)
		if loc == nil {
			return nil
		}
		return []byte(s[:loc[2]] + repl + s[loc[3]:])
	}
	switch c {
	case "malformed-row":
		i := strings.Index(s, "}")
		return []byte(s[:i] + s[i+1:]), true
	case "conflicting-duplicate":
		// The first object of the file's first array, again, with another value.
		open := strings.Index(s, "[")
		i := strings.Index(s[open:], "{") + open
		j := strings.Index(s[i:], "}") + i + 1
		dup := num.ReplaceAllString(s[i:j], `"`+tg.value+`": 12345`)
		return []byte(s[:i] + dup + "," + s[i:]), true
	case "NaN", "Inf", "1e300":
		v := map[string]string{"NaN": "NaN", "Inf": "Infinity", "1e300": "1e300"}[c]
		return first(num, v), true
	case "negative":
		return first(num, "-5"), true
	case "far-future-day":
		re := regexp.MustCompile(`"date": ?([0-9]+)`)
		if !re.MatchString(s) {
			return nil, false
		}
		return first(re, "1e18"), true
	case "invalid-UTF-8":
		loc := name.FindStringSubmatchIndex(s)
		return []byte(s[:loc[3]] + "\xe9" + s[loc[3]:]), true
	case "header-only":
		return []byte("[]"), true
	case "huge-field":
		return first(name, huge), true
	}
	return nil, false
}

// linkTree makes dir/<family> with symlinks to the family's files (or only the target), and
// returns the path the target file gets.
func linkTree(t *testing.T, dir string, tg mutTarget) string {
	t.Helper()
	src := filepath.Join(rawDir, tg.family)
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(dir, tg.family, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if tg.only && rel != tg.file {
			return nil
		}
		abs, _ := filepath.Abs(p)
		return os.Symlink(abs, dst)
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, tg.family, tg.file)
}

func storeDigest(t *testing.T, db string) string {
	t.Helper()
	s, err := duckdb.Open(db, duckdb.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, err := s.Digest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k, v := range d {
		keys = append(keys, k+"="+v)
	}
	sort.Strings(keys)
	return strings.Join(keys, "; ")
}

// TestMutationCorpus feeds `cryptoweekly import DIR` every bundled family's files broken one way
// at a time (a malformed row, a conflicting duplicate, NaN, Inf, 1e300, a negative value, a day
// in 2999, a truncated file, the wrong delimiter, UTF-16, invalid UTF-8, a header alone, a
// 200 kB field) and asserts exit 1, a short message naming the file (and line, for a row), and
// a store unchanged from before. The table of outcomes is logged (go test -v -run Mutation).
func TestMutationCorpus(t *testing.T) {
	needRaw(t)
	if testing.Short() {
		t.Skip("imports each family many times")
	}
	lineRef := map[string]bool{"malformed-row": true, "conflicting-duplicate": true, "NaN": true, "Inf": true, "1e300": true,
		"negative": true, "far-future-day": true, "invalid-UTF-8": true, "huge-field": true}
	var table strings.Builder
	fmt.Fprintf(&table, "%-90s", "family/file")
	for _, c := range mutCases {
		fmt.Fprintf(&table, " %s", c)
	}
	table.WriteString("\n")
	for _, tg := range mutTargets {
		tg := tg
		base := t.TempDir()
		good := filepath.Join(base, "good")
		linkTree(t, good, tg)
		db := filepath.Join(base, "cw.duckdb")
		if _, errs, code := runCLI(t, "import", "--db", db, good); code != 0 {
			t.Fatalf("%s/%s unmutated: exit %d: %s", tg.family, tg.file, code, errs)
		}
		before := storeDigest(t, db)
		orig, err := os.ReadFile(filepath.Join(rawDir, tg.family, tg.file))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&table, "%-90s", tg.family+"/"+tg.file)
		for _, c := range mutCases {
			data, ok := mutate(t, tg, orig, c)
			if !ok || data == nil {
				fmt.Fprintf(&table, " %s", pad("n/a", c))
				continue
			}
			dir := filepath.Join(base, c)
			target := linkTree(t, dir, tg)
			os.Remove(target)
			if err := os.WriteFile(target, data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, errs, code := runCLI(t, "import", "--db", db, dir)
			key := tg.family + "/" + tg.file + " " + c
			verdict := "rejected"
			switch {
			case code == 0 && mutAccepted[key] != "":
				verdict = "accepted-by-design"
				// Start the next case from the unmutated store again.
				os.RemoveAll(db)
				if _, errs, code := runCLI(t, "import", "--db", db, good); code != 0 {
					t.Fatalf("re-import: %s", errs)
				}
				before = storeDigest(t, db)
			case code == 0:
				verdict = "ACCEPTED"
				t.Errorf("%s: accepted (exit 0)", key)
			default:
				if code != 1 || !strings.Contains(errs, "nothing was written") {
					t.Errorf("%s: exit %d, stderr %q", key, code, clip(errs))
				}
				name := filepath.ToSlash(filepath.Join(tg.family, tg.file))
				if !strings.Contains(errs, name) {
					t.Errorf("%s: the message does not name %s: %q", key, name, clip(errs))
				} else if tg.delim != 0 && lineRef[c] && !regexp.MustCompile(regexp.QuoteMeta(name)+`:\d+`).MatchString(errs) {
					t.Errorf("%s: the message names no line: %q", key, clip(errs))
				}
				if len(errs) > 1000 {
					t.Errorf("%s: a %d-byte message (bad values are quoted at most ~80 bytes)", key, len(errs))
				}
			}
			if after := storeDigest(t, db); after != before && verdict != "accepted-by-design" {
				t.Errorf("%s: the store changed", key)
			}
			fmt.Fprintf(&table, " %s", pad(verdict, c))
			if testing.Verbose() {
				t.Logf("%s: exit %d: %s", key, code, clip(strings.TrimSpace(errs)))
			}
			os.RemoveAll(dir)
		}
		table.WriteString("\n")
	}
	t.Logf("mutation table:\n%s", table.String())
}

func pad(s, c string) string {
	if len(s) < len(c) {
		return s + strings.Repeat(" ", len(c)-len(s))
	}
	return s
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
