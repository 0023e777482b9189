using System.Diagnostics;

namespace ZfViz.Notebook;

/// <summary>
/// The Jupyter route of the runner: the .NET Interactive kernel spec (from the pinned local tool
/// Microsoft.dotnet-interactive) installed into a project-local Jupyter path, &lt;repo&gt;/.jupyter (never the user's),
/// and jupyter nbconvert (Debian's jupyter-nbconvert or pip's nbconvert) to execute a notebook through it, with
/// ZFViz's nbconvert configuration (nbconvert_config.py, embedded: it keeps the display updates that the kernel
/// sends under another display_id, see <see cref="ExecutedNotebookCleaner"/>).
/// </summary>
public static class JupyterRoute
{
    public const string KernelName = ".net-csharp";

    /// <summary>The project-local JUPYTER_PATH entry: &lt;repo&gt;/.jupyter (git ignores it).</summary>
    public static string JupyterPath(string repoRoot) => Path.Combine(repoRoot, ".jupyter");

    public static string KernelSpecFile(string repoRoot) => Path.Combine(JupyterPath(repoRoot), "kernels", KernelName, "kernel.json");

    /// <summary>Installs the kernel spec once (dotnet interactive jupyter install --path); throws a clear error if it cannot.</summary>
    public static string EnsureKernelSpec(string repoRoot)
    {
        var spec = KernelSpecFile(repoRoot);
        if (File.Exists(spec)) return spec;
        var kernels = Path.Combine(JupyterPath(repoRoot), "kernels");
        Directory.CreateDirectory(kernels);
        var (code, output) = Run(repoRoot, "dotnet", "tool", "run", "dotnet-interactive", "--", "jupyter", "install", "--path", kernels);
        if (code != 0 || !File.Exists(spec))
            throw new UserInputException(
                $"could not install the Jupyter kernel spec '{KernelName}' (dotnet-interactive exited with {code}). " +
                $"Run 'dotnet tool restore' in {repoRoot} (the pinned Microsoft.dotnet-interactive is in .config/dotnet-tools.json), then try again." +
                (output.Length > 0 ? "\n" + Tail(output) : ""), spec);
        return spec;
    }

    /// <summary>The jupyter command, or a clear error saying what to install.</summary>
    public static string RequireNbconvert()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, "jupyter-nbconvert");
            if (File.Exists(candidate)) return candidate;
        }
        throw new UserInputException(
            "jupyter nbconvert is not installed. Install it with 'sudo apt-get install jupyter-nbconvert' (Debian/Ubuntu) " +
            "or 'pip install nbconvert', or run the notebooks with the default --kernel repl", "--kernel jupyter");
    }

    /// <summary>The nbconvert command line that executes <paramref name="notebook"/> into <paramref name="output"/>.</summary>
    public static ProcessStartInfo ExecuteCommand(string nbconvert, string repoRoot, string notebook, string output, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(nbconvert)
        {
            WorkingDirectory = Path.GetDirectoryName(notebook)!,
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "--config", ConfigFile(), "--to", "notebook",
                     $"--ExecutePreprocessor.kernel_name={KernelName}",
                     $"--ExecutePreprocessor.timeout={(int)Math.Ceiling(timeout.TotalSeconds)}",
                     "--output-dir", Path.GetDirectoryName(output)!, "--output", Path.GetFileName(output), notebook,
                 })
            psi.ArgumentList.Add(a);
        var existing = Environment.GetEnvironmentVariable("JUPYTER_PATH");
        psi.Environment["JUPYTER_PATH"] = JupyterPath(repoRoot) + (string.IsNullOrEmpty(existing) ? "" : Path.PathSeparator + existing);
        return psi;
    }

    /// <summary>
    /// nbconvert_config.py (an embedded resource) written once to the temp folder under a name that holds its hash,
    /// so concurrent runs and different builds never share a stale copy. It replaces --execute: it executes with a
    /// subclass of nbconvert's ExecutePreprocessor.
    /// </summary>
    public static string ConfigFile()
    {
        using var stream = typeof(JupyterRoute).Assembly.GetManifestResourceStream(ConfigResource)
                           ?? throw new InvalidOperationException($"embedded resource {ConfigResource} is missing from the build");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        var bytes = ms.ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"zfviz-nbconvert-config-{PlotlyJs.Sha256Hex(bytes)[..16]}.py");
        if (File.Exists(path)) return path;
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".zfviz-tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    const string ConfigResource = "ZfViz.Notebook.nbconvert_config.py";

    /// <summary>
    /// nbconvert stops at the first failing cell and writes no notebook; its stderr ends with a Python traceback, then
    /// "An error occurred while executing the following cell:", the cell, and the kernel's error. Returns
    /// "cell starting 'first line': error" from that, or null if it is not there.
    /// </summary>
    public static string? DescribeFailure(string stderr)
    {
        const string Marker = "An error occurred while executing the following cell:";
        int at = stderr.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var parts = stderr[(at + Marker.Length)..].Split("------------------");
        if (parts.Length < 3) return null;
        var first = parts[1].Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        var error = string.Join(" | ", parts[2].Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("at ", StringComparison.Ordinal)).Take(3));
        return $"cell starting '{first}': {error}";
    }

    static (int Code, string Output) Run(string cwd, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    static string Tail(string text) => string.Join('\n', text.Split('\n').Where(l => l.Trim().Length > 0).TakeLast(6));
}
