using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using ZfViz.Viz;

namespace ZfViz.Notebook;

/// <summary>What adding static chart images to an executed copy did.</summary>
public sealed record ChartImagesResult(int Charts, int Images, long PngBytes);

/// <summary>
/// Gives every Plotly chart of an executed copy a static image for viewers that run no JavaScript (GitHub's notebook
/// view, PDF/LaTeX export): the output keeps its HTML (live front ends draw the interactive chart from it) and gains
/// an <c>image/png</c> of the same figure, drawn by plotly.js in headless Chromium (<see cref="ChartImageRenderer"/>,
/// the gallery's renderer; offline, one browser start per notebook). An output that holds several charts gets them
/// stacked in one PNG (a display bundle has one image per MIME type). Outputs that already have a PNG are left alone.
/// </summary>
public static class ExecutedNotebookChartImages
{
    public const string PngMime = "image/png";

    public static ChartImagesResult Add(string executedNotebook, ChartImageRenderer renderer)
    {
        var nb = JsonNode.Parse(File.ReadAllText(executedNotebook))!;
        var pending = new List<(JsonObject Data, IReadOnlyList<(string Id, JsonNode Spec)> Charts)>();
        foreach (var output in (nb["cells"]?.AsArray() ?? []).SelectMany(c => c?["outputs"]?.AsArray() ?? []))
        {
            if (output?["data"] is not JsonObject data || data.ContainsKey(PngMime) || data["text/html"] is not { } html) continue;
            var charts = PlotlyNotebookHtml.FindCharts(Text(html));
            if (charts.Count > 0) pending.Add((data, charts));
        }
        int total = pending.Sum(p => p.Charts.Count);
        if (total == 0) return new ChartImagesResult(0, 0, 0);

        var pngs = renderer.RenderAll(pending.SelectMany(p => p.Charts).ToList());
        int images = 0;
        long bytes = 0;
        foreach (var (data, charts) in pending)
        {
            var drawn = charts.Where(c => pngs.ContainsKey(c.Id)).Select(c => pngs[c.Id]).ToList();
            if (drawn.Count == 0) continue;
            var png = drawn.Count == 1 ? drawn[0] : Stack(drawn);
            data[PngMime] = Convert.ToBase64String(png);
            images++;
            bytes += png.Length;
        }
        if (images > 0) ExecutedNotebookCleaner.Write(nb, executedNotebook);
        return new ChartImagesResult(total, images, bytes);
    }

    /// <summary>Several chart PNGs one below the other, on white, as one PNG.</summary>
    static byte[] Stack(IReadOnlyList<byte[]> pngs)
    {
        var images = pngs.Select(p => Image.Load<Rgba32>(p)).ToList();
        try
        {
            using var sheet = new Image<Rgba32>(images.Max(i => i.Width), images.Sum(i => i.Height), new Rgba32(255, 255, 255, 255));
            int y = 0;
            foreach (var image in images)
            {
                var top = y;
                sheet.Mutate(s => s.DrawImage(image, new Point(0, top), 1f));
                y += image.Height;
            }
            using var ms = new MemoryStream();
            sheet.SaveAsPng(ms);
            return ms.ToArray();
        }
        finally { foreach (var image in images) image.Dispose(); }
    }

    /// <summary>Notebook text fields are a string or a list of lines.</summary>
    static string Text(JsonNode node) => node switch
    {
        JsonArray a => string.Concat(a.Select(x => x?.GetValue<string>())),
        _ => node.GetValue<string>(),
    };
}
