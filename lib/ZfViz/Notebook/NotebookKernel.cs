namespace ZfViz.Notebook;

/// <summary>
/// How <see cref="NotebookRunner"/> executes a notebook: the pinned dotnet-repl (default), or the Jupyter kernel
/// protocol (the pinned .NET Interactive kernel driven by jupyter nbconvert), which is what VS Code's Jupyter
/// extension and Jupyter Lab use.
/// </summary>
public enum NotebookKernel { Repl, Jupyter }
