package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
	_ "cryptoweekly/section/all"
	"cryptoweekly/section/chains"
	"cryptoweekly/section/protocols"
	"cryptoweekly/section/tokens"
)

// BenchmarkWeekFullUniverse times one weekly report over a store the size of a full live
// universe kept for five years, against one plain full scan of the same observations:
//
//	20,000 assets × 3 metrics (price, market_cap, volume_24h; coingecko-markets, daily)
//	 7,000 protocols × tvl (defillama-protocol-tvl)
//	   300 chains × tvl, 600 perpetual contracts × open_interest_usd, 15 trending topics
//	   Fear & Greed, USDT/USDC/total stablecoin supply, DeFi TVL, DEX volume
//	× 1,826 days (2020-06-14 … 2025-06-13)  ≈ 123.5 million observation rows, plus entity,
//	tag and chain rows, in a DuckDB file with the store's real schema (its day index included).
//
// The rows are generated inside DuckDB (INSERT … SELECT over range() with hash-based
// pseudo-random values), in writes of 1,000 assets or 2,000 protocols × every day, as a history
// backfill writes them. Each write is sorted by (metric, day), as Apply sorts every write since
// migration 3, so a day's rows sit in a few row groups of each write: a store built by one big
// import (one sorted write) would prune better, one built by daily ingests (a write per day) as
// well. Setup takes a few
// minutes and builds the store once per process; it is skipped with -short. Run it with
//
//	go test ./store/duckdb -run '^$' -bench WeekFullUniverse -benchtime 3x -timeout 30m
//
// "report" times report.Build for the week ending 2025-06-13 and reports its cost in plain scans
// ("x-scan"); "scan" times SELECT sum(value), count(*) FROM observations; "default-week" times
// choosing that week as `report` without --week-end does (report.DefaultWeek). CRYPTOWEEKLY_BENCH_SCALE
// (a fraction, default 1) shrinks the asset and protocol counts for a quick try.
func BenchmarkWeekFullUniverse(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a ~120M-row store; skipped with -short")
	}
	benchOnce.Do(func() { benchStore, benchErr = buildBenchStore(b) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	db := benchStore.db.db
	b.Logf("store %s: %d observation rows (%d assets, %d protocols × %d days), setup %s",
		benchStore.path, benchStore.rows, benchStore.assets, benchStore.protocols, benchDays, benchStore.setup.Round(time.Second))
	ctx := context.Background()
	scan := func() error {
		var sum float64
		var n int64
		return db.QueryRowContext(ctx, `SELECT sum(value), count(*) FROM observations`).Scan(&sum, &n)
	}
	var scanNs float64
	b.Run("scan", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := scan(); err != nil {
				b.Fatal(err)
			}
		}
		scanNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(float64(benchStore.rows), "rows")
	})
	b.Run("report", func(b *testing.B) {
		if scanNs == 0 { // "scan" filtered out by -bench: measure it here, off the clock
			b.StopTimer()
			best := time.Duration(1 << 62)
			for i := 0; i < 3; i++ {
				t0 := time.Now()
				if err := scan(); err != nil {
					b.Fatal(err)
				}
				best = min(best, time.Since(t0))
			}
			scanNs = float64(best.Nanoseconds())
			b.StartTimer()
		}
		cfg := report.DefaultConfig()
		resetPeakRSS()
		for i := 0; i < b.N; i++ {
			r, err := report.Build(ctx, benchStore.db, cfg, benchEnd, report.Inputs{Now: benchEnd})
			if err != nil {
				b.Fatal(err)
			}
			tok, prot, ch := r.Block("tokens").(*tokens.Block), r.Block("protocols").(*protocols.Block), r.Block("chains").(*chains.Block)
			if tok.Universe < benchStore.assets*9/10 || prot.Considered < benchStore.protocols*9/10 || len(ch.All) == 0 {
				b.Fatalf("report misses the universe: %d tokens, %d protocols, %d chains", tok.Universe, prot.Considered, len(ch.All))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/scanNs, "x-scan")
		if mb := peakRSSMB(); mb > 0 {
			b.ReportMetric(mb, "peak-MB")
		}
	})
	// What `report` without --week-end adds: choosing the week.
	b.Run("default-week", func(b *testing.B) {
		cfg := report.DefaultConfig()
		for i := 0; i < b.N; i++ {
			end, err := report.DefaultWeek(ctx, benchStore.db, cfg)
			if err != nil || !end.Equal(benchEnd) {
				b.Fatalf("default week %s, %v; want %s", cw.DayString(end), err, cw.DayString(benchEnd))
			}
		}
		if scanNs > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/scanNs, "x-scan")
		}
	})
}

// resetPeakRSS restarts the kernel's peak resident-set count (VmHWM) so that peakRSSMB measures
// the reports alone, not the store's generation. Linux only; elsewhere peak-MB is not reported.
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMB is the process's peak resident memory (Go heap and DuckDB's buffers) in MB.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

const benchDays = 1826

var (
	benchEnd   = time.Date(2025, 6, 13, 0, 0, 0, 0, time.UTC)
	benchFirst = benchEnd.AddDate(0, 0, -(benchDays - 1))
	benchOnce  sync.Once
	benchStore *benchFixture
	benchErr   error
)

type benchFixture struct {
	db                *Store
	dir, path         string
	rows              int64
	assets, protocols int
	setup             time.Duration
}

// TestMain removes the benchmark's store (several GB) when the process ends.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchStore != nil {
		benchStore.db.Close()
		os.RemoveAll(benchStore.dir)
	}
	os.Exit(code)
}

func buildBenchStore(b *testing.B) (*benchFixture, error) {
	scale := 1.0
	if v := os.Getenv("CRYPTOWEEKLY_BENCH_SCALE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f > 1 {
			return nil, fmt.Errorf("CRYPTOWEEKLY_BENCH_SCALE=%q: want a fraction in (0, 1]", v)
		}
		scale = f
	}
	t0 := time.Now()
	dir, err := os.MkdirTemp("", "cryptoweekly-bench-")
	if err != nil {
		return nil, err
	}
	fx := &benchFixture{dir: dir, path: filepath.Join(dir, "bench.duckdb"),
		assets: int(20000 * scale), protocols: int(7000 * scale)}
	s, err := Open(fx.path, Options{})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := generate(s.db, fx, b); err != nil {
		s.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	s.Close()
	// Readers open the store read-only, with nothing of it cached yet.
	if fx.db, err = Open(fx.path, Options{ReadOnly: true}); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if _, err := fx.db.db.Exec(`SET memory_limit = '6GB'`); err != nil {
		return nil, err
	}
	fx.setup = time.Since(t0)
	return fx, nil
}

// generate fills the store. h(x) is a pseudo-random fraction in [0, 1) derived from hash().
func generate(db *sql.DB, fx *benchFixture, b *testing.B) error {
	const h = `(hash(%s) %% 1000000)::DOUBLE / 1000000`
	hf := func(args string) string { return fmt.Sprintf(h, args) }
	first := cw.DayString(benchFirst)
	day := fmt.Sprintf(`(DATE '%s' + (k)::INTEGER)`, first)
	// obs inserts one daily series per (entity i, metric m) over every day, ordered entity by
	// entity; ent, metric and value are SQL expressions of i, m (0-based metric index) and k (day).
	obs := func(lo, hi, metrics int, ent, metric, value, source string) string {
		return fmt.Sprintf(`INSERT INTO observations
			SELECT %s AS entity_id, %s AS metric, %s AS day, %s, '%s' AS source_id FROM (
				SELECT r // (%d * %d) AS i, (r // %d) %% %d AS m, r %% %d AS k
				FROM range(%d, %d) t(r))
			ORDER BY metric, day, entity_id, source_id`,
			ent, metric, day, value, source,
			metrics, benchDays, benchDays, metrics, benchDays,
			lo*metrics*benchDays, hi*metrics*benchDays)
	}
	assetID := `CASE WHEN i = 0 THEN 'asset:btc' WHEN i = 1 THEN 'asset:eth' ELSE 'asset:a' || i END`
	// A smooth cycle with noise around a per-asset base price; supply is fixed per asset.
	price := `CASE WHEN i = 0 THEN 30000.0 WHEN i = 1 THEN 2000.0 ELSE pow(10, ` + hf("i") + ` * 6 - 2) END
		* exp(0.5 * sin((k + ` + hf("i, 1") + ` * 365) / 58.0) + 0.1 * (` + hf("i, k") + ` - 0.5))`
	supply := `CASE WHEN i = 0 THEN 19.5e6 WHEN i = 1 THEN 120e6 ELSE 1e6 * pow(10, ` + hf("i, 2") + ` * 4) END`
	assetValue := `CASE m WHEN 0 THEN ` + price + ` WHEN 1 THEN ` + price + ` * ` + supply +
		` ELSE ` + price + ` * ` + supply + ` * (0.001 + 0.2 * ` + hf("i, k, 3") + `) END`
	assetMetric := `CASE m WHEN 0 THEN 'price' WHEN 1 THEN 'market_cap' ELSE 'volume_24h' END`
	tvl := func(scale float64, ids string) string {
		return fmt.Sprintf(`pow(10, 3 + %s * %g) * exp(0.4 * sin((k + %s * 365) / 71.0) + 0.05 * (%s - 0.5))`,
			hf(ids), scale, hf(ids+", 1"), hf(ids+", k"))
	}
	protocolID := `'protocol:p' || i`
	chainID := `CASE WHEN i = 0 THEN 'chain:ethereum' WHEN i = 1 THEN 'chain:solana' ELSE 'chain:c' || i END`
	contractID := `'contract:perp' || i`
	const chains, contracts, topics = 300, 600, 15

	steps := []string{
		`SET memory_limit = '6GB'`,
	}
	for lo := 0; lo < fx.assets; lo += 1000 {
		steps = append(steps, obs(lo, min(lo+1000, fx.assets), 3, assetID, assetMetric, assetValue, "coingecko-markets"))
	}
	for lo := 0; lo < fx.protocols; lo += 2000 {
		steps = append(steps, obs(lo, min(lo+2000, fx.protocols), 1, protocolID, `'tvl'`, tvl(7, "i"), "defillama-protocol-tvl"))
	}
	steps = append(steps,
		obs(0, chains, 1, chainID, `'tvl'`, tvl(8, "i, 7"), "defillama-chain-tvl"),
		obs(0, contracts, 1, contractID, `'open_interest_usd'`, tvl(7, "i, 8"), "coinalyze-oi-top100"),
		obs(0, 1, 1, `'index:fear-greed'`, `'value'`, `floor(100 * `+hf("k, 9")+`)`, "alternativeme-fng"),
		obs(0, 2, 1, `CASE i WHEN 0 THEN 'stablecoin:usdt' ELSE 'stablecoin:usdc' END`, `'circulating_usd'`, `(60e9 - 30e9 * i) * (1 + k / 2000.0)`, "defillama-stablecoins"),
		obs(0, 1, 1, `'index:stablecoins-usd-total'`, `'circulating_usd'`, `150e9 * (1 + k / 2000.0)`, "defillama-stablecoins-total"),
		obs(0, 1, 1, `'index:defi-tvl'`, `'tvl'`, `80e9 * (1.5 + sin(k / 200.0))`, "defillama-defi-tvl"),
		obs(0, 1, 1, `'index:dex-total'`, `'dex_volume'`, `3e9 * (1.5 + sin(k / 90.0)) * (0.8 + 0.4 * `+hf("k, 10")+`)`, "defillama-dex-volume"),
		obs(0, topics, 1, `'topic:t' || i`, `'trend_rank'`, `i + 1`, "coingecko-trending"),
	)
	// Entities: names and symbols, protocol categories and chains, contract parents, tags.
	steps = append(steps,
		fmt.Sprintf(`INSERT INTO entities SELECT %s, 'asset', 'Asset ' || i, CASE WHEN i = 0 THEN 'BTC' WHEN i = 1 THEN 'ETH' ELSE 'A' || i END, '', '' FROM range(%d) t(i)`, assetID, fx.assets),
		fmt.Sprintf(`INSERT INTO entities SELECT %s, 'protocol', 'Protocol ' || i, '',
			['Dexs', 'Lending', 'Liquid Staking', 'Bridge', 'CDP', 'Yield', 'Derivatives', 'RWA'][1 + i %% 8], '' FROM range(%d) t(i)`, protocolID, fx.protocols),
		fmt.Sprintf(`INSERT INTO entities SELECT %s, 'chain', CASE WHEN i = 0 THEN 'Ethereum' WHEN i = 1 THEN 'Solana' ELSE 'Chain ' || i END, '', '', '' FROM range(%d) t(i)`, chainID, chains),
		fmt.Sprintf(`INSERT INTO entities SELECT %s, 'contract', 'Perp ' || i, '', '', CASE WHEN i %% 300 = 0 THEN 'asset:btc' WHEN i %% 300 = 1 THEN 'asset:eth' ELSE 'asset:a' || (i %% 300) END FROM range(%d) t(i)`, contractID, contracts),
		fmt.Sprintf(`INSERT INTO entities SELECT 'topic:t' || i, 'topic', 'Topic ' || i, '', '', '' FROM range(%d) t(i)`, topics),
		`INSERT INTO entities VALUES ('index:fear-greed', 'index', 'Fear & Greed', '', '', ''), ('index:stablecoins-usd-total', 'index', '', '', '', ''),
			('index:defi-tvl', 'index', '', '', '', ''), ('index:dex-total', 'index', '', '', '', ''),
			('stablecoin:usdt', 'stablecoin', 'Tether', 'USDT', '', ''), ('stablecoin:usdc', 'stablecoin', 'USD Coin', 'USDC', '', '')`,
		// 1–3 chains per protocol, skewed to the first chains (Ethereum, Solana).
		fmt.Sprintf(`INSERT INTO entity_chains SELECT DISTINCT %s, CASE WHEN c = 0 THEN 'Ethereum' WHEN c = 1 THEN 'Solana' ELSE 'Chain ' || c END
			FROM (SELECT i, floor(pow(%s, 3) * %d)::INTEGER AS c FROM range(%d) t(i), range(3) j(n) WHERE n <= i %% 3)`, protocolID, hf("i, n, 11"), chains, fx.protocols),
		fmt.Sprintf(`INSERT INTO entity_tags SELECT DISTINCT %s, ['cmc:memes', 'cmc:defi', 'cmc:layer-1', 'cmc:layer-2', 'cmc:ai-big-data', 'cmc:gaming',
				'cmc:real-world-assets-protocols', 'cmc:oracles', 'cmc:centralized-exchange-token-cex', 'cmc:wrapped-tokens', 'cmc:stablecoin'][1 + (hash(i, n) %% 11)::INTEGER]
			FROM range(%d) t(i), range(2) j(n) WHERE i > 1 AND hash(i, n, 12) %% 3 > 0`, assetID, fx.assets),
		fmt.Sprintf(`INSERT INTO sources SELECT DISTINCT source_id, 'bench', 'generated', NULL, 'none', '', TIMESTAMP '%s' FROM observations`, cw.DayString(benchEnd)),
		// The day index every write keeps (migration 4), built here in one go.
		`INSERT INTO observation_days SELECT DISTINCT source_id, metric, day FROM observations`,
		`CHECKPOINT`,
	)
	for i, q := range steps {
		t := time.Now()
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("bench setup step %d: %w\n%s", i, err, q)
		}
		if d := time.Since(t); d > 10*time.Second && b != nil {
			b.Logf("setup step %d/%d took %s", i+1, len(steps), d.Round(time.Second))
		}
	}
	return db.QueryRow(`SELECT count(*) FROM observations`).Scan(&fx.rows)
}
