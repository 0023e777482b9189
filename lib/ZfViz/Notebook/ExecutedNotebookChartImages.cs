using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using ZfViz.Viz;

namespace ZfViz.Notebook;

/// <summary>What adding static chart images to an executed copy did.</summary>
public sealed record ChartImagesResult(int Charts, int Images, long ImageBytes);

/// <summary>
/// Gives every Plotly chart of an executed copy a static image for viewers that run no JavaScript (GitHub's notebook
/// view, PDF/LaTeX export): the output keeps its HTML (live front ends draw the interactive chart from it) and gains
/// an <c>image/png</c> of the same figure, drawn by plotly.js in headless Chromium (<see cref="ChartImageRenderer"/>,
/// the gallery's renderer; offline, one browser start per notebook). An output that holds several charts gets them
/// stacked in one image (a display bundle has one image per MIME type). Outputs that already have one are left alone.
/// Sizes stay sensible: at most <see cref="MaxWidth"/> pixels wide, and a chart that is a photo-like raster (the
/// top-9 sheets are image traces) goes in as <c>image/jpeg</c> when its PNG would exceed <see cref="MaxPngBytes"/>.
/// </summary>
public static class ExecutedNotebookChartImages
{
    public const string PngMime = "image/png";
    public const string JpegMime = "image/jpeg";
    /// <summary>Wide enough for a notebook column (GitHub shows about 900 px), no wider.</summary>
    public const int MaxWidth = 1200;
    /// <summary>Above this a PNG is a photo-like raster, which JPEG stores in a fraction of the bytes.</summary>
    public const int MaxPngBytes = 200 * 1024;

    public static ChartImagesResult Add(string executedNotebook, ChartImageRenderer renderer)
    {
        var nb = JsonNode.Parse(File.ReadAllText(executedNotebook))!;
        var pending = new List<(JsonObject Data, IReadOnlyList<(string Id, JsonNode Spec)> Charts)>();
        foreach (var output in (nb["cells"]?.AsArray() ?? []).SelectMany(c => c?["outputs"]?.AsArray() ?? []))
        {
            if (output?["data"] is not JsonObject data || data.ContainsKey(PngMime) || data.ContainsKey(JpegMime)
                || data["text/html"] is not { } html) continue;
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
            using var image = Stack(drawn);
            var (mime, encoded) = Encode(image);
            data[mime] = Convert.ToBase64String(encoded);
            images++;
            bytes += encoded.Length;
        }
        if (images > 0) ExecutedNotebookCleaner.Write(nb, executedNotebook);
        return new ChartImagesResult(total, images, bytes);
    }

    /// <summary>The static image as it goes into the bundle: scaled down to <see cref="MaxWidth"/>, PNG unless that
    /// exceeds <see cref="MaxPngBytes"/> and JPEG (quality 85) is smaller.</summary>
    public static (string Mime, byte[] Bytes) Encode(Image<Rgba32> image)
    {
        using var scaled = image.Width > MaxWidth
            ? image.Clone(x => x.Resize(MaxWidth, (int)Math.Round(image.Height * (double)MaxWidth / image.Width)))
            : image.Clone();
        using var png = new MemoryStream();
        scaled.SaveAsPng(png);
        if (png.Length <= MaxPngBytes) return (PngMime, png.ToArray());
        using var jpeg = new MemoryStream();
        using (var opaque = scaled.CloneAs<Rgb24>()) opaque.SaveAsJpeg(jpeg, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder { Quality = 85 });
        return jpeg.Length < png.Length ? (JpegMime, jpeg.ToArray()) : (PngMime, png.ToArray());
    }

    /// <summary>Chart PNGs one below the other, on white, as one image.</summary>
    static Image<Rgba32> Stack(IReadOnlyList<byte[]> pngs)
    {
        var images = pngs.Select(p => Image.Load<Rgba32>(p)).ToList();
        if (images.Count == 1) return images[0];
        try
        {
            var sheet = new Image<Rgba32>(images.Max(i => i.Width), images.Sum(i => i.Height), new Rgba32(255, 255, 255, 255));
            int y = 0;
            foreach (var image in images)
            {
                var top = y;
                sheet.Mutate(s => s.DrawImage(image, new Point(0, top), 1f));
                y += image.Height;
            }
            return sheet;
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
