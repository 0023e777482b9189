using System.Text.Json.Nodes;

namespace ZfViz.Tests.Notebook;

/// <summary>Notebooks of C# code cells that the runner tests execute.</summary>
static class CodeNotebook
{
    /// <summary>
    /// Writes <paramref name="cells"/> as <paramref name="fileName"/> in a new folder under the test output folder, so
    /// the repository's local tool manifest (dotnet-repl, dotnet-interactive) is found from it, as from notebooks/.
    /// </summary>
    public static string Write(string fixtures, string fileName, IEnumerable<string> cells)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, fixtures, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var nb = new JsonObject
        {
            ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
            {
                ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = new JsonObject(),
                ["outputs"] = new JsonArray(), ["source"] = new JsonArray(c),
            }).ToArray()),
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["name"] = "C#" },
            },
            ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
        var path = Path.Combine(dir, fileName);
        File.WriteAllText(path, nb.ToJsonString());
        return path;
    }
}
