# ZFViz set-up on Windows (PowerShell). Same steps as setup.sh; Windows needs no libstdc++ fix.
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) { throw 'Install the .NET 10 SDK (https://dotnet.microsoft.com/download) first.' }
$torch = if ($env:ZFVIZ_TORCH) { $env:ZFVIZ_TORCH } else { 'cpu' }
dotnet tool restore
dotnet build Notebooks.sln -c Release -p:ZfVizTorch=$torch -nologo -v:quiet
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
# Numerics check: stops set-up if no oneDNN setting gives right convolutions on this CPU (README, Troubleshooting).
dotnet lib/ZfViz.Cli/bin/Release/net10.0/zfviz.dll doctor
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
# Notebook extras: the pinned plotly.js for charts without a CDN (non-fatal: charts fall back to the CDN).
dotnet lib/ZfViz.Cli/bin/Release/net10.0/zfviz.dll notebooks plotly-js
if ($LASTEXITCODE -ne 0) { Write-Warning 'no offline plotly.js: notebook charts load it from the CDN until it is fetched' }
dotnet lib/ZfViz.Cli/bin/Release/net10.0/zfviz.dll info
