namespace ZfViz.Runtime;

/// <summary>Where ZFViz looks for data, models and its own source tree. Each place has one overriding variable.</summary>
public static class ZfVizPaths
{
    public const string DataVariable = "ZFVIZ_DATA";
    public const string ModelsVariable = "ZFVIZ_MODELS";
    public const string RootVariable = "ZFVIZ_ROOT";
    public const string ToolsVariable = "ZFVIZ_TOOLS";

    static string DataHome =>
        Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } x
            ? Path.Combine(x, "zfviz")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "zfviz");

    /// <summary>Data sets live here: $ZFVIZ_DATA, else ~/.local/share/zfviz/data.</summary>
    public static string DataRoot => Environment.GetEnvironmentVariable(DataVariable) is { Length: > 0 } d ? d : Path.Combine(DataHome, "data");

    /// <summary>Checkpoints and training runs live here: $ZFVIZ_MODELS, else ~/.local/share/zfviz/models.</summary>
    public static string ModelsRoot => Environment.GetEnvironmentVariable(ModelsVariable) is { Length: > 0 } m ? m : Path.Combine(DataHome, "models");

    /// <summary>Fetched helper files (plotly.js for offline charts): $ZFVIZ_TOOLS, else ~/.local/share/zfviz/tools.</summary>
    public static string ToolsRoot => Environment.GetEnvironmentVariable(ToolsVariable) is { Length: > 0 } t ? t : Path.Combine(DataHome, "tools");

    /// <summary>The repository root (the folder with Notebooks.sln): $ZFVIZ_ROOT, else found by walking up from start.</summary>
    public static string? FindRepoRoot(string? start = null)
    {
        if (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } r && File.Exists(Path.Combine(r, "Notebooks.sln")))
            return Path.GetFullPath(r);
        foreach (var s in new[] { start, Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = s is null ? null : new DirectoryInfo(s); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Notebooks.sln"))) return dir.FullName;
        }
        return null;
    }
}
