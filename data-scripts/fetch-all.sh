#!/usr/bin/env bash
# Fetches the data sets ZFViz needs into the data root. What CI and the setup call:
#     data-scripts/fetch-all.sh --mirror ../shared/data       (or ZFVIZ_DATA_MIRROR=../shared/data)
# Default set: cifar10 fashion-mnist imagenet-samples (all reachable offline from a mirror + the Debian package).
# --all adds the transfer targets caltech101 caltech256 voc2012 imagenette (internet or a mirror needed); or name
# data sets explicitly: fetch-all.sh cifar10 voc2012. Every other option goes to each fetch script (see
# fetch-cifar10.sh --help). Runs each script even if one fails, then exits 1 if any failed. A second run is a
# no-op: each data set with a .zfviz-fetched marker is skipped.
set -u
DIR=$(cd "$(dirname "$0")" && pwd)
CORE="cifar10 fashion-mnist imagenet-samples"
EXTRA="caltech101 caltech256 voc2012 imagenette"
SETS=""
PASS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --all) SETS="$CORE $EXTRA"; shift ;;
        -h|--help)
            sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
            printf '\nData sets: %s %s\n\n' "$CORE" "$EXTRA"
            "$DIR/fetch-cifar10.sh" --help | sed -n '/^Options:/,$p'
            exit 0 ;;
        --data|--mirror) PASS+=("$1" "${2:-}"); shift 2 || shift ;;
        -*) PASS+=("$1"); shift ;;
        *) SETS="$SETS $1"; shift ;;
    esac
done
[ -n "$SETS" ] || SETS=$CORE
failed=""
start=$(date +%s)
for s in $SETS; do
    script="$DIR/fetch-$s.sh"
    if [ ! -x "$script" ]; then echo "fetch-all: unknown data set '$s' (known: $CORE $EXTRA)" >&2; failed="$failed $s"; continue; fi
    "$script" ${PASS[@]+"${PASS[@]}"} </dev/null || failed="$failed $s"
done
echo "fetch-all: done in $(( $(date +%s) - start ))s" >&2
if [ -n "$failed" ]; then echo "fetch-all: FAILED:$failed" >&2; exit 1; fi
