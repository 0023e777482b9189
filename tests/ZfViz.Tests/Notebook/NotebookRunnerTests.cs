using System.Text.Json.Nodes;
using ZfViz.Notebook;
using ZfViz.Runtime;

namespace ZfViz.Tests.Notebook;

public class NotebookRunnerTests
{
    static string WriteNotebook(string name, params string[] cells) => CodeNotebook.Write("runner-fixtures", name, cells);

    static NotebookRunner Runner(string nb) => new()
    {
        OutputDirectory = Path.Combine(Path.GetDirectoryName(nb)!, "out"),
        Profile = Profile.Quick,
        Timeout = TimeSpan.FromMinutes(5),
    };

    [Fact]
    public void APassingNotebookIsWrittenWithItsOutputsAndSeesTheProfile()
    {
        var nb = WriteNotebook("ok.ipynb", "Console.WriteLine(\"profile=\" + Environment.GetEnvironmentVariable(\"ZFVIZ_PROFILE\"));",
                               "Console.WriteLine(Environment.CurrentDirectory);");
        var result = Runner(nb).Run(nb);
        Assert.Equal(NotebookStatus.Passed, result.Status);
        var text = File.ReadAllText(result.OutputPath!);
        Assert.Contains("profile=quick", text);
        Assert.Contains(Path.GetDirectoryName(nb)!, text); // the kernel runs in the notebook's folder
    }

    [Fact]
    public void AFailingCellFailsTheNotebookAndNamesTheCell()
    {
        var nb = WriteNotebook("bad.ipynb", "var ok = 1;", "throw new InvalidOperationException(\"boom from cell two\");", "var never = 3;");
        var result = Runner(nb).Run(nb);
        Assert.Equal(NotebookStatus.Failed, result.Status);
        Assert.NotNull(result.Error);
        Assert.StartsWith("cell 2:", result.Error);
        Assert.Contains("boom from cell two", result.Error);
    }

    [Fact]
    public void ACompileErrorFailsTheNotebook()
    {
        var nb = WriteNotebook("typo.ipynb", "int x = \"not an int\";");
        Assert.Equal(NotebookStatus.Failed, Runner(nb).Run(nb).Status);
    }

    [Fact]
    public void DiscoveryIsInFileNameOrderAndRejectsMissingOrEmptyFolders()
    {
        using var dirFolder = new TempFolder("zfviz-nbs");
        var dir = dirFolder.Path;
        Assert.Throws<UserInputException>(() => NotebookRunner.Discover(dir));
        foreach (var n in new[] { "10-b.ipynb", "02-a.ipynb", "00-setup.ipynb" }) File.WriteAllText(Path.Combine(dir, n), "{}");
        Assert.Equal(new[] { "00-setup.ipynb", "02-a.ipynb", "10-b.ipynb" }, NotebookRunner.Discover(dir).Select(Path.GetFileName));
        Assert.Equal(new[] { "02-a.ipynb" }, NotebookRunner.Discover(dir, "02").Select(Path.GetFileName));
        Assert.Throws<UserInputException>(() => NotebookRunner.Discover(Path.Combine(dir, "missing")));
    }

    [Fact]
    public void StripRemovesOutputsAndIsIdempotent()
    {
        var nb = WriteNotebook("s.ipynb", "1+1");
        var node = JsonNode.Parse(File.ReadAllText(nb))!;
        node["cells"]![0]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["text"] = "2" });
        node["cells"]![0]!["execution_count"] = 3;
        File.WriteAllText(nb, node.ToJsonString());
        Assert.True(NotebookRunner.StripOutputs(nb));
        var clean = JsonNode.Parse(File.ReadAllText(nb))!;
        Assert.Empty(clean["cells"]![0]!["outputs"]!.AsArray());
        Assert.Null(clean["cells"]![0]!["execution_count"]);
        Assert.False(NotebookRunner.StripOutputs(nb));
    }

    [Fact]
    public void StripRestoresTheCommittedNotebooksByteForByte()
    {
        // The committed notebooks are written like Jupyter writes them (Python's json, one-space indent, no escaping
        // of · or &): adding outputs and stripping them again must give back exactly the same file.
        using var dirFolder = new TempFolder("zfviz-strip");
        var dir = dirFolder.Path;
        foreach (var committed in NotebookRunner.Discover(Path.Combine(ZfVizPaths.FindRepoRoot(AppContext.BaseDirectory)!, "notebooks")))
        {
            var original = File.ReadAllText(committed);
            var copy = Path.Combine(dir, Path.GetFileName(committed));
            File.WriteAllText(copy, original);
            Assert.False(NotebookRunner.StripOutputs(copy));
            var node = JsonNode.Parse(original)!;
            var code = node["cells"]!.AsArray().First(c => c!["cell_type"]!.GetValue<string>() == "code")!;
            code["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "x · y & z" });
            code["execution_count"] = 1;
            File.WriteAllText(copy, node.ToJsonString());
            Assert.True(NotebookRunner.StripOutputs(copy));
            Assert.Equal(original, File.ReadAllText(copy));
        }
    }
}
