namespace ZfViz.Data;

/// <summary>
/// Imagenette (fast.ai): imagenette2[-320|-160]/{train,val}/&lt;wnid&gt;/*.JPEG, 10 easy ImageNet classes. Class order
/// is the wnid order (as every image-folder loader); names are the readable ImageNet names.
/// </summary>
public static class Imagenette
{
    public static readonly IReadOnlyList<string> Splits = ["train", "val"];

    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>
    {
        ["n01440764"] = "tench", ["n02102040"] = "English springer", ["n02979186"] = "cassette player",
        ["n03000684"] = "chain saw", ["n03028079"] = "church", ["n03394916"] = "French horn",
        ["n03417042"] = "garbage truck", ["n03425413"] = "gas pump", ["n03445777"] = "golf ball", ["n03888605"] = "parachute",
    };

    static readonly ImageFolderOptions Options = new(DisplayName: w => Names.TryGetValue(w, out var n) ? n : w);

    /// <summary>The unpacked variant inside the data-set folder: 320 px preferred, then full size, then 160 px.</summary>
    public static string? VariantRoot(string folder)
    {
        foreach (var v in new[] { "imagenette2-320", "imagenette2", "imagenette2-160" })
            if (Directory.Exists(Path.Combine(folder, v))) return Path.Combine(folder, v);
        return null;
    }

    public static string SplitRoot(string folder, string split)
    {
        if (split is not ("train" or "val")) throw new UserInputException($"Imagenette has splits train and val; got '{split}'.");
        var root = VariantRoot(folder) ?? throw new UserInputException(
            $"{folder}: no imagenette2-320/, imagenette2/ or imagenette2-160/ here. Run data-scripts/fetch-imagenette.sh.");
        return Path.Combine(root, split);
    }

    public static FolderLoadResult Load(string folder, string split, ImagePreprocessing prep) =>
        ImageFolder.Load(SplitRoot(folder, split), prep, "imagenette", Options);

    public static ImageFolderOptions FolderOptions => Options;
}
