using System.Text.Json.Nodes;
using ZfViz.Notebook;

namespace ZfViz.Tests.Notebook;

public class ExecutedNotebookCleanerTests
{
    static JsonObject Plain(string text) => new() { ["output_type"] = "display_data", ["metadata"] = new JsonObject(), ["data"] = new JsonObject { ["text/plain"] = new JsonArray(text) } };
    static JsonObject Html(string html) => new() { ["output_type"] = "display_data", ["metadata"] = new JsonObject(), ["data"] = new JsonObject { ["text/html"] = new JsonArray(html) } };
    static JsonObject Stream(string text) => new() { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray(text) };

    static string Write(params JsonArray[] cellOutputs)
    {
        var nb = new JsonObject
        {
            ["cells"] = new JsonArray(cellOutputs.Select(o => (JsonNode)new JsonObject
            {
                ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["source"] = new JsonArray("x"), ["outputs"] = o,
            }).ToArray()),
            ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
        var path = Path.Combine(Directory.CreateTempSubdirectory("zfviz-clean").FullName, "nb.ipynb");
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

    [Fact]
    public void ANotebookWithoutUpdatesIsLeftByteForByte()
    {
        var path = Write(new JsonArray(Plain("one"), Html("<p/>"), Stream("x")));
        var before = File.ReadAllText(path);
        Assert.Equal(0, ExecutedNotebookCleaner.CollapseUpdatedDisplays(path));
        Assert.Equal(before, File.ReadAllText(path));
    }
}
