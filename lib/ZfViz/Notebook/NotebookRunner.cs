using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZfViz.Runtime;

namespace ZfViz.Notebook;

public enum NotebookStatus { Passed, Failed, TimedOut }

/// <param name="Note">What the post-processing of the executed copy did or could not do (static chart images), or null.</param>
public sealed record NotebookResult(string Notebook, NotebookStatus Status, TimeSpan Elapsed, string? OutputPath, string? Error, string? Note = null);

/// <summary>
/// Executes notebooks headless, one kernel per notebook, with the kernel's working directory set to the notebook's
/// folder so its relative #r paths resolve: with the pinned dotnet-repl (the local tool manifest in .config/), or
/// through the Jupyter kernel protocol (<see cref="JupyterRoute"/>). Writes executed copies (with outputs) to the
/// output folder, post-processed offline: <see cref="ExecutedNotebookCleaner"/> (an updated display keeps its last
/// state) and <see cref="ExecutedNotebookChartImages"/> (each chart also carries a PNG, when a renderer is given). A
/// notebook fails when the executing program exits non-zero or when its executed copy holds an error output.
/// </summary>
public sealed class NotebookRunner
{
    public required string OutputDirectory { get; init; }
    public Profile Profile { get; init; } = Profile.FromEnvironment();
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(60);
    public NotebookKernel Kernel { get; init; } = NotebookKernel.Repl;
    /// <summary>Draws the static image of each chart into the executed copy; null: no static images.</summary>
    public ChartImageRenderer? ChartImages { get; init; }
    /// <summary>Extra environment for the kernels (tests use it).</summary>
    public IDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The notebooks of a folder in run order (file name order: 00-, 01-, ...).</summary>
    public static IReadOnlyList<string> Discover(string folder, string? filter = null)
    {
        if (!Directory.Exists(folder))
            throw new UserInputException($"Notebook folder not found: {Path.GetFullPath(folder)}");
        var all = Directory.GetFiles(folder, "*.ipynb").OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList();
        if (filter is not null) all = all.Where(p => Path.GetFileName(p).Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        if (all.Count == 0)
            throw new UserInputException($"No notebooks (*.ipynb{(filter is null ? "" : $" matching '{filter}'")}) in {Path.GetFullPath(folder)}");
        return all;
    }

    public NotebookResult Run(string notebook, Action<string>? log = null)
    {
        notebook = Path.GetFullPath(notebook);
        Directory.CreateDirectory(OutputDirectory);
        var output = Path.Combine(Path.GetFullPath(OutputDirectory), Path.GetFileName(notebook));
        if (File.Exists(output)) File.Delete(output); // never report a stale copy

        var psi = Kernel == NotebookKernel.Jupyter ? JupyterCommand(notebook, output) : ReplCommand(notebook, output);
        var program = Kernel == NotebookKernel.Jupyter ? "jupyter nbconvert" : "dotnet-repl";
        psi.Environment[Profile.EnvironmentVariable] = Profile.Name;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in Environment) psi.Environment[k] = v;

        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Timeout))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            return new(notebook, NotebookStatus.TimedOut, sw.Elapsed, File.Exists(output) ? output : null,
                       $"timed out after {Timeout.TotalMinutes:0} min");
        }
        p.WaitForExit();
        sw.Stop();

        var cellError = !File.Exists(output) ? null
                        : FirstError(output) ?? (Kernel == NotebookKernel.Jupyter ? NotExecuted(output) : null); // dotnet-repl writes no execution counts
        string? note = null;
        if (File.Exists(output))
        {
            ExecutedNotebookCleaner.Clean(output, Kernel);
            if (ChartImages is not null) note = AddChartImages(output, ChartImages);
        }
        if (p.ExitCode == 0 && cellError is null && File.Exists(output))
            return new(notebook, NotebookStatus.Passed, sw.Elapsed, output, null, note);

        var why = cellError
                  ?? (Kernel == NotebookKernel.Jupyter ? JupyterRoute.DescribeFailure(stderr.Result) : null)
                  ?? (!File.Exists(output) ? $"{program} wrote no output notebook" : $"{program} exited with {p.ExitCode}");
        var tail = string.Join('\n', (stderr.Result + stdout.Result).Split('\n').Where(l => l.Trim().Length > 0 && !IsNoise(l)).TakeLast(8));
        log?.Invoke(tail);
        return new(notebook, NotebookStatus.Failed, sw.Elapsed, File.Exists(output) ? output : null,
                   why + (cellError is null && tail.Length > 0 ? "\n" + tail : ""), note);
    }

    /// <summary>The static chart images step; a browser that fails costs the images, never the notebook.</summary>
    static string? AddChartImages(string output, ChartImageRenderer renderer)
    {
        try
        {
            var r = ExecutedNotebookChartImages.Add(output, renderer);
            if (r.Charts == 0) return null;
            return $"static images: {r.Images} of {r.Charts} chart(s), {r.ImageBytes / 1024.0:0} KB" +
                   (r.Images < r.Charts ? $" ({renderer.Browser} did not render {r.Charts - r.Images})" : "");
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception
                                       or UserInputException or System.Text.Json.JsonException)
        {
            return $"warning: no static chart images ({e.Message.Split('\n')[0]})";
        }
    }

    /// <summary>A copy whose code cells all lack an execution count was not executed (e.g. nbconvert ignored its
    /// configuration): that must not pass as a run.</summary>
    static string? NotExecuted(string executedNotebook)
    {
        var code = (JsonNode.Parse(File.ReadAllText(executedNotebook))?["cells"]?.AsArray() ?? [])
            .Where(c => c?["cell_type"]?.GetValue<string>() == "code").ToList();
        return code.Count > 0 && code.All(c => c?["execution_count"] is null)
            ? "the executed copy has no executed cell (the kernel did not run the notebook)"
            : null;
    }

    static ProcessStartInfo ReplCommand(string notebook, string output)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(notebook)!,
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "tool", "run", "dotnet-repl", "--", "--run", notebook, "--exit-after-run", "--output-path", output })
            psi.ArgumentList.Add(a);
        return psi;
    }

    ProcessStartInfo JupyterCommand(string notebook, string output)
    {
        var nbconvert = JupyterRoute.RequireNbconvert();
        var root = ZfVizPaths.FindRepoRoot(Path.GetDirectoryName(notebook))
                   ?? throw new UserInputException("the Jupyter route needs the notebook inside the ZFViz repository (its kernel spec and local tools live there)", notebook);
        JupyterRoute.EnsureKernelSpec(root);
        return JupyterRoute.ExecuteCommand(nbconvert, root, notebook, output, Timeout);
    }

    // libtorch's hardware notes and the kernel host's shutdown lines say nothing about why a notebook failed.
    static bool IsNoise(string line) =>
        line.Contains("NNPACK", StringComparison.Ordinal) || line.Contains("Microsoft.Hosting.Lifetime", StringComparison.Ordinal)
        || line.Trim() == "Application is shutting down...";

    /// <summary>The first error output of an executed notebook ("cell N: message"), or null.</summary>
    public static string? FirstError(string executedNotebook)
    {
        var nb = JsonNode.Parse(File.ReadAllText(executedNotebook));
        var cells = nb?["cells"]?.AsArray();
        if (cells is null) return "not a notebook (no cells)";
        for (int i = 0; i < cells.Count; i++)
            foreach (var o in cells[i]?["outputs"]?.AsArray() ?? [])
                if (o?["output_type"]?.GetValue<string>() == "error")
                {
                    var msg = o["evalue"]?.GetValue<string>() ?? o["ename"]?.GetValue<string>() ?? "error";
                    return $"cell {i + 1}: {msg.Split('\n')[0]}";
                }
        return null;
    }

    /// <summary>
    /// A notebook file as JSON, checked to be a notebook (an object whose "cells" is an array of objects): an empty
    /// file, invalid JSON or another JSON shape is a <see cref="UserInputException"/> naming the file.
    /// </summary>
    public static JsonObject ReadNotebook(string notebook)
    {
        var text = File.ReadAllText(notebook);
        if (string.IsNullOrWhiteSpace(text)) throw new UserInputException($"{notebook}: the file is empty, not a notebook.", notebook);
        JsonNode? node;
        try { node = JsonNode.Parse(text); }
        catch (JsonException e) { throw new UserInputException($"{notebook}: not valid JSON ({e.Message.Split('\n')[0].Trim()}).", notebook, e); }
        if (node is not JsonObject nb || nb["cells"] is not JsonArray cells || cells.Any(c => c is not JsonObject))
            throw new UserInputException($"{notebook}: not a Jupyter notebook (expected a JSON object with a \"cells\" array of cell objects).", notebook);
        return nb;
    }

    /// <summary>
    /// Removes every output (and execution count) so notebooks are committed clean. A notebook that has none is left
    /// byte for byte as it is; one that has some is rewritten the way Jupyter and VS Code write notebooks (one-space
    /// indent, characters such as · and &amp; unescaped), so the commit shows only the removed outputs.
    /// </summary>
    public static bool StripOutputs(string notebook)
    {
        var nb = ReadNotebook(notebook);
        bool changed = false;
        foreach (var c in nb["cells"]?.AsArray() ?? [])
        {
            if (c is not JsonObject || c["cell_type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String || type.GetValue<string>() != "code") continue;
            if (c["outputs"] is not JsonArray { Count: 0 }) { c["outputs"] = new JsonArray(); changed = true; }
            if (c["execution_count"] is not null) { c["execution_count"] = null; changed = true; }
        }
        if (!changed) return false;
        var options = new JsonSerializerOptions
        {
            WriteIndented = true, IndentSize = 1,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        var temp = notebook + ".zfviz-tmp";
        File.WriteAllText(temp, nb.ToJsonString(options) + "\n");
        File.Move(temp, notebook, overwrite: true);
        return true;
    }
}
