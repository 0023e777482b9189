#!/usr/bin/env bash
# ILSVRC-2012 (full ImageNet) cannot be downloaded without an account at image-net.org, so this script links your
# own copy into <data root>/imagenet instead of fetching it. The copy must have the standard layout:
#   train/<wnid>/*.JPEG, and val/<wnid>/*.JPEG or val/*.JPEG with a label list (LOC_val_solution.csv,
#   val_labels.txt or val.txt) in it or beside it (see lib/ZfViz/Data/ImageNetFolder.cs).
# Usage: fetch-imagenet.sh --from /path/to/ILSVRC2012 [--data DIR]
set -euo pipefail
name=imagenet
from=""
data="${ZFVIZ_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/zfviz/data}"
while [ $# -gt 0 ]; do
    case "$1" in
        --from) from="${2:-}"; shift 2 || shift ;;
        --data) data="${2:-}"; shift 2 || shift ;;
        -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "$name: error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [ -z "$from" ]; then
    echo "$name: error: ImageNet is not downloadable without an account; get ILSVRC-2012 from image-net.org, then run" >&2
    echo "$name:        $0 --from /path/to/ILSVRC2012 (or use Imagenette: data-scripts/fetch-imagenette.sh)" >&2
    exit 2
fi
[ -d "$from/train" ] || { echo "$name: error: $from: no train/ folder (expected train/<wnid>/*.JPEG)" >&2; exit 2; }
[ -d "$from/val" ] || { echo "$name: error: $from: no val/ folder" >&2; exit 2; }
mkdir -p "$data"
target="$data/$name"
if [ -e "$target" ] && [ ! -L "$target" ]; then
    echo "$name: error: $target exists and is not a link; move it away first" >&2; exit 2
fi
ln -sfn "$(cd "$from" && pwd)" "$target"
echo "$name: linked $target -> $(cd "$from" && pwd); check it with: ./zfviz data check imagenet" >&2
