using System.Text.Json.Nodes;
using ZfViz.Notebook;

namespace ZfViz.Tests.Notebook;

public class ExecutedNotebookCleanerTests : IDisposable
{
    readonly TempFolders temp = new();

    public void Dispose() => temp.Dispose();

    static JsonObject Plain(string text) => new() { ["output_type"] = "display_data", ["metadata"] = new JsonObject(), ["data"] = new JsonObject { ["text/plain"] = new JsonArray(text) } };
    static JsonObject Html(string html) => new() { ["output_type"] = "display_data", ["metadata"] = new JsonObject(), ["data"] = new JsonObject { ["text/html"] = new JsonArray(html) } };
    static JsonObject Stream(string text) => new() { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray(text) };

    string Write(params JsonArray[] cellOutputs)
    {
        var nb = new JsonObject
        {
            ["cells"] = new JsonArray(cellOutputs.Select(o => (JsonNode)new JsonObject
            {
                ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["source"] = new JsonArray("x"), ["outputs"] = o,
            }).ToArray()),
            ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
        var path = Path.Combine(temp.New("zfviz-clean"), "nb.ipynb");
        File.WriteAllText(path, nb.ToJsonString());
        return path;
    }

    static List<List<string>> Texts(string path) =>
        JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray()
            .Select(c => c!["outputs"]!.AsArray().Select(o => o!.ToJsonString()).ToList()).ToList();

    [Fact]
    public void AnUpdatedDisplayKeepsOnlyItsLastStateAndEverythingElseStays()
    {
        // Cell 1: a progress line updated three times (as dotnet-repl writes it), then a chart, then printed text.
        // Cell 2: two progress runs separated by an HTML output stay two outputs.
        var path = Write(
            new JsonArray(Plain("starting ..."), Plain("epoch 1/3"), Plain("epoch 2/3"), Plain("done"), Html("<div>chart</div>"), Stream("printed\n")),
            new JsonArray(Plain("a1"), Plain("a2"), Html("<img/>"), Plain("b1"), Plain("b2")));

        Assert.Equal(5, ExecutedNotebookCleaner.CollapseUpdatedDisplays(path));

        var cells = Texts(path);
        Assert.Equal(new[] { Plain("done").ToJsonString(), Html("<div>chart</div>").ToJsonString(), Stream("printed\n").ToJsonString() }, cells[0]);
        Assert.Equal(new[] { Plain("a2").ToJsonString(), Html("<img/>").ToJsonString(), Plain("b2").ToJsonString() }, cells[1]);
    }

    /// <summary>An update as the runner's nbconvert hook records it: a display_data marked with the update's display_id.</summary>
    static JsonObject Update(string text, string displayId) => new()
    {
        ["data"] = new JsonObject { ["text/plain"] = new JsonArray(text) },
        ["metadata"] = new JsonObject { [ExecutedNotebookCleaner.UpdateMarker] = displayId },
        ["output_type"] = "display_data",
    };

    /// <summary>
    /// What jupyter nbconvert 6.5.3 with the runner's hook wrote for two cells run by the .NET Interactive kernel
    /// 1.0.712001 (display ids from that run): the kernel sent each display_data under one display_id and its
    /// update_display_data under another, so nbclient alone kept "starting", "a0" and "b0".
    /// </summary>
    [Fact]
    public void JupyterUpdatesUnderAnotherDisplayIdLeaveOnlyEachDisplaysLastState()
    {
        const string Bootstrap = "<div id='dotnet-interactive-this-cell-$CACHE_BUSTER$' style='display: none'></div>";
        var path = Write(
            new JsonArray(Html(Bootstrap), Plain("starting"),
                          Update("step 1", "bd66d95d-5ad0-4957-902e-8b60f6dcf2e2"), Update("step 2", "bd66d95d-5ad0-4957-902e-8b60f6dcf2e2"),
                          Update("step 3", "bd66d95d-5ad0-4957-902e-8b60f6dcf2e2")),
            // var a = "a0".Display(); var b = "b0".Display(); a.Update("a1"); b.Update("b1"); a.Update("a2");
            new JsonArray(Plain("a0"), Plain("b0"),
                          Update("a1", "bd67dee4-7341-4521-a661-8b05e3ffe3c7"), Update("b1", "e60d3883-994d-4f44-b785-7e0f0b82045f"),
                          Update("a2", "bd67dee4-7341-4521-a661-8b05e3ffe3c7")),
            // An update with nothing to update (no plain-text display before it) stays, in its last state.
            new JsonArray(Html("<p>table</p>"), Update("x1", "ffff"), Update("x2", "ffff"), Stream("printed\n")));

        Assert.Equal(3 + 3 + 1, ExecutedNotebookCleaner.Clean(path, NotebookKernel.Jupyter));

        var cells = Texts(path);
        Assert.Equal(new[] { Html(Bootstrap).ToJsonString(), Plain("step 3").ToJsonString() }, cells[0]);
        Assert.Equal(new[] { Plain("a2").ToJsonString(), Plain("b1").ToJsonString() }, cells[1]); // two progress lines stay two
        Assert.Equal(3, cells[2].Count);
        Assert.True(JsonNode.DeepEquals(Plain("x2"), JsonNode.Parse(cells[2][1])), cells[2][1]); // nbconvert's key order, same output
        Assert.Equal(Stream("printed\n").ToJsonString(), cells[2][2]);
        Assert.DoesNotContain(ExecutedNotebookCleaner.UpdateMarker, File.ReadAllText(path));
    }

    [Fact]
    public void TheReplRuleIsNotAppliedToAJupyterCopyNorTheJupyterRuleToAReplCopy()
    {
        // Two separate progress lines of a Jupyter-run cell (no updates) are two outputs, not one.
        var jupyter = Write(new JsonArray(Plain("status"), Plain("step")));
        Assert.Equal(0, ExecutedNotebookCleaner.Clean(jupyter, NotebookKernel.Jupyter));
        Assert.Equal(2, Texts(jupyter)[0].Count);

        var repl = Write(new JsonArray(Plain("starting"), Plain("step 1"), Plain("done")));
        Assert.Equal(2, ExecutedNotebookCleaner.Clean(repl, NotebookKernel.Repl));
        Assert.Equal(new[] { Plain("done").ToJsonString() }, Texts(repl)[0]);
    }

    [Fact]
    public void ANotebookWithoutUpdatesIsLeftByteForByte()
    {
        var path = Write(new JsonArray(Plain("one"), Html("<p/>"), Stream("x")));
        var before = File.ReadAllText(path);
        Assert.Equal(0, ExecutedNotebookCleaner.CollapseUpdatedDisplays(path));
        Assert.Equal(before, File.ReadAllText(path));
    }
}
