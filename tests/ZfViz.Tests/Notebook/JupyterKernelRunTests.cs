using System.Text.Json.Nodes;
using ZfViz.Notebook;
using ZfViz.Runtime;

namespace ZfViz.Tests.Notebook;

/// <summary>The runner's Jupyter route: the pinned .NET Interactive kernel through jupyter nbconvert.</summary>
public class JupyterKernelRunTests
{
    static string RepoRoot => ZfVizPaths.FindRepoRoot(AppContext.BaseDirectory)!;

    /// <summary>A notebook inside the repository (the kernel is a local tool) whose first cell is the shared setup
    /// cell with its #r paths pointing at this test build.</summary>
    static string WriteNotebook(params string[] cells)
    {
        var setup = File.ReadAllText(Path.Combine(RepoRoot, "notebooks", "setup-cell.csx"))
            .Replace("../lib/ZfViz/bin/Release/net10.0/", AppContext.BaseDirectory);
        return CodeNotebook.Write("jupyter-fixtures", "jupyter.ipynb", new[] { setup }.Concat(cells));
    }

    [JupyterFact]
    public void ANotebookRunsThroughTheJupyterKernelQuietlyAndAnUpdatedDisplayKeepsItsLastState()
    {
        var nb = WriteNotebook(
            "var t = torch.ones(2, 3);\nConsole.WriteLine($\"sum={t.sum().item<float>()} profile={zf.Profile.Name}\");\nt.Dispose();",
            "var shown = \"starting\".Display();\nfor (int i = 1; i <= 3; i++) shown.Update($\"step {i}\");",
            "Charts.Lines(\"curve\", \"x\", \"y\", new[] { new Series(\"s\", new double[] { 1, 2 }, new double[] { 3, 4 }) })");
        var browser = ChartImageRenderer.FindBrowser();
        var runner = new NotebookRunner
        {
            OutputDirectory = Path.Combine(Path.GetDirectoryName(nb)!, "out"), Profile = Profile.Quick,
            Timeout = TimeSpan.FromMinutes(10), Kernel = NotebookKernel.Jupyter,
            ChartImages = browser is null ? null : new ChartImageRenderer(browser),
        };
        var result = runner.Run(nb);
        Assert.True(result.Status == NotebookStatus.Passed, result.Error);
        Assert.True(File.Exists(JupyterRoute.KernelSpecFile(RepoRoot)), "kernel spec in the project-local Jupyter path");

        // What the cells printed and displayed (the sources are not looked at: the setup cell names CS1701 itself).
        var cells = JsonNode.Parse(File.ReadAllText(result.OutputPath!))!["cells"]!.AsArray();
        var text = string.Concat(cells.Select(c => c!["outputs"]!.ToJsonString()));
        Assert.Contains("sum=6 profile=quick", text);
        Assert.DoesNotContain("CS1701", text);      // the setup cell quiets the kernel's assembly-version warnings
        Assert.DoesNotContain("\"stderr\"", text);
        // The updated display is one output in its last state (the kernel sends the updates under another display_id,
        // which the runner's nbconvert hook and post-processing put right).
        var updated = cells[2]!["outputs"]!.AsArray().Where(o => o!["data"]?["text/plain"] is not null).ToList();
        Assert.Equal("[\"step 3\"]", Assert.Single(updated)!["data"]!["text/plain"]!.ToJsonString());
        Assert.DoesNotContain("starting", cells[2]!["outputs"]!.ToJsonString());
        Assert.DoesNotContain(ExecutedNotebookCleaner.UpdateMarker, text);
        Assert.Contains(PlotlyNotebookHtmlMarker, text);
        Assert.DoesNotContain("cdn.plot.ly", text.Replace(ZfViz.Notebook.PlotlyJs.CdnUrl, "")); // only the loader's fallback names it
        if (browser is not null)
        {
            var chart = cells[3]!["outputs"]!.AsArray().Single(o => o!["data"]?["text/html"]?.ToJsonString().Contains(PlotlyNotebookHtmlMarker) == true)!;
            Assert.NotNull(chart["data"]![ExecutedNotebookChartImages.PngMime]);
            Assert.StartsWith("static images: 1 of 1 chart(s)", result.Note);
        }
    }

    const string PlotlyNotebookHtmlMarker = ZfViz.Viz.PlotlyNotebookHtml.SpecClass;

    [JupyterFact]
    public void AFailingCellFailsTheNotebookWithTheKernelsMessage()
    {
        var nb = WriteNotebook("throw new InvalidOperationException(\"boom through jupyter\");");
        var result = new NotebookRunner
        {
            OutputDirectory = Path.Combine(Path.GetDirectoryName(nb)!, "out"), Profile = Profile.Quick,
            Timeout = TimeSpan.FromMinutes(10), Kernel = NotebookKernel.Jupyter,
        }.Run(nb);
        Assert.Equal(NotebookStatus.Failed, result.Status);
        Assert.Contains("boom through jupyter", result.Error);
    }
}
