namespace ZfViz.IO;

/// <summary>
/// The first check on a file the user names as input: an empty path, a folder or a missing file each get their own
/// plain message (a folder is not "no such file"), as a <see cref="UserInputException"/> with the path as subject.
/// </summary>
public static class InputFile
{
    /// <param name="kind">What the file should be, for the message: ".npy", "safetensors", "image".</param>
    public static void CheckExists(string path, string kind)
    {
        var a = "aeiou".Contains(char.ToLowerInvariant(kind[0])) ? "an" : "a";
        if (string.IsNullOrWhiteSpace(path)) throw new UserInputException($"an empty path was given for {a} {kind} file.");
        if (Directory.Exists(path)) throw new UserInputException($"{path} is a folder, not {a} {kind} file.", path);
        if (!File.Exists(path)) throw new UserInputException($"{path}: no such {kind} file.", path);
    }
}
