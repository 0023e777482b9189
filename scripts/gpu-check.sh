#!/usr/bin/env bash
# The CUDA route, checked on a machine with an NVIDIA GPU (the project has none: this script has not been run by it).
# 1. builds against TorchSharp-cuda-linux (ZFVIZ_TORCH=cuda ./setup.sh, data step skipped)
# 2. checks that libtorch sees the GPU and that ZFViz placed itself on it (zfviz info)
# 3. zfviz bench: training and inference images/s of zfnet at 224
# 4. zfviz train --profile paper for one short epoch on a slice of the paper data (ILSVRC-2012 or Imagenette, as
#    ProfileModels picks; --train-images/--eval-images keep it short; its own run folder, not the model store's)
# 5. notebooks 02 and 03 in the paper profile (a full paper run of 02 trains for hours: set ZFVIZ_GPU_CHECK_NOTEBOOKS=0
#    to skip, or run it after a `zfviz train --profile paper` has filled the model store)
# Prints what it measured. Expect under 10 minutes on one modern GPU once the data cache exists.
set -euo pipefail
cd "$(dirname "$0")/.."
slice=${ZFVIZ_GPU_CHECK_IMAGES:-2000}
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
t0=$(date +%s)
say() { printf '\n== %s\n' "$*"; }

say "build the CUDA flavour"
ZFVIZ_TORCH=cuda ZFVIZ_SKIP_DATA=1 ./setup.sh

say "device"
export ZFVIZ_DEVICE=cuda
./zfviz info | tee "$log/info"
if ! grep -Eq "^Device +cuda" "$log/info"; then
  echo "gpu-check: zfviz info does not report a CUDA device; is the NVIDIA driver installed (nvidia-smi)?" >&2
  exit 1
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

say "zfviz bench (zfnet, 224x224)"
./zfviz bench --model zfnet --batch-train 128 --batch-infer 256 --repetitions 5 | tee "$log/bench"

say "zfviz train --profile paper: one epoch of $slice images"
run=$(mktemp -d)
t1=$(date +%s)
./zfviz train --profile paper --epochs 1 --train-images "$slice" --eval-images 500 --out "$run" --force | tee "$log/train"
t2=$(date +%s)
rm -rf "$run"

nb_seconds="skipped"
if [ "${ZFVIZ_GPU_CHECK_NOTEBOOKS:-1}" != 0 ]; then
  say "notebooks 02 and 03, paper profile"
  t3=$(date +%s)
  ./zfviz notebooks run --profile paper --filter 02- --out notebooks-out-gpu
  ./zfviz notebooks run --profile paper --filter 03- --out notebooks-out-gpu
  nb_seconds=$(( $(date +%s) - t3 ))
fi

say "measured"
grep -Ei "train.*img/s|images/s" "$log/bench" | head -3 || true
grep -E "img/s" "$log/train" | tail -1 || true
echo "train, one epoch of $slice images (with loading and 10-view test): $((t2 - t1)) s"
echo "notebooks 02 + 03: $nb_seconds s"
echo "total: $(( $(date +%s) - t0 )) s"
