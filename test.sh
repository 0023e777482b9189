#!/usr/bin/env bash
# ZFViz tests: the unit tests (xunit), then every notebook headless in the quick profile.
# Run ./setup.sh first. Override the notebook profile with ZFVIZ_PROFILE.
set -uo pipefail
cd "$(dirname "$0")"
export ZFVIZ_PROFILE="${ZFVIZ_PROFILE:-quick}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== unit tests"
dotnet test Notebooks.sln -c Release -nologo 2>&1 | tee "$log"
unit_rc=${PIPESTATUS[0]}
# "Passed!  - Failed:     0, Passed:    42, Skipped:     0, Total:    42" (one line per test assembly)
unit_passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{ s += $2 } END { print s + 0 }')
unit_failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{ s += $2 } END { print s + 0 }')
if [ "$unit_rc" -ne 0 ] && [ "$unit_failed" -eq 0 ]; then unit_failed=1; fi

echo
echo "== notebooks (profile $ZFVIZ_PROFILE)"
./zfviz notebooks run --profile "$ZFVIZ_PROFILE" 2>&1 | tee "$log"
nb_rc=${PIPESTATUS[0]}
nb_passed=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\1/p' "$log" | tail -1)
nb_failed=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\2/p' "$log" | tail -1)
[ -n "$nb_passed" ] || nb_passed=0
[ -n "$nb_failed" ] || nb_failed=0
if [ "$nb_rc" -ne 0 ] && [ "$nb_failed" -eq 0 ]; then nb_failed=1; fi

echo
echo "$((unit_passed + nb_passed)) passed, $((unit_failed + nb_failed)) failed"
[ "$unit_rc" -eq 0 ] && [ "$nb_rc" -eq 0 ]
