using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZfViz.Notebook;

/// <summary>
/// Tidies an executed copy after the run. dotnet-repl writes every update of an updated display (a progress line
/// shown with <c>"...".Display()</c> and changed with <c>.Update(...)</c>) as one more output, with nothing that ties
/// the updates together: a training cell can hold hundreds of them. The Jupyter route already updates in place
/// (update_display_data). Here each run of consecutive plain-text-only display outputs of a cell is reduced to its
/// last one. (The notebooks display plain strings only for such progress lines; every other display is HTML.)
/// </summary>
public static class ExecutedNotebookCleaner
{
    /// <summary>Rewrites the notebook if anything changed; returns how many outputs were dropped.</summary>
    public static int CollapseUpdatedDisplays(string executedNotebook)
    {
        var nb = JsonNode.Parse(File.ReadAllText(executedNotebook))!;
        int dropped = 0;
        foreach (var cell in nb["cells"]?.AsArray() ?? [])
        {
            if (cell?["outputs"] is not JsonArray outputs || outputs.Count < 2) continue;
            var kept = new List<JsonNode>();
            foreach (var o in outputs.ToList())
            {
                if (IsPlainTextDisplay(o) && kept.Count > 0 && IsPlainTextDisplay(kept[^1]))
                {
                    kept[^1] = o!;
                    dropped++;
                }
                else kept.Add(o!);
            }
            if (kept.Count == outputs.Count) continue;
            outputs.Clear();
            foreach (var o in kept) outputs.Add(o); // Clear() detached them
        }
        if (dropped > 0) Write(nb, executedNotebook);
        return dropped;
    }

    static bool IsPlainTextDisplay(JsonNode? output) =>
        output?["output_type"]?.GetValue<string>() == "display_data"
        && output["data"] is JsonObject data && data.Count == 1 && data.ContainsKey("text/plain");

    static void Write(JsonNode nb, string path)
    {
        var temp = path + ".zfviz-tmp";
        File.WriteAllText(temp, nb.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true, IndentSize = 1,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n");
        File.Move(temp, path, overwrite: true);
    }
}
