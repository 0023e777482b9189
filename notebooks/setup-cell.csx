// ZFViz setup: the identical first cell of every notebook (tests check that it matches notebooks/setup-cell.csx).
// Paths are relative to this folder, which is the kernel's working directory in VS Code, Jupyter and `zfviz notebooks run`.
// If these fail with "Metadata file ... could not be found", build first: ./setup.sh
#pragma warning disable CS1701, CS1702 // harmless assembly-version notes the Jupyter kernel would show (see NotebookSession)
#r "../lib/ZfViz/bin/Release/net10.0/ZfViz.Core.dll"
#r "../lib/ZfViz/bin/Release/net10.0/TorchSharp.dll"
#r "../lib/ZfViz/bin/Release/net10.0/SixLabors.ImageSharp.dll"
#r "../lib/ZfViz/bin/Release/net10.0/Plotly.NET.dll"
#r "../lib/ZfViz/bin/Release/net10.0/Plotly.NET.CSharp.dll"
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using TorchSharp;
using static TorchSharp.torch;
using ZfViz.Runtime;
using ZfViz.Viz;
// 1. FSharp.Core resolver (before Plotly loads)  2. torch.InitializeDeviceType  3. profile from ZFVIZ_PROFILE  4. quiet kernel
var zf = ZfViz.Notebook.NotebookSession.Start(csharpKernel: Kernel.Root.FindKernelByName("csharp"));
// Charts draw with the plotly.js that this cell's output loads (offline copy, no CDN); images embed as compact PNG/JPEG.
Formatter.Register<Plotly.NET.GenericChart>((chart, writer) => writer.Write(PlotlyNotebookHtml.ChartHtml(chart)), "text/html");
Formatter.Register<SixLabors.ImageSharp.Image>((image, writer) => writer.Write(ImageHtml.ToImgTag(image)), "text/html");
Formatter.Register<HtmlFragment>((fragment, writer) => writer.Write(fragment.Html), "text/html");
Formatter.Register<ZfViz.Notebook.NotebookSession>((session, writer) => writer.Write(session.ToHtml()), "text/html");
zf
