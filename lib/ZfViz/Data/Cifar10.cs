namespace ZfViz.Data;

/// <summary>
/// CIFAR-10 in a data-set folder (data root/cifar10): the canonical binary release in cifar-10-batches-bin/
/// (preferred: exact pixels) or an image-folder tree jpg/{train,test}/&lt;class&gt;/*.jpg (the offline mirror).
/// Folder classes sorted by name give the canonical label order (airplane = 0 ... truck = 9).
/// </summary>
public static class Cifar10
{
    public static readonly IReadOnlyList<string> ClassNames =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    public static readonly IReadOnlyList<string> Splits = ["train", "test"];

    public static string BinaryFolder(string folder) => Path.Combine(folder, "cifar-10-batches-bin");
    public static string ImageFolderRoot(string folder, string split) => Path.Combine(folder, "jpg", split);

    /// <summary>"binary", "jpeg" or null (nothing found) for the data-set folder.</summary>
    public static string? Format(string folder) =>
        Directory.Exists(BinaryFolder(folder)) ? "binary" : Directory.Exists(Path.Combine(folder, "jpg")) ? "jpeg" : null;

    /// <summary>Files whose names, sizes and times key the tensor cache.</summary>
    public static IEnumerable<string> SourceFiles(string folder, string split) => Format(folder) switch
    {
        "binary" => [.. CifarBinary.BatchFiles(BinaryFolder(folder), split), Path.Combine(BinaryFolder(folder), "batches.meta.txt")],
        "jpeg" => Directory.Exists(ImageFolderRoot(folder, split))
            ? Directory.EnumerateFiles(ImageFolderRoot(folder, split), "*", SearchOption.AllDirectories) : [],
        _ => [],
    };

    public static FolderLoadResult Load(string folder, string split, ImagePreprocessing prep)
    {
        if (split is not ("train" or "test")) throw new UserInputException($"CIFAR-10 has splits train and test; got '{split}'.");
        switch (Format(folder))
        {
            case "binary":
                return new FolderLoadResult(CifarBinary.Load(BinaryFolder(folder), split, prep), []);
            case "jpeg":
                return ImageFolder.Load(ImageFolderRoot(folder, split), prep, "cifar10");
            default:
                throw new UserInputException(
                    $"{folder}: no CIFAR-10 here (expected cifar-10-batches-bin/ or jpg/train, jpg/test). Run data-scripts/fetch-cifar10.sh.");
        }
    }
}
