using System.Text.Json.Nodes;
using ZfViz.Notebook;
using ZfViz.Runtime;

namespace ZfViz.Tests.Notebook;

/// <summary>
/// `zfviz notebooks ...` given what it cannot work with: a clear one-line error and exit 2 (user input), or, for the
/// static chart images in the default mode, a one-line warning and a run that goes on.
/// </summary>
public class NotebooksCommandBadInputTests
{
    const string NoBrowser = "/nonexistent/chromium";

    /// <summary>A folder with one notebook of C# cells, 00-x.ipynb.</summary>
    static string NotebookFolder(params string[] cells) => Path.GetDirectoryName(CodeNotebook.Write("cli-fixtures", "00-x.ipynb", cells))!;

    static CliProcess.Result Run(string folder, IDictionary<string, string> env, params string[] extra) =>
        CliProcess.Run(new[] { "notebooks", "run", "--notebooks", folder, "--out", Path.Combine(folder, "out"), "--profile", "quick" }.Concat(extra), env);

    static void AssertUserError(CliProcess.Result r, params string[] phrases)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}\n{r.All}");
        var error = r.Stderr.Split('\n').Single(l => l.StartsWith("zfviz: error:", StringComparison.Ordinal));
        foreach (var phrase in phrases) Assert.Contains(phrase, error);
        Assert.DoesNotContain("   at ", r.All); // no stack trace
    }

    [Fact]
    public void StaticImagesRequiredWithoutChromiumIsAnErrorBeforeAnyNotebookRuns()
    {
        var folder = NotebookFolder("Console.WriteLine(\"never run\");");
        var r = Run(folder, new Dictionary<string, string> { [ChartImageRenderer.BrowserVariable] = NoBrowser }, "--static-images", "require");
        AssertUserError(r, "--static-images require", "headless Chromium not found", "apt-get install chromium");
        Assert.False(Directory.Exists(Path.Combine(folder, "out")) && Directory.GetFiles(Path.Combine(folder, "out")).Length > 0);
    }

    [Fact]
    public void WithoutChromiumTheRunWarnsOnceAndPasses()
    {
        var folder = NotebookFolder("Console.WriteLine(\"ran without a browser\");");
        var r = Run(folder, new Dictionary<string, string> { [ChartImageRenderer.BrowserVariable] = NoBrowser });
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Contains("notebooks: 1 passed, 0 failed", r.Stdout);
        Assert.Contains("ran without a browser", File.ReadAllText(Path.Combine(folder, "out", "00-x.ipynb")));
        var warnings = r.Stderr.Split('\n').Where(l => l.Contains("warning", StringComparison.Ordinal)).ToList();
        Assert.StartsWith("zfviz: warning: no static chart images in the executed copies: headless Chromium not found", Assert.Single(warnings));
    }

    [JupyterFact]
    public void AMissingKernelSpecThatCannotBeInstalledSaysWhatToRun()
    {
        // A checkout whose local tools are not restored: no .jupyter kernel spec and no dotnet-interactive to install it.
        using var rootFolder = new TempFolder("zfviz-root");
        var root = rootFolder.Path;
        File.WriteAllText(Path.Combine(root, "Notebooks.sln"), "");
        var folder = Path.Combine(root, "notebooks");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(NotebookFolder("1"), "00-x.ipynb"), Path.Combine(folder, "00-x.ipynb"));
        var r = Run(folder, new Dictionary<string, string> { [ZfVizPaths.RootVariable] = root }, "--kernel", "jupyter", "--static-images", "off");
        AssertUserError(r, "could not install the Jupyter kernel spec '.net-csharp'", "dotnet tool restore");
    }

    [Fact]
    public void WithoutJupyterNbconvertTheJupyterKernelSaysWhatToInstall()
    {
        var folder = NotebookFolder("1");
        var r = Run(folder, new Dictionary<string, string> { ["PATH"] = "/nonexistent" }, "--kernel", "jupyter", "--static-images", "off");
        AssertUserError(r, "jupyter nbconvert is not installed", "apt-get install jupyter-nbconvert", "--kernel repl");
    }

    [Fact]
    public void AMissingPlotlyJsWithNoNetworkSaysHowToInstallItOffline()
    {
        using var toolsFolder = new TempFolder("zfviz-tools");
        var tools = toolsFolder.Path;
        // No network: every request goes to a proxy that does not exist.
        var offline = new Dictionary<string, string>
        {
            [ZfVizPaths.ToolsVariable] = tools, ["HTTPS_PROXY"] = "http://127.0.0.1:9", ["https_proxy"] = "http://127.0.0.1:9",
            ["ALL_PROXY"] = "http://127.0.0.1:9", ["NO_PROXY"] = "", ["no_proxy"] = "",
        };
        var fetch = CliProcess.Run(["notebooks", "plotly-js"], offline);
        AssertUserError(fetch, "could not download plotly.js 2.28.0", "--from plotly.js-dist-min-2.28.0.tgz");
        Assert.False(File.Exists(Path.Combine(tools, "plotly.js-dist-min-2.28.0", "plotly.min.js")));

        // The gallery needs it too, and says so.
        using var executedFolder = new TempFolder("zfviz-executed");
        var executed = executedFolder.Path;
        File.Copy(Path.Combine(NotebookFolder("1"), "00-x.ipynb"), Path.Combine(executed, "00-x.ipynb"));
        var html = CliProcess.Run(["notebooks", "html", "--executed", executed, "--out", Path.Combine(executed, "site"), "--no-static-images"], offline);
        AssertUserError(html, "plotly.js 2.28.0 is missing", "zfviz notebooks plotly-js");
    }
}
