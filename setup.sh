#!/usr/bin/env bash
# ZFViz set-up: takes a machine with the .NET 10 SDK to a working install. Safe to run again (a second run changes nothing).
#   restore + build (Release) -> pinned local .NET tools (dotnet-repl) -> TorchSharp libstdc++ fix where needed
#   -> numerics check (zfviz doctor: a oneDNN ISA cap where this CPU's default convolutions are wrong) -> data sets (data-scripts/fetch-all.sh; offline: ZFVIZ_DATA_MIRROR=/path/to/mirror) -> `zfviz info`.
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

step "environment"
"${zfviz[@]}" info
printf '\nsetup: done. Run the notebooks with ./zfviz notebooks run, the tests with ./test.sh\n'
