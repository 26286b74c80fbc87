#!/bin/sh
# bench-speed.sh runs, in one go, the benchmarks behind the "Speed and memory" targets and prints
# a table: each figure next to a baseline measured in the same run, and their ratio. On a shared,
# noisy machine the ratios are what to compare between runs, not the absolute times.
#
#   scripts/bench-speed.sh                               # full universe (~124M rows; minutes)
#   CRYPTOWEEKLY_BENCH_SCALE=0.05 scripts/bench-speed.sh # a quick try
#
# The raw output is kept in $BENCH_OUT (default: a temporary file, named at the end).
set -eu
cd "$(dirname "$0")/.."
out=${BENCH_OUT:-$(mktemp -t cryptoweekly-bench.XXXXXX)}
# Decoders run for a time (milliseconds each: a few iterations would be all noise), the rest a
# fixed count; packages one after the other (-p 1), never two benchmarks at once.
go test -p 1 -run '^$' -benchtime 3s -bench 'DecodeProtocols|DecodeMarkets' \
	./provider/defillama ./provider/coingecko | tee "$out"
go test -p 1 -run '^$' -timeout 60m -benchtime 5x -bench 'ImportDir|ApplyBundle|FirstReport|WeekFullUniverse' \
	./importer ./store/duckdb | tee -a "$out"
echo
awk -v scale="${CRYPTOWEEKLY_BENCH_SCALE:-1}" '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) v[name, $(i+1)] = $i
}
function s(ns) { return sprintf("%.3f s", ns / 1e9) }
function row(what, m, base, ratio, goal) { printf "| %-44s | %-16s | %-22s | %-8s | %-22s |\n", what, m, base, ratio, goal }
END {
	print "| target | measured | same-run baseline | ratio | goal |"
	print "|---|---|---|---|---|"
	r = "BenchmarkWeekFullUniverse/report"; sc = "BenchmarkWeekFullUniverse/scan"
	row(sprintf("weekly report, %.0fM rows (scale %s)", v[sc, "rows"] / 1e6, scale), s(v[r, "ns/op"]), "plain scan " s(v[sc, "ns/op"]), sprintf("%.2fx", v[r, "ns/op"] / v[sc, "ns/op"]), "< 1 s and <= 2x scan")
	row("  peak RSS during the reports", sprintf("%.0f MB", v[r, "peak-MB"]), "", "", "reported")
	dw = "BenchmarkWeekFullUniverse/default-week"
	row("  choosing the week (no --week-end)", s(v[dw, "ns/op"]), "plain scan " s(v[sc, "ns/op"]), sprintf("%.2fx", v[dw, "ns/op"] / v[sc, "ns/op"]), "reported")
	p = "BenchmarkImportDir/parse"; rd = "BenchmarkImportDir/read"
	row("import: parse raw files", sprintf("%.1f MB/s", v[p, "MB/s"]), sprintf("read %.0f MB/s", v[rd, "MB/s"]), sprintf("%.1fx", v[rd, "MB/s"] / v[p, "MB/s"]), ">= 50 MB/s")
	a = "BenchmarkApplyBundle/apply"; ap = "BenchmarkApplyBundle/append"
	row("import: write the bundle (Apply)", sprintf("%.2fM rows/s", v[a, "rows/s"] / 1e6), sprintf("append %.2fM rows/s", v[ap, "rows/s"] / 1e6), sprintf("%.1fx", v[ap, "rows/s"] / v[a, "rows/s"]), ">= 2M rows/s")
	f = "BenchmarkFirstReport/first-report"; d = "BenchmarkFirstReport/decode"
	row("first report (load bundle + compute)", s(v[f, "ns/op"]), "bundle decode " s(v[d, "ns/op"]), sprintf("%.1fx", v[f, "ns/op"] / v[d, "ns/op"]), "< 1.5 s")
	pr = "BenchmarkDecodeProtocols/decode"; pv = "BenchmarkDecodeProtocols/json-valid"
	row("decode DefiLlama /protocols (7,000 rows)", sprintf("%.0f MB/s", v[pr, "MB/s"]), sprintf("json.Valid %.0f MB/s", v[pv, "MB/s"]), sprintf("%.1fx", v[pv, "MB/s"] / v[pr, "MB/s"]), ">= 100 MB/s")
	mk = "BenchmarkDecodeMarkets/decode"; mv = "BenchmarkDecodeMarkets/json-valid"
	row("decode CoinGecko /coins/markets (250 rows)", sprintf("%.0f MB/s", v[mk, "MB/s"]), sprintf("json.Valid %.0f MB/s", v[mv, "MB/s"]), sprintf("%.1fx", v[mv, "MB/s"] / v[mk, "MB/s"]), ">= 100 MB/s")
}' "$out"
echo
echo "raw output: $out; load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
