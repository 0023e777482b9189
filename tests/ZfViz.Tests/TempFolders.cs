namespace ZfViz.Tests;

/// <summary>
/// The temporary folders of one test class instance (xunit makes one per test), for helpers whose folder must outlive
/// the helper: all are deleted when the test class is disposed.
/// </summary>
public sealed class TempFolders : IDisposable
{
    readonly List<TempFolder> folders = [];

    public string New(string prefix)
    {
        var folder = new TempFolder(prefix);
        folders.Add(folder);
        return folder.Path;
    }

    public void Dispose()
    {
        foreach (var folder in folders) folder.Dispose();
    }
}
