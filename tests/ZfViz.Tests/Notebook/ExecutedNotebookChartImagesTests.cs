using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using ZfViz.Notebook;
using ZfViz.Viz;

namespace ZfViz.Tests.Notebook;

/// <summary>Static chart images in executed copies (for GitHub's view and PDF export, which run no JavaScript).</summary>
[Collection("tools root")]
public class ExecutedNotebookChartImagesTests : IDisposable
{
    readonly TempFolders temp = new();

    public void Dispose() => temp.Dispose();

    static JsonObject HtmlOutput(string html) =>
        new() { ["output_type"] = "display_data", ["metadata"] = new JsonObject(), ["data"] = new JsonObject { ["text/html"] = new JsonArray(html) } };

    static string Curve(string name, double[] y) => PlotlyNotebookHtml.ChartHtml(
        Charts.Lines("Learning curve " + name, "epoch", "error %", [new Series(name, [1, 2, 3, 4, 5], y)]));

    /// <summary>An executed copy as the runner writes it: the setup cell's output, one chart, then one output with two charts.</summary>
    string ExecutedCopy()
    {
        JsonObject Cell(params JsonObject[] outputs) => new()
        {
            ["cell_type"] = "code", ["execution_count"] = 1, ["metadata"] = new JsonObject(), ["source"] = new JsonArray("x"),
            ["outputs"] = new JsonArray(outputs.Cast<JsonNode>().ToArray()),
        };
        var nb = new JsonObject
        {
            ["cells"] = new JsonArray(
                Cell(HtmlOutput("<div>ZFViz ready</div>")),
                Cell(HtmlOutput(Curve("train", [80, 60, 45, 40, 38]))),
                Cell(HtmlOutput(Curve("a", [1, 3, 2, 5, 4]) + "\n<p>and</p>\n" + Curve("b", [5, 4, 3, 2, 1])))),
            ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
        var path = Path.Combine(temp.New("zfviz-executed"), "02-training.ipynb");
        File.WriteAllText(path, nb.ToJsonString());
        return path;
    }

    static JsonObject Data(string path, int cell) =>
        JsonNode.Parse(File.ReadAllText(path))!["cells"]![cell]!["outputs"]![0]!["data"]!.AsObject();

    [ChromiumFact]
    public void EachChartOutputGainsAPngOfItsFigureAndKeepsItsHtml()
    {
        if (!PlotlyJs.IsInstalled()) PlotlyJs.EnsureInstalled();
        var path = ExecutedCopy();
        var html = Data(path, 1)["text/html"]!.ToJsonString();

        var result = ExecutedNotebookChartImages.Add(path, new ChartImageRenderer(ChartImageRenderer.FindBrowser()!));

        Assert.Equal(3, result.Charts);
        Assert.Equal(2, result.Images);
        Assert.False(Data(path, 0).ContainsKey(ExecutedNotebookChartImages.PngMime)); // no chart, no image
        var chart = Data(path, 1);
        Assert.Equal(html, chart["text/html"]!.ToJsonString());                       // live viewers still draw from the HTML
        using var png = Image.Load<Rgba32>(Convert.FromBase64String(chart[ExecutedNotebookChartImages.PngMime]!.GetValue<string>()));
        Assert.True(png.Width >= 300 && png.Height >= 300, $"{png.Width}x{png.Height}");
        // Not all background: the axes, labels and the trace are drawn, and the trace is in colour.
        var background = png[1, 1];
        int differ = 0, coloured = 0;
        for (int y = 0; y < png.Height; y++)
            for (int x = 0; x < png.Width; x++)
            {
                var p = png[x, y];
                if (!p.Equals(background)) differ++;
                if (Math.Max(p.R, Math.Max(p.G, p.B)) - Math.Min(p.R, Math.Min(p.G, p.B)) > 60) coloured++;
            }
        Assert.True(differ > png.Width * png.Height / 100, $"{differ} of {png.Width * png.Height} pixels differ from the background");
        Assert.True(coloured > 200, $"only {coloured} coloured pixels: the curve is not drawn");

        // Two charts in one output: one bundle holds one PNG, so they are stacked.
        using var stacked = Image.Load<Rgba32>(Convert.FromBase64String(Data(path, 2)[ExecutedNotebookChartImages.PngMime]!.GetValue<string>()));
        Assert.Equal(png.Width, stacked.Width);
        Assert.Equal(2 * png.Height, stacked.Height);

        // Run again: the outputs that have a PNG are left as they are, and no browser is started.
        var before = File.ReadAllText(path);
        Assert.Equal(0, ExecutedNotebookChartImages.Add(path, new ChartImageRenderer("/nonexistent/chromium")).Charts);
        Assert.Equal(before, File.ReadAllText(path));
    }

    [Fact]
    public void ALineChartStaysAPngAndAWidePhotoLikeSheetBecomesASmallerJpeg()
    {
        // A chart: white with a few coloured lines. PNG, size kept.
        using var chart = new Image<Rgba32>(600, 400, new Rgba32(255, 255, 255, 255));
        for (int x = 50; x < 550; x++) { chart[x, 300 - x / 3] = new Rgba32(31, 119, 180, 255); chart[x, 350] = new Rgba32(0, 0, 0, 255); }
        var (mime, bytes) = ExecutedNotebookChartImages.Encode(chart);
        Assert.Equal(ExecutedNotebookChartImages.PngMime, mime);
        using (var decoded = Image.Load<Rgba32>(bytes)) Assert.Equal((600, 400), (decoded.Width, decoded.Height));

        // A top-9 sheet of photos (an image trace), as wide as notebook 03's conv5 chart: noise stands in for photos.
        var random = new Random(7);
        using var sheet = new Image<Rgba32>(1652, 446);
        for (int y = 0; y < sheet.Height; y++)
            for (int x = 0; x < sheet.Width; x++)
                sheet[x, y] = new Rgba32((byte)random.Next(256), (byte)(x / 7), (byte)(y / 2), 255);
        var (sheetMime, sheetBytes) = ExecutedNotebookChartImages.Encode(sheet);
        Assert.Equal(ExecutedNotebookChartImages.JpegMime, sheetMime);
        using var small = Image.Load<Rgba32>(sheetBytes);
        Assert.Equal((ExecutedNotebookChartImages.MaxWidth, 324), (small.Width, small.Height)); // 446 * 1200 / 1652 = 323.96
        using var png = new MemoryStream();
        small.SaveAsPng(png);
        Assert.True(sheetBytes.Length < png.Length / 2, $"JPEG {sheetBytes.Length} B vs PNG {png.Length} B");
    }

    [Fact]
    public void ABrowserThatDrawsNothingLeavesTheCopyAsItWas()
    {
        if (!PlotlyJs.IsInstalled()) PlotlyJs.EnsureInstalled();
        var path = ExecutedCopy();
        var before = File.ReadAllText(path);
        var result = ExecutedNotebookChartImages.Add(path, new ChartImageRenderer("/bin/false"));
        Assert.Equal(new ChartImagesResult(3, 0, 0), result);
        Assert.Equal(before, File.ReadAllText(path));
    }
}
