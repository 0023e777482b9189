using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using ZfViz.Notebook;
using ZfViz.Runtime;
using ZfViz.Viz;

namespace ZfViz.Tests.Notebook;

[Collection("tools root")]
public class NotebookGalleryTests : IDisposable
{
    readonly TempFolders temp = new();

    public void Dispose() => temp.Dispose();

    static JsonObject Cell(string type, string source, params JsonObject[] outputs)
    {
        var cell = new JsonObject { ["cell_type"] = type, ["metadata"] = new JsonObject(), ["source"] = new JsonArray(source) };
        if (type == "code") { cell["outputs"] = new JsonArray(outputs.Cast<JsonNode>().ToArray()); cell["execution_count"] = 1; }
        return cell;
    }

    static JsonObject HtmlOutput(string html) =>
        new() { ["output_type"] = "display_data", ["metadata"] = new JsonObject(), ["data"] = new JsonObject { ["text/html"] = new JsonArray(html) } };

    /// <summary>An executed "02-training" the way the runner writes it: the setup cell's loader, a learning curve, a sheet image.</summary>
    (string Folder, string ChartId) ExecutedSeries()
    {
        var folder = temp.New("zfviz-executed");
        var chart = Charts.Lines("Learning curve", "epoch", "top-1 error %",
            [new Series("train", [1, 2, 3, 4, 5], [80.0, 60, 45, 40, 38]), new Series("test", [1, 2, 3, 4, 5], [82.0, 66, 55, 50, 49])]);
        var chartHtml = PlotlyNotebookHtml.ChartHtml(chart);
        var chartId = PlotlyNotebookHtml.FindCharts(chartHtml).Single().Id;
        using var sheet = new Image<Rgb24>(120, 90, new Rgb24(255, 255, 255));
        for (int y = 10; y < 80; y++) for (int x = 10; x < 110; x++) sheet[x, y] = new Rgb24((byte)(2 * x), (byte)(3 * y), 90);
        var nb = new JsonObject
        {
            ["cells"] = new JsonArray(
                Cell("markdown", "# 02 · Training ZFNet (Sec. 3, Fig. 3)\n\nSome *text* with a [link](https://example.org).\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
                Cell("code", "var zf = NotebookSession.Start();", HtmlOutput("<div>ZFViz ready</div>\n" + PlotlyNotebookHtml.LoaderHtml())),
                Cell("markdown", "## Curves\n\n- one\n- two"),
                Cell("code", "display(chart);", HtmlOutput(chartHtml)),
                Cell("code", "display(sheet);", HtmlOutput(ImageHtml.ToImgTag(sheet)),
                     new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray("printed <b>text</b>\n") })),
            ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
        File.WriteAllText(Path.Combine(folder, "02-training.ipynb"), nb.ToJsonString());
        return (folder, chartId);
    }

    string Readme()
    {
        var path = Path.Combine(temp.New("zfviz-readme"), "README.md");
        File.WriteAllText(path, "# X\n\n## Notebooks: paper section by section\n\n| # | notebook | paper |\n|---|---|---|\n" +
                                "| 00 | [setup](notebooks/00-setup.ipynb): checks | environment |\n" +
                                "| 02 | [training](notebooks/02-training.ipynb): curves | Sec. 3, Fig. 3 |\n\n## Next\n");
        return path;
    }

    [Fact]
    public void ThePagesHoldTheMarkdownCodeAndOutputsAndTheIndexHoldsTheReadmeTable()
    {
        if (!PlotlyJs.IsInstalled()) PlotlyJs.EnsureInstalled(); // the one network use of these tests (setup fetches it)
        var (folder, chartId) = ExecutedSeries();
        using var siteFolder = new TempFolder("zfviz-site");
        var site = siteFolder.Path;
        var result = new NotebookGallery { ExecutedFolder = folder, SiteFolder = site, Readme = Readme() }.Build();

        Assert.Equal(new[] { "02-training.html" }, result.Pages);
        Assert.Equal(1, result.Charts);
        Assert.Equal(PlotlyJs.FileSha256, PlotlyJs.Sha256Hex(File.ReadAllBytes(Path.Combine(site, "plotly.min.js"))));
        var index = File.ReadAllText(result.IndexPath);
        Assert.Contains("<table>", index);
        Assert.Contains("<a href=\"02-training.html\">training</a>", index);
        Assert.DoesNotContain("00-setup", index); // no executed copy, no row

        var page = File.ReadAllText(Path.Combine(site, "02-training.html"));
        Assert.Contains("<h1", page);
        Assert.Contains("<em>text</em>", page);
        Assert.Contains("<li>one</li>", page);
        Assert.Contains("<td>1</td>", page);
        Assert.Contains("display(chart);", page);
        Assert.Contains("printed &lt;b&gt;text&lt;/b&gt;", page);
        Assert.Contains($"<div id=\"{chartId}\"", page);
        Assert.Contains("<script src=\"plotly.min.js\"></script>", page);
        Assert.DoesNotContain(PlotlyNotebookHtml.LoaderMarker, page); // the 1.5 MB loader is replaced by the linked file
        Assert.DoesNotContain("cdn.plot.ly", page);
        Assert.True(page.Length < 100_000, $"{page.Length} characters");
    }

    [Fact]
    public void AChartWhoseExecutedOutputCarriesItsPngIsNotDrawnAgain()
    {
        if (!PlotlyJs.IsInstalled()) PlotlyJs.EnsureInstalled();
        var (folder, chartId) = ExecutedSeries();
        // The runner's post-processing put a PNG beside the chart's HTML (here a stand-in made with ImageSharp).
        using var stand = new Image<Rgb24>(40, 30, new Rgb24(10, 200, 30));
        using var ms = new MemoryStream();
        stand.SaveAsPng(ms);
        var path = Path.Combine(folder, "02-training.ipynb");
        var nb = JsonNode.Parse(File.ReadAllText(path))!;
        var chart = nb["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? []).Single(o => o!.ToJsonString().Contains(chartId));
        chart!["data"]![ExecutedNotebookChartImages.PngMime] = Convert.ToBase64String(ms.ToArray());
        File.WriteAllText(path, nb.ToJsonString());

        using var siteFolder = new TempFolder("zfviz-site");
        var site = siteFolder.Path;
        var result = new NotebookGallery { ExecutedFolder = folder, SiteFolder = site, Renderer = null }.Build(); // no browser needed

        Assert.Equal((1, 1, (string?)null), (result.Charts, result.StaticImages, result.StaticImagesNote));
        Assert.Equal(ms.ToArray(), File.ReadAllBytes(Path.Combine(site, "charts", chartId + ".png")));
        var page = File.ReadAllText(Path.Combine(site, "02-training.html"));
        Assert.Contains($"<noscript><img class=\"chart-png\" src=\"charts/{chartId}.png\"", page);
        Assert.DoesNotContain("data:image/png;base64," + Convert.ToBase64String(ms.ToArray())[..40], page); // shown once, as the chart's fallback
    }

    [Fact]
    public void BadInputSaysWhatIsWrong()
    {
        using var emptyFolder = new TempFolder("zfviz-empty");
        var empty = emptyFolder.Path;
        var site = Path.Combine(empty, "site");
        var e = Assert.Throws<UserInputException>(() => new NotebookGallery { ExecutedFolder = empty, SiteFolder = site }.Build());
        Assert.Contains("no executed notebooks", e.Message);
        Assert.Contains("zfviz notebooks run", e.Message);
        Assert.Throws<UserInputException>(() => new NotebookGallery { ExecutedFolder = Path.Combine(empty, "missing"), SiteFolder = site }.Build());

        var (folder, _) = ExecutedSeries();
        var old = Environment.GetEnvironmentVariable(ZfVizPaths.ToolsVariable);
        Environment.SetEnvironmentVariable(ZfVizPaths.ToolsVariable, Path.Combine(empty, "no-tools"));
        try
        {
            var missing = Assert.Throws<UserInputException>(() => new NotebookGallery { ExecutedFolder = folder, SiteFolder = site }.Build());
            Assert.Contains("plotly.js 2.28.0 is missing", missing.Message);
        }
        finally { Environment.SetEnvironmentVariable(ZfVizPaths.ToolsVariable, old); }
    }

    [Fact]
    public void TheCliExitsNonZeroWithAClearMessageForAFolderWithoutExecutedCopies()
    {
        using var emptyFolder = new TempFolder("zfviz-empty");
        var empty = emptyFolder.Path;
        var r = CliProcess.Run("notebooks", "html", "--executed", empty, "--out", Path.Combine(empty, "site"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("zfviz: error:", r.Stderr);
        Assert.Contains("no executed notebooks", r.Stderr);
    }

    [ChromiumFact]
    public void InAnOfflineBrowserTheLearningCurveIsDrawnAndTheSheetImageDecodes()
    {
        if (!PlotlyJs.IsInstalled()) PlotlyJs.EnsureInstalled();
        var (folder, chartId) = ExecutedSeries();
        using var siteFolder = new TempFolder("zfviz-site");
        var site = siteFolder.Path;
        var browser = new ChartImageRenderer(ChartImageRenderer.FindBrowser()!);
        var result = new NotebookGallery { ExecutedFolder = folder, SiteFolder = site, Renderer = browser }.Build();

        // The static image for readers without JavaScript, rendered by plotly.js in Chromium from the same JSON.
        Assert.Equal(1, result.StaticImages);
        var page = Path.Combine(site, "02-training.html");
        Assert.Contains($"<noscript><img class=\"chart-png\" src=\"charts/{chartId}.png\"", File.ReadAllText(page));
        using (var png = Image.Load<Rgba32>(Path.Combine(site, "charts", chartId + ".png")))
            Assert.True(png.Width >= 300 && png.Height >= 300, $"{png.Width}x{png.Height}");

        AssertChartDrawn(page, chartId);
        AssertSheetImageDecodes(File.ReadAllText(page), minWidth: 100);
    }

    /// <summary>
    /// The gallery of the real executed series (test.sh builds it after running the notebooks and sets
    /// ZFVIZ_GALLERY_SITE): notebook 02's learning curve drawn offline, notebook 03's top-9 sheet present.
    /// </summary>
    [ChromiumFact]
    public void TheExecutedSeriesGalleryDrawsNotebook02sLearningCurveAndShows03sTopNineSheet()
    {
        if (Environment.GetEnvironmentVariable("ZFVIZ_GALLERY_SITE") is not { Length: > 0 } site)
            return; // unit-test run: test.sh runs this again once the series is executed and the gallery built
        var page02 = Path.Combine(site, "02-training.html");
        var html02 = File.ReadAllText(page02);
        var curve = PlotlyNotebookHtml.FindCharts(html02)
            .First(c => Regex.IsMatch(c.Spec["layout"]?["title"]?.ToJsonString() ?? "", "loss|error|curve", RegexOptions.IgnoreCase));
        AssertChartDrawn(page02, curve.Id);
        AssertSheetImageDecodes(File.ReadAllText(Path.Combine(site, "03-feature-visualization.html")), minWidth: 200);
    }

    static void AssertChartDrawn(string page, string chartId)
    {
        using var shot = GalleryBrowser.ScreenshotChart(page, chartId);
        Assert.True(shot.PlotlyLoaded, "plotly.js did not load or draw offline");
        Assert.True(shot.Width > 200 && shot.Height > 200, $"chart box {shot.Width}x{shot.Height}");
        var coloured = shot.ColouredPixelsInBox();
        Assert.True(coloured > 200, $"only {coloured} coloured pixels inside the chart's box: the curves are not drawn");
    }

    static void AssertSheetImageDecodes(string html, int minWidth)
    {
        var uris = Regex.Matches(html, "<img src=\"data:image/(png|jpeg);base64,([A-Za-z0-9+/=]+)\"").Select(m => m.Groups[2].Value).ToList();
        Assert.NotEmpty(uris);
        using var largest = uris.Select(u => Image.Load<Rgb24>(Convert.FromBase64String(u))).OrderByDescending(i => i.Width * i.Height).First();
        Assert.True(largest.Width >= minWidth, $"largest image {largest.Width}x{largest.Height}");
    }
}
