namespace ZfViz.IO;

/// <summary>
/// Checks where a command is about to write, before any work starts, so a bad --out fails at once in plain words and
/// never destroys anything: not a folder where a file goes (or a file where a folder goes), never one of the inputs,
/// a parent folder that exists and can be written, nothing under /proc, /sys or /dev, and for folder outputs no
/// non-empty folder that ZFViz did not write unless --force. Every problem is a <see cref="UserInputException"/>.
/// </summary>
public static class OutputPath
{
    static readonly string[] SystemFolders = ["/proc", "/sys", "/dev"];

    /// <summary>A single-file output (replaced atomically if it exists); returns its full path.</summary>
    /// <param name="inputs">The command's input files (null entries are skipped); the output may be none of them.</param>
    public static string CheckFile(string path, string option, params string?[] inputs)
    {
        var full = Full(path, option);
        if (Directory.Exists(full))
            throw new UserInputException($"{path} is a folder; give a file name (e.g. {Path.Combine(path, "out" + Suggested(option))}).", option);
        CheckParent(full, path, option);
        CheckNotAnInput(full, path, option, inputs);
        return full;
    }

    /// <summary>
    /// A folder output (created if missing). An existing folder must be empty or hold <paramref name="ownFiles"/> of an
    /// earlier run (they are replaced), unless <paramref name="force"/>; no input may be the folder or one of the
    /// files written into it. Returns its full path.
    /// </summary>
    public static string CheckFolder(string path, string option, bool force, IReadOnlyCollection<string> ownFiles, params string?[] inputs)
    {
        var full = Full(path, option);
        if (File.Exists(full)) throw new UserInputException($"{path} is a file; give a folder (it is created if missing).", option);
        CheckParent(full, path, option);
        if (Directory.Exists(full))
        {
            if (!force && Directory.EnumerateFileSystemEntries(full).Any() && !ownFiles.Any(f => Path.Exists(Path.Combine(full, f))))
                throw new UserInputException(
                    $"{path} is a folder that is not empty and holds no earlier ZFViz output ({string.Join(", ", ownFiles.Take(3))}); " +
                    "choose a new or empty folder, or pass --force to write into it.", option);
            if (!IsWritable(full)) throw new UserInputException($"cannot write in the folder {path} (permission denied).", option);
        }
        var resolved = Resolve(full);
        foreach (var input in inputs.OfType<string>())
        {
            var r = ResolveQuietly(input);
            if (r is null) continue;
            if (r == resolved || ownFiles.Any(f => Resolve(Path.Combine(resolved, f)) == r))
                throw new UserInputException($"{path} would overwrite the input {input}; choose another folder.", option);
        }
        return full;
    }

    static string Full(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UserInputException("the path is empty.", option);
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UserInputException($"'{path}' is not a usable path ({e.Message}).", option, e);
        }
        var resolved = ResolveQuietly(full) ?? full;
        foreach (var system in SystemFolders)
            if (IsUnder(full, system) || IsUnder(resolved, system))
                throw new UserInputException($"{path} is in {system}, a system folder of the kernel, not a place for files.", option);
        return full;
    }

    static void CheckParent(string full, string path, string option)
    {
        var parent = Path.GetDirectoryName(full);
        if (parent is null) throw new UserInputException($"{path} is the root folder; give a file or folder below it.", option);
        if (File.Exists(parent)) throw new UserInputException($"{parent} is a file, so {path} cannot be created in it.", option);
        if (!Directory.Exists(parent)) throw new UserInputException($"the folder {parent} does not exist; create it first.", option);
        if (!IsWritable(parent)) throw new UserInputException($"cannot write in the folder {parent} (permission denied).", option);
    }

    static void CheckNotAnInput(string full, string path, string option, IEnumerable<string?> inputs)
    {
        var resolved = Resolve(full);
        foreach (var input in inputs.OfType<string>())
            if (ResolveQuietly(input) == resolved)
                throw new UserInputException($"{path} is the input {input}; writing there would destroy it. Choose another output file.", option);
    }

    /// <summary>Whether a file can be created in the folder (tried, not guessed from permission bits: root, ACLs, read-only mounts).</summary>
    static bool IsWritable(string folder)
    {
        var probe = Path.Combine(folder, $".zfviz-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    static bool IsUnder(string path, string folder) =>
        path == folder || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    static string? ResolveQuietly(string path)
    {
        try { return Resolve(Path.GetFullPath(path)); }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or NotSupportedException) { return null; }
    }

    /// <summary>The full path with every symbolic link along it followed (as far as the path exists).</summary>
    static string Resolve(string full)
    {
        for (int hops = 0; hops < 40; hops++)
        {
            var parent = Path.GetDirectoryName(full);
            var name = Path.GetFileName(full);
            if (parent is null || name.Length == 0) return full;
            var here = Path.Combine(Resolve(parent), name);
            var info = new FileInfo(here);
            if (info.LinkTarget is null) return here;
            full = Path.GetFullPath(info.LinkTarget, Path.GetDirectoryName(here)!);
        }
        return full;
    }

    static string Suggested(string option) => option switch { "--out" => ".npy", _ => "" };
}
