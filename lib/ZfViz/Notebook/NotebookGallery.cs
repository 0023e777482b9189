using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Markdig;
using ZfViz.Viz;

namespace ZfViz.Notebook;

/// <summary>What a gallery build wrote.</summary>
public sealed record GalleryResult(string IndexPath, IReadOnlyList<string> Pages, int Charts, int StaticImages, string? StaticImagesNote);

/// <summary>
/// Turns the executed series (notebooks-out/) into a static site that works offline from a folder or a course web
/// page: index.html with the paper-section table (the README's, linking the pages; else the notebooks' titles), one
/// page per notebook with its markdown, code and outputs, plotly.min.js copied beside them, and a PNG of every chart
/// (shown where JavaScript does not run): the one its executed output carries, else rendered by headless Chromium
/// from the same Plotly JSON.
/// </summary>
public sealed partial class NotebookGallery
{
    public required string ExecutedFolder { get; init; }
    public required string SiteFolder { get; init; }
    /// <summary>The README whose "Notebooks: paper section by section" table becomes the index; null or missing: titles.</summary>
    public string? Readme { get; init; }
    /// <summary>Renders the static chart images; null: no images (the pages say so).</summary>
    public ChartImageRenderer? Renderer { get; init; }

    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public GalleryResult Build(Action<string>? log = null)
    {
        if (!Directory.Exists(ExecutedFolder))
            throw new UserInputException("no such folder: run the notebooks first (./zfviz notebooks run), which writes the executed copies there", ExecutedFolder);
        var notebooks = Directory.GetFiles(ExecutedFolder, "*.ipynb").OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList();
        if (notebooks.Count == 0)
            throw new UserInputException("no executed notebooks (*.ipynb) here: run ./zfviz notebooks run first", ExecutedFolder);
        var plotly = PlotlyJs.RequireInstalled();

        Directory.CreateDirectory(SiteFolder);
        var chartsFolder = Path.Combine(SiteFolder, "charts");
        Directory.CreateDirectory(chartsFolder);
        File.Copy(plotly, Path.Combine(SiteFolder, "plotly.min.js"), overwrite: true);

        // Pass 1: read every notebook and collect its charts, so Chromium starts once for the whole series.
        var parsed = notebooks.Select(p => (Path: p, Node: JsonNode.Parse(File.ReadAllText(p))
                                                     ?? throw new UserInputException("not a notebook", p))).ToList();
        // A chart whose output already carries its static image (zfviz notebooks run adds one) is not drawn again.
        var charts = new List<(string Id, JsonNode Spec)>();
        var images = new Dictionary<string, string>(); // chart id -> file name under charts/
        foreach (var (_, nb) in parsed)
            foreach (var output in Outputs(nb))
            {
                if (Html(output) is not { } html) continue;
                var found = PlotlyNotebookHtml.FindCharts(html);
                if (found.Count == 1 && CarriedImage(output) is { } carried)
                {
                    images[found[0].Id] = found[0].Id + carried.Extension;
                    File.WriteAllBytes(Path.Combine(chartsFolder, images[found[0].Id]), carried.Bytes);
                }
                else charts.AddRange(found);
            }
        int total = images.Count + charts.Count;
        string? note = null;
        if (charts.Count > 0 && Renderer is null) note = $"static images skipped for {charts.Count} chart(s) (no Chromium)";
        else if (charts.Count > 0 && Renderer is { } renderer)
        {
            log?.Invoke($"rendering {charts.Count} chart(s) to PNG with {renderer.Browser} ...");
            var rendered = renderer.RenderAll(charts);
            foreach (var (id, png) in rendered)
            {
                images[id] = id + ".png";
                File.WriteAllBytes(Path.Combine(chartsFolder, images[id]), png);
            }
            if (rendered.Count < charts.Count) note = $"{charts.Count - rendered.Count} chart(s) could not be rendered to PNG";
        }

        var pages = new List<string>();
        var titles = new List<(string Page, string Title)>();
        foreach (var (path, nb) in parsed)
        {
            var page = Path.GetFileNameWithoutExtension(path) + ".html";
            var title = Title(nb) ?? Path.GetFileNameWithoutExtension(path);
            File.WriteAllText(Path.Combine(SiteFolder, page), RenderPage(nb, title, images), Encoding.UTF8);
            pages.Add(page);
            titles.Add((page, title));
            log?.Invoke($"  {page}");
        }
        var index = Path.Combine(SiteFolder, "index.html");
        File.WriteAllText(index, RenderIndex(titles), Encoding.UTF8);
        return new GalleryResult(index, pages, total, images.Count, note);
    }

    string RenderPage(JsonNode nb, string title, IReadOnlyDictionary<string, string> chartImages)
    {
        var body = new StringBuilder();
        bool firstCode = true;
        foreach (var cell in nb["cells"]?.AsArray() ?? [])
        {
            var type = cell?["cell_type"]?.GetValue<string>();
            var source = Text(cell?["source"]);
            if (type == "markdown") { body.Append("<section class=\"md\">").Append(Markdig.Markdown.ToHtml(source, Markdown)).Append("</section>\n"); continue; }
            if (type != "code") continue;
            var code = $"<pre class=\"code\"><code>{WebUtility.HtmlEncode(source)}</code></pre>";
            // The shared setup cell is the same everywhere: folded, so each page starts with its own story.
            body.Append(firstCode ? $"<details class=\"setup\"><summary>setup cell</summary>{code}</details>\n" : code + "\n");
            firstCode = false;
            foreach (var o in cell?["outputs"]?.AsArray() ?? []) body.Append(RenderOutput(o, chartImages));
        }
        return Page(title, "<p class=\"nav\"><a href=\"index.html\">&larr; all notebooks</a></p>\n" + body);
    }

    static string RenderOutput(JsonNode? o, IReadOnlyDictionary<string, string> chartImages)
    {
        switch (o?["output_type"]?.GetValue<string>())
        {
            case "stream":
                return $"<pre class=\"out {o["name"]?.GetValue<string>()}\">{WebUtility.HtmlEncode(Text(o["text"]))}</pre>\n";
            case "error":
                return $"<pre class=\"out error\">{WebUtility.HtmlEncode(o["ename"]?.GetValue<string>() + ": " + o["evalue"]?.GetValue<string>())}</pre>\n";
            case "display_data" or "execute_result":
                if (Html(o) is { } html)
                {
                    // The first cell's plotly.js loader and the kernel's own bootstrap script: the page links plotly.min.js instead.
                    if (html.Contains(PlotlyNotebookHtml.LoaderMarker, StringComparison.Ordinal))
                        html = html[..html.IndexOf("<div class=\"" + PlotlyNotebookHtml.LoaderMarker, StringComparison.Ordinal)];
                    if (html.Contains("dotnet-interactive-this-cell", StringComparison.Ordinal)) return "";
                    return $"<div class=\"out html\">{WithStaticImages(html, chartImages)}</div>\n";
                }
                var data = o["data"];
                foreach (var mime in new[] { "image/png", "image/jpeg" })
                    if (data?[mime] is { } img)
                        return $"<div class=\"out\"><img src=\"data:{mime};base64,{Text(img).Replace("\n", "")}\" /></div>\n";
                if (data?["text/plain"] is { } plain)
                    return $"<pre class=\"out\">{WebUtility.HtmlEncode(Text(plain))}</pre>\n";
                return "";
            default:
                return "";
        }
    }

    /// <summary>After each chart's div, its static image inside &lt;noscript&gt; (shown only where JavaScript does not run).</summary>
    static string WithStaticImages(string html, IReadOnlyDictionary<string, string> chartImages) =>
        ChartDiv().Replace(html, m => chartImages.TryGetValue(m.Groups[1].Value, out var file)
            ? m.Value + $"<noscript><img class=\"chart-png\" src=\"charts/{file}\" alt=\"chart (static image)\" /></noscript>"
            : m.Value);

    /// <summary>The PNG or JPEG a chart's executed output carries (file extension, bytes), or null.</summary>
    static (string Extension, byte[] Bytes)? CarriedImage(JsonNode output)
    {
        if (output["data"]?[ExecutedNotebookChartImages.PngMime] is { } png) return (".png", Convert.FromBase64String(Text(png).Replace("\n", "")));
        if (output["data"]?[ExecutedNotebookChartImages.JpegMime] is { } jpeg) return (".jpg", Convert.FromBase64String(Text(jpeg).Replace("\n", "")));
        return null;
    }

    [GeneratedRegex("<div id=\"(zfviz-chart-[0-9a-f]+)\" class=\"zfviz-chart\"></div>")]
    private static partial Regex ChartDiv();

    string RenderIndex(IReadOnlyList<(string Page, string Title)> pages)
    {
        var table = ReadmeTable(pages.Select(p => p.Page).ToHashSet());
        var list = table ?? "<ul>\n" + string.Concat(pages.Select(p => $"<li><a href=\"{p.Page}\">{WebUtility.HtmlEncode(p.Title)}</a></li>\n")) + "</ul>\n";
        return Page("ZFViz notebooks", "<h1>ZFViz: the notebook series, executed</h1>\n" +
            "<p>Zeiler &amp; Fergus 2014, <em>Visualizing and Understanding Convolutional Networks</em>, reproduced section by section. " +
            "Each page is an executed notebook; charts are interactive (plotly.js is included, no internet needed).</p>\n" + list);
    }

    /// <summary>The README's notebook table, its links pointing at the pages that exist; null if there is none.</summary>
    string? ReadmeTable(ISet<string> pages)
    {
        if (Readme is null || !File.Exists(Readme)) return null;
        var lines = File.ReadAllLines(Readme);
        int heading = Array.FindIndex(lines, l => l.StartsWith("## Notebooks", StringComparison.Ordinal));
        if (heading < 0) return null;
        var rows = lines.Skip(heading + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).ToList();
        if (rows.Count < 3) return null;
        var kept = rows.Take(2).Concat(rows.Skip(2).Where(r => NotebookLink().Match(r) is { Success: true } m && pages.Contains(m.Groups[1].Value + ".html")));
        var md = NotebookLink().Replace(string.Join('\n', kept), m => $"({m.Groups[1].Value}.html)");
        return Markdig.Markdown.ToHtml(md, Markdown);
    }

    [GeneratedRegex(@"\(notebooks/([0-9]{2}-[a-z0-9-]+)\.ipynb\)")]
    private static partial Regex NotebookLink();

    static string Page(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{{WebUtility.HtmlEncode(title)}}</title>
        <script src="plotly.min.js"></script>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.45; color: #222; background: #fff; }
        pre { overflow-x: auto; padding: 0.6em; border-radius: 4px; }
        pre.code { background: #f4f4f6; border-left: 3px solid #88a; }
        pre.out { background: #fff; border-left: 3px solid #ddd; }
        pre.stderr, pre.error { background: #fff0f0; border-left-color: #c44; }
        div.out { margin: 0.5em 0 1em; overflow-x: auto; }
        table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; }
        img { max-width: 100%; height: auto; }
        details.setup summary { cursor: pointer; color: #666; }
        </style>
        </head>
        <body>
        {{body}}
        </body>
        </html>
        """;

    static IEnumerable<JsonNode> Outputs(JsonNode nb) =>
        (nb["cells"]?.AsArray() ?? []).SelectMany(c => c?["outputs"]?.AsArray() ?? []).OfType<JsonNode>();

    static string? Html(JsonNode o) => o["data"]?["text/html"] is { } h ? Text(h) : null;

    /// <summary>Notebook text fields are a string or a list of lines.</summary>
    static string Text(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(x => x?.GetValue<string>())),
        JsonValue v => v.GetValue<string>(),
        _ => "",
    };

    static string? Title(JsonNode nb)
    {
        foreach (var cell in nb["cells"]?.AsArray() ?? [])
        {
            if (cell?["cell_type"]?.GetValue<string>() != "markdown") continue;
            var heading = Text(cell["source"]).Split('\n').FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal));
            if (heading is not null) return heading[2..].Trim();
        }
        return null;
    }
}
