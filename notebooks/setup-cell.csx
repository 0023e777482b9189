// ZFViz setup: the identical first cell of every notebook (tests check that it matches notebooks/setup-cell.csx).
// Paths are relative to this folder, which is the kernel's working directory in VS Code and in `zfviz notebooks run`.
// If these fail with "Metadata file ... could not be found", build first: ./setup.sh
#r "../lib/ZfViz/bin/Release/net10.0/ZfViz.Core.dll"
#r "../lib/ZfViz/bin/Release/net10.0/TorchSharp.dll"
#r "../lib/ZfViz/bin/Release/net10.0/SixLabors.ImageSharp.dll"
#r "../lib/ZfViz/bin/Release/net10.0/Plotly.NET.dll"
#r "../lib/ZfViz/bin/Release/net10.0/Plotly.NET.CSharp.dll"
#r "../lib/ZfViz/bin/Release/net10.0/Plotly.NET.Interactive.dll"
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using TorchSharp;
using static TorchSharp.torch;
using ZfViz.Runtime;
using ZfViz.Viz;
// 1. FSharp.Core resolver (before Plotly loads)  2. torch.InitializeDeviceType  3. profile from ZFVIZ_PROFILE
var zf = ZfViz.Notebook.NotebookSession.Start();
IKernelExtension plotlyFormatter = new Plotly.NET.Interactive.FormatterKernelExtension();
await plotlyFormatter.OnLoadAsync(Kernel.Root);
Formatter.Register<SixLabors.ImageSharp.Image>((image, writer) => writer.Write(ImageHtml.ToImgTag(image)), "text/html");
Formatter.Register<HtmlFragment>((fragment, writer) => writer.Write(fragment.Html), "text/html");
zf
