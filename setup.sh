#!/usr/bin/env bash
# ZFViz set-up: takes a machine with the .NET 10 SDK to a working install. Safe to run again (a second run changes nothing).
#   restore + build (Release) -> pinned local .NET tools (dotnet-repl) -> TorchSharp libstdc++ fix where needed
#   -> numerics check (zfviz doctor: a oneDNN ISA cap where this CPU's default convolutions are wrong)
#   -> data sets (data-scripts/fetch-all.sh; offline: ZFVIZ_DATA_MIRROR=/path/to/mirror)
#   -> notebook extras (offline plotly.js; jupyter-nbconvert + kernel spec; chromium) -> `zfviz info`.
# Options (environment): ZFVIZ_TORCH=cpu|cuda (libtorch flavour, default cpu), ZFVIZ_SKIP_DATA=1 (no data step).
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n== %s\n' "$*"; }

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET SDK is not on PATH. Install the .NET 10 SDK (https://dotnet.microsoft.com/download," >&2
  echo "       or 'apt-get install dotnet-sdk-10.0' from Microsoft's package feed), then run ./setup.sh again." >&2
  exit 1
fi
torch_flavour=${ZFVIZ_TORCH:-cpu}
case "$torch_flavour" in cpu|cuda) ;; *) echo "setup: ZFVIZ_TORCH must be cpu or cuda, not '$torch_flavour'" >&2; exit 2;; esac

step "local .NET tools (.config/dotnet-tools.json)"
dotnet tool restore

step "build (Release, $torch_flavour libtorch)"
dotnet build Notebooks.sln -c Release -p:ZfVizTorch="$torch_flavour" -nologo -clp:NoSummary -v:quiet

zfviz=(dotnet lib/ZfViz.Cli/bin/Release/net10.0/zfviz.dll)

step "TorchSharp native library check (libstdc++ GLIBCXX_3.4.32)"
"${zfviz[@]}" fix-torch

step "numerics check (zfviz doctor): this CPU's convolutions against float64"
# Stops set-up (exit 1) if no oneDNN setting gives right convolutions here; see README "Troubleshooting".
"${zfviz[@]}" doctor

if [ "${ZFVIZ_SKIP_DATA:-0}" != 1 ] && [ -x data-scripts/fetch-all.sh ]; then
  step "data sets"
  data-scripts/fetch-all.sh
fi

# --- Notebook extras (issue 14): its own step, so other set-up steps stay separate. -----------------------------
# Offline charts need the pinned plotly.js (tools root, $ZFVIZ_TOOLS); the Jupyter route needs jupyter-nbconvert and
# the .NET kernel spec (project-local .jupyter/); the gallery's static chart images need headless Chromium.
# As root with apt-get, missing Debian packages are installed (ZFVIZ_SKIP_SYSTEM_PACKAGES=1: never); otherwise named.
step "notebook extras (offline plotly.js, Jupyter kernel route, gallery chart renderer)"
if ! "${zfviz[@]}" notebooks plotly-js; then
  echo "setup: warning: no offline plotly.js (message above): notebook charts load it from the CDN until it is fetched." >&2
fi
missing_packages=()
command -v jupyter-nbconvert >/dev/null 2>&1 || missing_packages+=(jupyter-nbconvert)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 \
  || missing_packages+=(chromium)
if [ ${#missing_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "${ZFVIZ_SKIP_SYSTEM_PACKAGES:-0}" != 1 ]; then
    echo "installing ${missing_packages[*]} (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_packages[@]}" >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_packages[@]}" >/dev/null; } \
      || echo "setup: warning: could not install ${missing_packages[*]}; the Jupyter route / gallery images are unavailable." >&2
  else
    echo "setup: optional, not installed: ${missing_packages[*]} (jupyter-nbconvert: 'zfviz notebooks run --kernel jupyter';"
    echo "       chromium: static chart images in 'zfviz notebooks html'). Install: sudo apt-get install ${missing_packages[*]}"
  fi
fi
if command -v jupyter-nbconvert >/dev/null 2>&1 && [ ! -f .jupyter/kernels/.net-csharp/kernel.json ]; then
  mkdir -p .jupyter/kernels
  DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 dotnet tool run dotnet-interactive -- jupyter install --path .jupyter/kernels >/dev/null
  echo "Jupyter kernel spec .net-csharp installed in $(pwd)/.jupyter (JUPYTER_PATH for 'zfviz notebooks run --kernel jupyter')"
fi

step "environment"
"${zfviz[@]}" info
printf '\nsetup: done. Run the notebooks with ./zfviz notebooks run, the tests with ./test.sh\n'
