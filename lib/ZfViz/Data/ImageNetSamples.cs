namespace ZfViz.Data;

/// <summary>
/// The ImageNet sample images: one JPEG per ILSVRC-2012 class named &lt;wnid&gt;_&lt;class_name&gt;.JPEG. Sorted by
/// file name (ordinal), the position is the standard class index 0..999; the class name is the file name after the
/// first '_', underscores turned to spaces. Greyscale files come out as RGB. Either the raw file list
/// (<see cref="List"/>) or preprocessed tensors (<see cref="Load"/>, resize shorter side then centre crop).
/// </summary>
public static class ImageNetSamples
{
    public static readonly IReadOnlyList<string> Splits = ["all"];

    public static IReadOnlyList<ImageNetSample> List(string folder)
    {
        if (!Directory.Exists(folder))
            throw new UserInputException($"{folder}: ImageNet sample folder not found. Run data-scripts/fetch-imagenet-samples.sh.");
        var files = Directory.GetFiles(folder)
            .Where(f => !System.IO.Path.GetFileName(f).StartsWith('.') && ImageDecoder.HasImageExtension(f))
            .Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new UserInputException($"{folder}: no image files (expected <wnid>_<class_name>.JPEG).");
        return files.Select((f, i) =>
        {
            var stem = System.IO.Path.GetFileNameWithoutExtension(f);
            int cut = stem.IndexOf('_');
            if (cut <= 0 || cut == stem.Length - 1)
                throw new UserInputException($"{f}: file name is not <wnid>_<class_name>.JPEG.");
            return new ImageNetSample(f, i, stem[..cut], stem[(cut + 1)..].Replace('_', ' '));
        }).ToArray();
    }

    /// <summary>All samples as one data set (label = class index); undecodable files are skipped and reported.</summary>
    public static FolderLoadResult Load(string folder, ImagePreprocessing prep)
    {
        var samples = List(folder);
        return ImageFolder.DecodeFiles(samples.Select(s => s.Path).ToArray(), samples.Select(s => (long)s.ClassIndex).ToArray(),
            samples.Select(s => s.ClassName).ToArray(), prep, "imagenet-samples");
    }
}
