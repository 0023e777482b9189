#!/usr/bin/env bash
# The paper profile's time on this machine, measured: one epoch of `zfviz train --profile paper` (ZFNet at 224x224)
# on an Imagenette-sized set, then the 70-epoch run extrapolated from it.
#
# With Imagenette in the data root (data-scripts/fetch-imagenette.sh) it times the real thing. Without it (no internet,
# as on the project's machine) it builds a stand-in of the same size and layout: Imagenette's 10 class folders holding
# 9,469 train / 3,925 val links to the 1,000 ImageNet sample photos (data-scripts/fetch-imagenet-samples.sh), so the
# decoding, resizing, 224 crops, steps and validation are the paper profile's. Its labels mean nothing: only the time
# counts. Nothing is written to the model store; the run folder and the stand-in are temporary.
#
#   scripts/paper-epoch-time.sh [--data DIR] [--precision float32|mixed|auto]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${ZFVIZ_DATA:-$HOME/.local/share/zfviz/data}
precision=""
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=${2:?--data needs a folder}; shift 2 ;;
    --precision) precision="--precision ${2:?--precision needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "paper-epoch-time: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "$(ls -d "$data"/imagenette/imagenette2-320 "$data"/imagenette/imagenette2 "$data"/imagenette/imagenette2-160 2>/dev/null)" ]; then
  # the variants Imagenette.VariantRoot accepts
  root=$data
  echo "timing on Imagenette in $data/imagenette"
else
  samples=$data/imagenet-samples
  if ! ls "$samples"/*.JPEG >/dev/null 2>&1; then
    echo "paper-epoch-time: neither Imagenette nor the ImageNet sample photos are in $data." >&2
    echo "  Fetch one: data-scripts/fetch-imagenette.sh or data-scripts/fetch-imagenet-samples.sh (--mirror DIR offline), or pass --data DIR." >&2
    exit 1
  fi
  root=$work/data
  # One process makes the 13,394 links: a shell loop forks once per link and takes minutes.
  python3 - "$samples" "$root/imagenette/imagenette2-320" <<'EOF'
import os, sys
samples, root = os.path.abspath(sys.argv[1]), sys.argv[2] # absolute: a link resolves from its own folder
photos = sorted(os.path.join(samples, f) for f in os.listdir(samples) if f.endswith(".JPEG"))
wnids = ["n01440764", "n02102040", "n02979186", "n03000684", "n03028079",
         "n03394916", "n03417042", "n03425413", "n03445777", "n03888605"]
k = 0
for split, count in (("train", 9469), ("val", 3925)):
    for w in wnids: os.makedirs(os.path.join(root, split, w))
    for i in range(count):
        os.symlink(photos[k % len(photos)], os.path.join(root, split, wnids[i % 10], f"img{i:05d}.JPEG"))
        k += 1
print(f"timing on a stand-in of Imagenette's size: {len(photos)} ImageNet sample photos from {samples} linked as 9,469 train / 3,925 val")
EOF
fi

start=$(date +%s.%N)
# shellcheck disable=SC2086 # $precision is empty or two words
ZFVIZ_DATA=$root ZFVIZ_MODELS=$work/models ./zfviz train --profile paper --model zfnet --epochs 1 $precision \
  --out "$work/run" | tee "$work/log"
end=$(date +%s.%N)
metrics=$work/run/metrics.jsonl
[ -s "$metrics" ] || { echo "paper-epoch-time: the run wrote no metrics" >&2; exit 1; }
options=$(stat -c %Y "$work/run/options.json")
python3 - "$metrics" "$work/log" "$start" "$end" "$options" <<'EOF'
import json, re, sys
m = json.loads(open(sys.argv[1]).readline())
train, test = map(int, re.search(r"\((\d+) train / (\d+) test images\)", open(sys.argv[2]).read()).groups())
start, end, trained_from = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
epoch, rate = m["seconds"], m["images_per_second"]
steps = train / rate
validation = epoch - steps
print(f"\nprepare (decode {train + test} photos, resize to 256, per-pixel mean): {trained_from - start:.0f} s")
print(f"one epoch: {epoch:.0f} s = {steps:.0f} s of training steps at {rate:.1f} images/s + {validation:.0f} s of validation ({test} images)")
print(f"70 epochs (the paper's schedule): {70 * epoch / 3600:.1f} hours, plus the preparation and the final 10-view test (about {10 * validation / 60:.0f} min)")
print(f"whole command: {end - start:.0f} s")
EOF
