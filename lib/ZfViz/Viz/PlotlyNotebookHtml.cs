using System.IO.Compression;
using System.Text.Json.Nodes;
using Newtonsoft.Json;
using Plotly.NET;
using ZfViz.Notebook;

namespace ZfViz.Viz;

/// <summary>
/// Plotly charts in notebooks without a CDN. The first cell's output loads plotly.js once per notebook (the pinned
/// offline copy, gzip-compressed into the output and unpacked by the browser); every chart's output holds only its
/// figure as JSON plus a few lines that wait for that library and draw. The gallery reads the same JSON to link a
/// local plotly.js instead and to render a static PNG of each chart.
/// </summary>
public static class PlotlyNotebookHtml
{
    /// <summary>Marks the &lt;script type="application/json"&gt; that holds a chart's {data, layout, config}.</summary>
    public const string SpecClass = "zfviz-plotly-spec";
    /// <summary>Marks the first cell's loader output (the gallery drops it and links plotly.min.js instead).</summary>
    public const string LoaderMarker = "zfviz-plotly-loader";

    static readonly JsonSerializerSettings JsonSettings = new() { ReferenceLoopHandling = ReferenceLoopHandling.Serialize };

    /// <summary>The chart's figure as one JSON object: {"data": [...], "layout": {...}, "config": {...}}.</summary>
    public static string SpecJson(GenericChart chart)
    {
        var data = JsonConvert.SerializeObject(GenericChart.getTraces(chart), JsonSettings);
        var layout = JsonConvert.SerializeObject(GenericChart.getLayout(chart), JsonSettings);
        var config = JsonConvert.SerializeObject(GenericChart.getConfig(chart), JsonSettings);
        return $"{{\"data\":{data},\"layout\":{layout},\"config\":{config}}}";
    }

    /// <summary>A chart's notebook output: a div, its figure JSON, and a script that draws it once plotly.js is loaded.</summary>
    public static string ChartHtml(GenericChart chart) => ChartHtml(SpecJson(chart), "zfviz-chart-" + Guid.NewGuid().ToString("N"));

    public static string ChartHtml(string specJson, string id) =>
        $"<div id=\"{id}\" class=\"zfviz-chart\"></div>\n" +
        $"<script type=\"application/json\" class=\"{SpecClass}\" id=\"{id}-spec\">{EscapeForScript(specJson)}</script>\n" +
        "<script type=\"text/javascript\">" + DrawScript.Replace("[ID]", id) + "</script>";

    // Waits for window.Plotly (or the first cell's promise) for up to a minute, then says what is missing.
    const string DrawScript = """
        (function () {
          var id = '[ID]', el = document.getElementById(id);
          var spec = JSON.parse(document.getElementById(id + '-spec').textContent);
          var draw = function (P) { P.newPlot(id, spec.data, spec.layout, spec.config); };
          var fail = function (why) { el.textContent = 'Chart not drawn: ' + why; };
          var tries = 0;
          (function attempt() {
            if (window.Plotly && window.Plotly.newPlot) return draw(window.Plotly);
            if (window.zfvizPlotly) return window.zfvizPlotly.then(draw, function (e) { fail(String(e)); });
            if (++tries > 300) return fail('plotly.js is not loaded; run the notebook\u2019s first cell (ZFViz setup).');
            setTimeout(attempt, 200);
          })();
        })();
        """;

    /// <summary>
    /// The first cell's loader: the installed plotly.js, gzip + base64 (about 1.5 MB instead of 3.6 MB), unpacked by
    /// the browser (DecompressionStream) and run as a global script, once per page. Without the offline copy it loads
    /// the CDN copy and says so.
    /// </summary>
    public static string LoaderHtml()
    {
        string source, status;
        if (PlotlyJs.IsInstalled())
        {
            var gz = Gzip(File.ReadAllBytes(PlotlyJs.InstalledPath));
            source = $"var b64 = '{Convert.ToBase64String(gz)}';\n" + """
                  var bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
                  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
                  return new Response(stream).text().then(function (text) {
                    var s = document.createElement('script');
                    s.textContent = text;
                    withoutAmd(function () { document.head.appendChild(s); });
                    return window.Plotly;
                  });
                """;
            status = $"charts: plotly.js {PlotlyJs.Version} (offline copy)";
        }
        else
        {
            source = $"var url = '{PlotlyJs.CdnUrl}';\n" + """
                  return new Promise(function (resolve, reject) {
                    var s = document.createElement('script');
                    var restore = withoutAmd(null);
                    s.src = url;
                    s.onload = function () { restore(); resolve(window.Plotly); };
                    s.onerror = function () { restore(); reject('plotly.js could not be loaded from ' + url + ' (offline? run ./setup.sh once with network)'); };
                    document.head.appendChild(s);
                  });
                """;
            status = $"charts: plotly.js {PlotlyJs.Version} from the CDN (needs internet): the offline copy is not installed at " +
                     $"{PlotlyJs.InstalledPath}; ./setup.sh fetches it";
        }
        return $"<div class=\"{LoaderMarker}\" style=\"font-size:small;opacity:0.7\">{System.Net.WebUtility.HtmlEncode(status)}</div>\n" +
               "<script type=\"text/javascript\">\n(function () {\n" +
               "  if (window.zfvizPlotly || (window.Plotly && window.Plotly.newPlot)) return;\n" +
               // plotly.min.js is UMD: with RequireJS present (classic Jupyter) it would register a module instead of window.Plotly.
               "  function withoutAmd(run) { var d = window.define; window.define = undefined; if (!run) return function () { window.define = d; }; try { run(); } finally { window.define = d; } }\n" +
               "  window.zfvizPlotly = (function () {\n" + source + "\n  })();\n})();\n</script>";
    }

    /// <summary>The figure JSON of every chart in an HTML output, in order.</summary>
    public static IReadOnlyList<(string Id, JsonNode Spec)> FindCharts(string html)
    {
        var found = new List<(string, JsonNode)>();
        var open = $"<script type=\"application/json\" class=\"{SpecClass}\" id=\"";
        for (int at = html.IndexOf(open, StringComparison.Ordinal); at >= 0; at = html.IndexOf(open, at + 1, StringComparison.Ordinal))
        {
            int idStart = at + open.Length, idEnd = html.IndexOf('"', idStart);
            int bodyStart = html.IndexOf('>', idEnd) + 1, bodyEnd = html.IndexOf("</script>", bodyStart, StringComparison.Ordinal);
            var id = html[idStart..idEnd];
            if (id.EndsWith("-spec", StringComparison.Ordinal)) id = id[..^5];
            found.Add((id, JsonNode.Parse(html[bodyStart..bodyEnd])!));
        }
        return found;
    }

    /// <summary>"&lt;/" cannot appear inside a script element; "&lt;\/" is the same JSON string.</summary>
    static string EscapeForScript(string json) => json.Replace("</", "<\\/");

    static byte[] Gzip(byte[] bytes)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize)) gz.Write(bytes);
        return ms.ToArray();
    }
}
