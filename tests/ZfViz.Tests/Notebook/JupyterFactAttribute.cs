namespace ZfViz.Tests.Notebook;

/// <summary>A fact that needs jupyter-nbconvert: skipped, saying how to install it, only when it is missing.</summary>
public sealed class JupyterFactAttribute : FactAttribute
{
    public JupyterFactAttribute()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "jupyter-nbconvert")));
        if (!found) Skip = "jupyter-nbconvert not installed (sudo apt-get install jupyter-nbconvert; ./setup.sh installs it as root)";
    }
}
