#!/usr/bin/env bash
# Runs every Fuzz* target in the repository for the given time each (default 30s).
#   bash scripts/fuzz.sh 2m
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-30s}
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r f; do
	pkg=./$(dirname "${f#./}")
	for fn in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //'); do
		echo "fuzz $pkg $fn ($t)"
		go test "$pkg" -run '^$' -fuzz "^${fn}\$" -fuzztime "$t" >/tmp/fuzz-$$.log 2>&1 || { cat /tmp/fuzz-$$.log; exit 1; }
	done
done
rm -f /tmp/fuzz-$$.log
