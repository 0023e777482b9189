using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace ZfViz.Notebook;

/// <summary>
/// Static PNGs of Plotly charts, drawn by plotly.js itself (Plotly.toImage) in headless Chromium from the chart's
/// own figure JSON: one browser start for all charts, no network (the page loads the local plotly.js only).
/// </summary>
public sealed class ChartImageRenderer
{
    public const string BrowserVariable = "ZFVIZ_CHROMIUM";
    public string Browser { get; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    public ChartImageRenderer(string browser) => Browser = browser;

    /// <summary>$ZFVIZ_CHROMIUM, else chromium / chromium-browser / google-chrome on PATH; null if none.</summary>
    public static string? FindBrowser()
    {
        if (Environment.GetEnvironmentVariable(BrowserVariable) is { Length: > 0 } b) return File.Exists(b) ? b : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
                if (dir.Length > 0 && File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }

    public const string MissingBrowserMessage =
        "headless Chromium not found (install it: sudo apt-get install chromium; or set $" + BrowserVariable + ")";

    /// <summary>Headless, sandbox off (containers), no GPU, none of Chromium's own network traffic, a throw-away profile.</summary>
    public static IEnumerable<string> HeadlessArguments(string userDataDir) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--hide-scrollbars", "--mute-audio", $"--user-data-dir={userDataDir}",
        // The network is off: every host name fails to resolve, and a proxy that does not exist catches the rest.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost", "--proxy-server=http://127.0.0.1:9",
    ];

    /// <summary>Runs Chromium with these arguments; returns (exit code, stdout).</summary>
    public (int Code, string Stdout) Run(IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(Browser) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Browser}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Timeout))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"{Browser} did not finish within {Timeout.TotalMinutes:0} min");
        }
        p.WaitForExit();
        _ = stderr.Result;
        return (p.ExitCode, stdout.Result);
    }

    /// <summary>PNG bytes per chart id (charts that failed to render are left out).</summary>
    public IReadOnlyDictionary<string, byte[]> RenderAll(IReadOnlyList<(string Id, JsonNode Spec)> charts)
    {
        var work = Directory.CreateTempSubdirectory("zfviz-charts").FullName;
        try
        {
            File.Copy(PlotlyJs.RequireInstalled(), Path.Combine(work, "plotly.min.js"));
            var list = new JsonArray(charts.Select(c => (JsonNode)new JsonObject { ["id"] = c.Id, ["spec"] = c.Spec.DeepClone() }).ToArray());
            File.WriteAllText(Path.Combine(work, "render.html"), RenderPage.Replace("[CHARTS]", list.ToJsonString().Replace("</", "<\\/")));
            var args = HeadlessArguments(Path.Combine(work, "profile"))
                .Concat(["--dump-dom", "--virtual-time-budget=600000", new Uri(Path.Combine(work, "render.html")).AbsoluteUri]);
            var (_, dom) = Run(args);
            const string open = "<pre id=\"zfviz-result\">";
            int start = dom.IndexOf(open, StringComparison.Ordinal);
            if (start < 0) return new Dictionary<string, byte[]>();
            int end = dom.IndexOf("</pre>", start, StringComparison.Ordinal);
            var result = JsonNode.Parse(WebUtility.HtmlDecode(dom[(start + open.Length)..end]))!.AsObject();
            var images = new Dictionary<string, byte[]>();
            foreach (var (id, value) in result)
                if (value?.GetValue<string>() is { } uri && uri.StartsWith("data:image/png;base64,", StringComparison.Ordinal))
                    images[id] = Convert.FromBase64String(uri["data:image/png;base64,".Length..]);
            return images;
        }
        finally { try { Directory.Delete(work, recursive: true); } catch (IOException) { } }
    }

    // Each chart at its own layout size (Plotly.NET's default 600 x 600 otherwise), one after another.
    const string RenderPage = """
        <!DOCTYPE html><html><head><meta charset="utf-8"><script src="plotly.min.js"></script></head><body>
        <script>
        var charts = [CHARTS];
        (async function () {
          var out = {};
          for (var i = 0; i < charts.length; i++) {
            var c = charts[i], layout = c.spec.layout || {};
            try {
              out[c.id] = await Plotly.toImage({ data: c.spec.data, layout: layout, config: c.spec.config || {} },
                                               { format: 'png', width: layout.width || 600, height: layout.height || 600 });
            } catch (e) { out[c.id] = 'error: ' + e; }
          }
          var pre = document.createElement('pre');
          pre.id = 'zfviz-result';
          pre.textContent = JSON.stringify(out);
          document.body.appendChild(pre);
        })();
        </script></body></html>
        """;
}
