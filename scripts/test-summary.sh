#!/usr/bin/env bash
# Sums the TRX result files under $1 and prints "N passed, N failed, N skipped" (the line CI reads).
# Exits 1 when a test failed, when no test ran, or when a test project produced no result file.
set -euo pipefail
dir=${1:?usage: test-summary.sh RESULTS_DIR EXPECTED_PROJECTS}
expected=${2:-0}
shopt -s nullglob
files=("$dir"/*.trx)
passed=0 failed=0 skipped=0
for f in "${files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  # Skipped tests are counted in total but not executed (notExecuted stays 0 in xunit.v3's TRX).
  skipped=$((skipped + $(value total) - $(value executed)))
done
if (( ${#files[@]} < expected )); then
  echo "only ${#files[@]} of $expected test projects reported results (a test host crashed or hung?)" >&2
  failed=$((failed + expected - ${#files[@]}))
fi
echo "$passed passed, $failed failed, $skipped skipped"
(( failed == 0 && passed > 0 ))
