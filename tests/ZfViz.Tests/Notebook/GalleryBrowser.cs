using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using ZfViz.Notebook;

namespace ZfViz.Tests.Notebook;

/// <summary>
/// Looks at a gallery page the way a reader does: headless Chromium with the network off loads the page from disk,
/// lets its scripts run, and takes a screenshot. A copy of the page (beside it, so plotly.min.js resolves) gets a
/// few lines that write the chart's box (page coordinates) into the page, read back with --dump-dom; the screenshot
/// is then taken with a window tall enough to hold the box (headless screenshots show the top of the page).
/// </summary>
public static class GalleryBrowser
{
    public sealed record Shot(Image<Rgba32> Screenshot, int Left, int Top, int Width, int Height, bool PlotlyLoaded) : IDisposable
    {
        public void Dispose() => Screenshot.Dispose();

        /// <summary>Pixels inside the chart's box that are clearly coloured (trace lines), not white/grey background or text.</summary>
        public int ColouredPixelsInBox()
        {
            int n = 0;
            for (int y = Math.Max(0, Top); y < Math.Min(Screenshot.Height, Top + Height); y++)
                for (int x = Math.Max(0, Left); x < Math.Min(Screenshot.Width, Left + Width); x++)
                {
                    var p = Screenshot[x, y];
                    if (Math.Max(p.R, Math.Max(p.G, p.B)) - Math.Min(p.R, Math.Min(p.G, p.B)) > 60) n++;
                }
            return n;
        }
    }

    const int WindowWidth = 1280, WindowHeight = 1000;

    public static Shot ScreenshotChart(string page, string chartId)
    {
        var browser = ChartImageRenderer.FindBrowser() ?? throw new InvalidOperationException(ChartImageRenderer.MissingBrowserMessage);
        var renderer = new ChartImageRenderer(browser) { Timeout = TimeSpan.FromMinutes(3) };
        var probe = Path.Combine(Path.GetDirectoryName(page)!, "zfviz-probe-" + Guid.NewGuid().ToString("N") + ".html");
        var profile = Directory.CreateTempSubdirectory("zfviz-chromium").FullName;
        var png = Path.Combine(profile, "shot.png");
        try
        {
            var script = $$"""
                <script>
                window.addEventListener('load', function () {
                  setTimeout(function () {
                    var el = document.getElementById('{{chartId}}');
                    var r = el.getBoundingClientRect();
                    var pre = document.createElement('pre');
                    pre.id = 'zfviz-probe';
                    pre.textContent = JSON.stringify({ left: r.left + window.scrollX, top: r.top + window.scrollY, width: r.width, height: r.height,
                                                       plotly: !!window.Plotly, drawn: !!el.querySelector('.main-svg') });
                    document.body.appendChild(pre);
                    pre.style.position = 'fixed'; pre.style.right = '0'; pre.style.bottom = '0'; pre.style.visibility = 'hidden';
                  }, 500);
                });
                </script>
                """;
            File.WriteAllText(probe, File.ReadAllText(page).Replace("</body>", script + "</body>"));
            var url = new Uri(probe).AbsoluteUri;
            var common = ChartImageRenderer.HeadlessArguments(profile).Concat(["--virtual-time-budget=20000"]).ToList();
            var (_, dom) = renderer.Run(common.Concat([$"--window-size={WindowWidth},{WindowHeight}", "--dump-dom", url]));
            const string open = "<pre id=\"zfviz-probe\"";
            int at = dom.IndexOf(open, StringComparison.Ordinal);
            if (at < 0) throw new InvalidOperationException("the page's probe did not run (chart id missing?)");
            int start = dom.IndexOf('>', at) + 1, end = dom.IndexOf("</pre>", start, StringComparison.Ordinal);
            var box = JsonNode.Parse(System.Net.WebUtility.HtmlDecode(dom[start..end]))!;
            int bottom = (int)(box["top"]!.GetValue<double>() + box["height"]!.GetValue<double>()) + 20;
            renderer.Run(common.Concat([$"--window-size={WindowWidth},{Math.Max(WindowHeight, bottom)}", $"--screenshot={png}", url]));
            var image = Image.Load<Rgba32>(png);
            return new Shot(image, (int)box["left"]!.GetValue<double>(), (int)box["top"]!.GetValue<double>(),
                            (int)box["width"]!.GetValue<double>(), (int)box["height"]!.GetValue<double>(),
                            box["plotly"]!.GetValue<bool>() && box["drawn"]!.GetValue<bool>());
        }
        finally
        {
            File.Delete(probe);
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        }
    }
}
