using System.Text.Json.Nodes;
using ZfViz.Runtime;

namespace ZfViz.Tests.Notebook;

/// <summary>The committed notebooks: same first cell everywhere, no outputs, numbered names.</summary>
public class NotebookHygieneTests
{
    static string NotebooksFolder => Path.Combine(ZfVizPaths.FindRepoRoot(AppContext.BaseDirectory)!, "notebooks");

    public static IEnumerable<object[]> Notebooks() =>
        Directory.GetFiles(NotebooksFolder, "*.ipynb").Order().Select(p => new object[] { Path.GetFileName(p) });

    static string Source(JsonNode cell) => string.Concat(cell["source"]!.AsArray().Select(s => s!.GetValue<string>()));

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void FirstCodeCellIsTheSharedSetupCell(string name)
    {
        var nb = JsonNode.Parse(File.ReadAllText(Path.Combine(NotebooksFolder, name)))!;
        var firstCode = nb["cells"]!.AsArray().First(c => c!["cell_type"]!.GetValue<string>() == "code")!;
        var expected = File.ReadAllText(Path.Combine(NotebooksFolder, "setup-cell.csx")).TrimEnd('\n');
        Assert.Equal(expected, Source(firstCode).TrimEnd('\n'));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void IsCommittedWithoutOutputs(string name)
    {
        var nb = JsonNode.Parse(File.ReadAllText(Path.Combine(NotebooksFolder, name)))!;
        Assert.All(nb["cells"]!.AsArray().Where(c => c!["cell_type"]!.GetValue<string>() == "code"),
                   c => Assert.Empty(c!["outputs"]!.AsArray()));
        Assert.Matches(@"^\d\d-[a-z0-9-]+\.ipynb$", name);
    }
}
