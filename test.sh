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

# The paper path end to end on this CPU: the notebooks that train or analyse the paper's 224 networks, in the
# paper-smoke profile (ZFVIZ_PAPER_SMOKE=0 skips it; ZFVIZ_PAPER_SMOKE_NOTEBOOKS="02 03" runs fewer). Executed copies
# in notebooks-out-paper-smoke/. The trained smoke networks stay in the model store, so later runs load them.
ps_passed=0; ps_failed=0; ps_rc=0
echo
if [ "${ZFVIZ_PAPER_SMOKE:-1}" != 0 ]; then
  echo "== notebooks of the paper path (profile paper-smoke)"
  for nb in ${ZFVIZ_PAPER_SMOKE_NOTEBOOKS:-02 03 04 05 06 07 09 11}; do
    ./zfviz notebooks run --profile paper-smoke --filter "$nb-" --out notebooks-out-paper-smoke 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    p=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\1/p' "$log" | tail -1)
    f=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\2/p' "$log" | tail -1)
    [ -n "$p" ] || p=0; [ -n "$f" ] || f=0
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    [ "$rc" -eq 0 ] || ps_rc=1
    ps_passed=$((ps_passed + p)); ps_failed=$((ps_failed + f))
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
    ./zfviz notebooks run --kernel jupyter --profile "$ZFVIZ_PROFILE" --filter "$nb-" --out notebooks-out-jupyter 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    p=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\1/p' "$log" | tail -1)
    f=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\2/p' "$log" | tail -1)
    [ -n "$p" ] || p=0; [ -n "$f" ] || f=0
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    [ "$rc" -eq 0 ] || jp_rc=1
    jp_passed=$((jp_passed + p)); jp_failed=$((jp_failed + f))
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
  ZFVIZ_GALLERY_SITE="$(pwd)/notebooks-html" dotnet test Notebooks.sln -c Release -nologo --no-build \
    --filter "FullyQualifiedName~TheExecutedSeriesGallery" 2>&1 | tee "$log"
  gal_rc=${PIPESTATUS[0]}
  gal_passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{ s += $2 } END { print s + 0 }')
  gal_failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{ s += $2 } END { print s + 0 }')
  if [ "$gal_rc" -ne 0 ] && [ "$gal_failed" -eq 0 ]; then gal_failed=1; fi
else
  gal_rc=1; gal_failed=1
fi

echo
echo "$((unit_passed + nb_passed + ps_passed + jp_passed + gal_passed)) passed, $((unit_failed + nb_failed + ps_failed + jp_failed + gal_failed)) failed"
[ "$unit_rc" -eq 0 ] && [ "$nb_rc" -eq 0 ] && [ "$ps_rc" -eq 0 ] && [ "$jp_rc" -eq 0 ] && [ "$gal_rc" -eq 0 ]
