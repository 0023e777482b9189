using System.Text.RegularExpressions;

namespace ZfViz.Data;

/// <summary>
/// Caltech-101 (101_ObjectCategories/, 101 classes once BACKGROUND_Google is dropped) and Caltech-256
/// (256_ObjectCategories/NNN.name/, 256 classes once 257.clutter is dropped; names lose the "NNN." prefix).
/// One split, "all": the paper's protocol draws N training images per class from it (<see cref="ClassBalancedSampler"/>).
/// </summary>
public static partial class Caltech
{
    public static readonly IReadOnlyList<string> Splits = ["all"];

    public static string Root101(string folder) => Path.Combine(folder, "101_ObjectCategories");
    public static string Root256(string folder) => Path.Combine(folder, "256_ObjectCategories");

    public static readonly ImageFolderOptions Options101 = new(ExcludeClasses: ["BACKGROUND_Google"]);
    public static readonly ImageFolderOptions Options256 = new(ExcludeClasses: ["257.clutter"], DisplayName: StripNumber);

    public static FolderLoadResult Load101(string folder, ImagePreprocessing prep) =>
        ImageFolder.Load(Root101(folder), prep, "caltech101", Options101);

    public static FolderLoadResult Load256(string folder, ImagePreprocessing prep) =>
        ImageFolder.Load(Root256(folder), prep, "caltech256", Options256);

    /// <summary>"001.ak47" -> "ak47".</summary>
    public static string StripNumber(string folder) => NumberPrefix().Replace(folder, "");

    [GeneratedRegex(@"^\d+\.")]
    private static partial Regex NumberPrefix();
}
