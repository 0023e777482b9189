using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZfViz.Notebook;

/// <summary>
/// Tidies an executed copy after the run so that an updated display (a progress line shown with
/// <c>"...".Display()</c> and changed with <c>.Update(...)</c>) leaves only its last state, whichever kernel ran it.
/// <list type="bullet">
/// <item>dotnet-repl writes every update as one more output, with nothing that ties the updates together: each run
/// of consecutive plain-text-only display outputs of a cell is reduced to its last one (the notebooks display plain
/// strings only for such progress lines; every other display is HTML).</item>
/// <item>The Jupyter kernel sends updates under a display_id other than its first display's, so nbconvert would drop
/// them; the runner's nbconvert hook (nbconvert_config.py) records them as outputs marked with that id
/// (<see cref="UpdateMarker"/>). <see cref="FoldJupyterUpdates"/> writes each marked id's last state into the display
/// it updates and removes the marked outputs.</item>
/// </list>
/// </summary>
public static class ExecutedNotebookCleaner
{
    /// <summary>The output metadata key the nbconvert hook puts on an update it recorded (its display_id).</summary>
    public const string UpdateMarker = "zfviz_update_of";

    /// <summary>
    /// The step for the kernel that wrote the copy (the dotnet-repl rule would merge two separate progress lines of
    /// a Jupyter-run cell); rewrites the notebook if anything changed; returns how many outputs were dropped.
    /// </summary>
    public static int Clean(string executedNotebook, NotebookKernel kernel)
    {
        var nb = JsonNode.Parse(File.ReadAllText(executedNotebook))!;
        int dropped = kernel == NotebookKernel.Jupyter ? FoldJupyterUpdates(nb) : CollapseUpdatedDisplays(nb);
        if (dropped > 0) Write(nb, executedNotebook);
        return dropped;
    }

    /// <summary>The dotnet-repl step on a file: rewrites it if anything changed; returns how many outputs were dropped.</summary>
    public static int CollapseUpdatedDisplays(string executedNotebook)
    {
        var nb = JsonNode.Parse(File.ReadAllText(executedNotebook))!;
        int dropped = CollapseUpdatedDisplays(nb);
        if (dropped > 0) Write(nb, executedNotebook);
        return dropped;
    }

    /// <summary>Each run of consecutive plain-text-only display outputs of a cell reduced to its last one.</summary>
    public static int CollapseUpdatedDisplays(JsonNode nb)
    {
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
            if (kept.Count < outputs.Count) Replace(outputs, kept);
        }
        return dropped;
    }

    /// <summary>
    /// Marked updates (see <see cref="UpdateMarker"/>) folded into their display. The kernel's ids do not say which
    /// display an update belongs to, so the first update of an id goes to the earliest display output before it, in
    /// the same cell, that has the same MIME types and no updates yet (Display() order = first-update order, which is
    /// how the notebooks use it); later updates of that id go to the same display. An update with no such display
    /// stays as an ordinary output (its last state). Returns how many outputs were dropped.
    /// </summary>
    public static int FoldJupyterUpdates(JsonNode nb)
    {
        int dropped = 0;
        foreach (var cell in nb["cells"]?.AsArray() ?? [])
        {
            if (cell?["outputs"] is not JsonArray outputs || !outputs.Any(o => UpdateOf(o) is not null)) continue;
            var kept = new List<JsonNode>();
            var target = new Dictionary<string, JsonNode>();     // display_id of the updates -> the display they update
            var updated = new HashSet<JsonNode>(ReferenceEqualityComparer.Instance);
            foreach (var o in outputs.ToList())
            {
                if (UpdateOf(o) is not { } id) { kept.Add(o!); continue; }
                ((JsonObject)o!["metadata"]!).Remove(UpdateMarker);
                if (!target.TryGetValue(id, out var display))
                {
                    display = kept.FirstOrDefault(k => !updated.Contains(k) && k["output_type"]?.GetValue<string>() == "display_data"
                                                       && SameMimeTypes(k, o));
                    if (display is null) { target[id] = o; kept.Add(o); continue; } // nothing to update: keep it as shown
                    target[id] = display;
                    updated.Add(display);
                }
                display["data"] = o["data"]!.DeepClone();
                display["metadata"] = o["metadata"]!.DeepClone();
                if (!ReferenceEquals(display, o)) dropped++;
            }
            Replace(outputs, kept);
        }
        return dropped;
    }

    static string? UpdateOf(JsonNode? output) =>
        output?["metadata"]?[UpdateMarker] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    static bool SameMimeTypes(JsonNode a, JsonNode b) =>
        a["data"] is JsonObject x && b["data"] is JsonObject y && x.Select(p => p.Key).Order().SequenceEqual(y.Select(p => p.Key).Order());

    static bool IsPlainTextDisplay(JsonNode? output) =>
        output?["output_type"]?.GetValue<string>() == "display_data"
        && output["data"] is JsonObject data && data.Count == 1 && data.ContainsKey("text/plain");

    static void Replace(JsonArray outputs, List<JsonNode> kept)
    {
        outputs.Clear();
        foreach (var o in kept) outputs.Add(o); // Clear() detached them
    }

    /// <summary>Writes a notebook the way Jupyter and VS Code do (one-space indent, characters such as · unescaped), atomically.</summary>
    internal static void Write(JsonNode nb, string path)
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
