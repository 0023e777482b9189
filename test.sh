#!/usr/bin/env bash
# ZFViz tests: the unit tests (xunit), then every notebook headless in the quick profile (dotnet-repl), then the
# notebooks of the paper path in the paper-smoke profile (the 224 networks on a handful of generated photos), then
# notebooks 00, 01 and 07 through the Jupyter kernel, then the gallery of the executed series in an offline browser.
# Run ./setup.sh first. Override the notebook profile with ZFVIZ_PROFILE.
set -uo pipefail
cd "$(dirname "$0")"
export ZFVIZ_PROFILE="${ZFVIZ_PROFILE:-quick}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# One `dotnet test` (its arguments), shown and counted from its summary lines, "Passed!  - Failed:     0, Passed:
# 42, ..." (one per test assembly): sets test_passed, test_failed, test_rc.
run_tests() {
  dotnet test "$@" 2>&1 | tee "$log"
  test_rc=${PIPESTATUS[0]}
  test_passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{ s += $2 } END { print s + 0 }')
  test_failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{ s += $2 } END { print s + 0 }')
  if [ "$test_rc" -ne 0 ] && [ "$test_failed" -eq 0 ]; then test_failed=1; fi
}

# One `zfviz notebooks run` (its arguments), shown and counted from its last line, "notebooks: N passed, M failed":
# sets run_passed, run_failed, run_rc. A non-zero exit without a failed notebook counts as one failure.
run_notebooks() {
  ./zfviz notebooks run "$@" 2>&1 | tee "$log"
  run_rc=${PIPESTATUS[0]}
  run_passed=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\1/p' "$log" | tail -1)
  run_failed=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\2/p' "$log" | tail -1)
  [ -n "$run_passed" ] || run_passed=0
  [ -n "$run_failed" ] || run_failed=0
  if [ "$run_rc" -ne 0 ] && [ "$run_failed" -eq 0 ]; then run_failed=1; fi
}

echo "== unit tests"
run_tests Notebooks.sln -c Release -nologo
unit_rc=$test_rc; unit_passed=$test_passed; unit_failed=$test_failed

echo
echo "== notebooks (profile $ZFVIZ_PROFILE)"
run_notebooks --profile "$ZFVIZ_PROFILE"
nb_rc=$run_rc; nb_passed=$run_passed; nb_failed=$run_failed

# The paper path end to end on this CPU: the notebooks that train or analyse the paper's 224 networks, in the
# paper-smoke profile (ZFVIZ_PAPER_SMOKE=0 skips it; ZFVIZ_PAPER_SMOKE_NOTEBOOKS="02 03" runs fewer). Executed copies
# in notebooks-out-paper-smoke/. The trained smoke networks stay in the model store, so later runs load them.
ps_passed=0; ps_failed=0; ps_rc=0
echo
if [ "${ZFVIZ_PAPER_SMOKE:-1}" != 0 ]; then
  echo "== notebooks of the paper path (profile paper-smoke)"
  for nb in ${ZFVIZ_PAPER_SMOKE_NOTEBOOKS:-02 03 04 05 06 07 09 11}; do
    run_notebooks --profile paper-smoke --filter "$nb-" --out notebooks-out-paper-smoke
    [ "$run_rc" -eq 0 ] || ps_rc=1
    ps_passed=$((ps_passed + run_passed)); ps_failed=$((ps_failed + run_failed))
  done
else
  echo "== notebooks of the paper path: skipped (ZFVIZ_PAPER_SMOKE=0)"
fi

# The same notebooks through the other kernel: the .NET Interactive Jupyter kernel (what VS Code and Jupyter Lab
# run), driven by jupyter nbconvert. 00, 01 and 07 (about a minute each here); executed copies in notebooks-out-jupyter/.
jp_passed=0; jp_failed=0; jp_rc=0
echo
if command -v jupyter-nbconvert >/dev/null 2>&1; then
  echo "== notebooks through the Jupyter kernel (profile $ZFVIZ_PROFILE)"
  for nb in 00 01 07; do
    run_notebooks --kernel jupyter --profile "$ZFVIZ_PROFILE" --filter "$nb-" --out notebooks-out-jupyter
    [ "$run_rc" -eq 0 ] || jp_rc=1
    jp_passed=$((jp_passed + run_passed)); jp_failed=$((jp_failed + run_failed))
  done
else
  echo "== notebooks through the Jupyter kernel: skipped, jupyter-nbconvert is not installed (./setup.sh installs it as root)"
fi

# The gallery of the executed series, looked at in headless Chromium with the network off (the test skips, saying
# so, only where Chromium is missing).
echo
echo "== gallery (zfviz notebooks html, checked in an offline browser)"
gal_passed=0; gal_failed=0; gal_rc=0
if ./zfviz notebooks html; then
  ZFVIZ_GALLERY_SITE="$(pwd)/notebooks-html" run_tests Notebooks.sln -c Release -nologo --no-build \
    --filter "FullyQualifiedName~TheExecutedSeriesGallery"
  gal_rc=$test_rc; gal_passed=$test_passed; gal_failed=$test_failed
else
  gal_rc=1; gal_failed=1
fi

echo
echo "$((unit_passed + nb_passed + ps_passed + jp_passed + gal_passed)) passed, $((unit_failed + nb_failed + ps_failed + jp_failed + gal_failed)) failed"
[ "$unit_rc" -eq 0 ] && [ "$nb_rc" -eq 0 ] && [ "$ps_rc" -eq 0 ] && [ "$jp_rc" -eq 0 ] && [ "$gal_rc" -eq 0 ]
