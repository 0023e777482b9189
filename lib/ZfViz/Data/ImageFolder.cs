using TorchSharp;

namespace ZfViz.Data;

/// <summary>A file a folder loader left out, and why (not an image, or not decodable).</summary>
public sealed record SkippedFile(string Path, string Reason);

/// <summary>One class folder of an image-folder data set: its display name and its image files in name order.</summary>
public sealed record ImageFolderClass(string Folder, string Name, IReadOnlyList<string> Files);

/// <summary>
/// Options for <see cref="ImageFolder"/>. <paramref name="ExcludeClasses"/>: folder names to leave out (Caltech-101's
/// BACKGROUND_Google). <paramref name="DisplayName"/>: folder name to class name (Caltech-256 drops "001.").
/// </summary>
public sealed record ImageFolderOptions(IReadOnlyCollection<string>? ExcludeClasses = null, Func<string, string>? DisplayName = null);

/// <summary>Result of loading a folder data set: the images and the files skipped (documented, counted, reported).</summary>
public sealed record FolderLoadResult(ImageDataset Data, IReadOnlyList<SkippedFile> Skipped);

/// <summary>
/// A class-folder tree, root/&lt;class&gt;/*.jpg (CIFAR-10 JPEGs, Caltech, Imagenette). Classes are the folders in
/// ordinal name order (label = position), files in ordinal name order. Hidden files and folders are ignored.
/// Files without an image extension and files that fail to decode are skipped and reported, never fatal; a class
/// folder with no usable image is an error. Decoding runs in parallel, straight into the output tensor.
/// </summary>
public static class ImageFolder
{
    /// <summary>The classes and their image files, without decoding; also returns non-image files found.</summary>
    public static (IReadOnlyList<ImageFolderClass> Classes, IReadOnlyList<SkippedFile> NonImages) Scan(string root, ImageFolderOptions? options = null)
    {
        if (!Directory.Exists(root)) throw new UserInputException($"{root}: image folder not found.");
        var exclude = new HashSet<string>(options?.ExcludeClasses ?? [], StringComparer.Ordinal);
        var classes = new List<ImageFolderClass>();
        var nonImages = new List<SkippedFile>();
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var folder = Path.GetFileName(dir);
            if (folder.StartsWith('.') || exclude.Contains(folder)) continue;
            var files = new List<string>();
            foreach (var f in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                if (Path.GetFileName(f).StartsWith('.')) continue;
                if (ImageDecoder.HasImageExtension(f)) files.Add(f);
                else nonImages.Add(new SkippedFile(f, "not an image file (extension)"));
            }
            if (files.Count == 0)
                throw new UserInputException($"{dir}: class folder '{folder}' has no image files.");
            classes.Add(new ImageFolderClass(folder, options?.DisplayName?.Invoke(folder) ?? folder, files));
        }
        if (classes.Count == 0) throw new UserInputException($"{root}: no class folders (expected {root}/<class>/<image files>).");
        return (classes, nonImages);
    }

    /// <summary>Every image file of the scanned classes in order, with its class index (the class's position).</summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<long> Labels, IReadOnlyList<string> ClassNames) Flatten(IReadOnlyList<ImageFolderClass> classes) =>
        (classes.SelectMany(c => c.Files).ToArray(),
         classes.SelectMany((c, label) => c.Files.Select(_ => (long)label)).ToArray(),
         classes.Select(c => c.Name).ToArray());

    public static FolderLoadResult Load(string root, ImagePreprocessing prep, string? name = null, ImageFolderOptions? options = null)
    {
        var (classes, nonImages) = Scan(root, options);
        var (files, labels, classNames) = Flatten(classes);
        var result = DecodeFiles(files, labels, classNames, prep, name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(root)));
        var kept = new long[classes.Count];
        foreach (var label in result.Data.Labels.data<long>()) kept[label]++;
        for (int c = 0; c < classes.Count; c++)
            if (kept[c] == 0)
            {
                result.Data.Dispose();
                throw new UserInputException($"{Path.Combine(root, classes[c].Folder)}: none of the {classes[c].Files.Count} files of class '{classes[c].Name}' could be decoded.");
            }
        return result with { Skipped = [.. nonImages, .. result.Skipped] };
    }

    /// <summary>
    /// Decodes files in parallel into one uint8 [N,C,S,S] tensor with the given labels; undecodable files are skipped
    /// (reported in the result) and the rest keep their order.
    /// </summary>
    public static FolderLoadResult DecodeFiles(IReadOnlyList<string> files, IReadOnlyList<long> labels, IReadOnlyList<string> classNames,
        ImagePreprocessing prep, string name)
    {
        prep.Validated();
        if (files.Count != labels.Count) throw new ArgumentException($"{name}: {files.Count} files but {labels.Count} labels.");
        int n = files.Count;
        var images = torch.empty([n, prep.Channels, prep.Size, prep.Size], torch.ScalarType.Byte);
        var ok = new bool[n];
        var errors = new string?[n];
        // Each worker decodes straight into its image's slot of the output tensor (a view's bytes span).
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var slot = images[i];
            try
            {
                ImageDecoder.DecodeInto(files[i], prep, slot.bytes);
                ok[i] = true;
            }
            catch (Exception e) when (e is InvalidDataException or UserInputException) { errors[i] = e.InnerException?.Message ?? e.Message; }
            catch (IOException e) { errors[i] = e.Message; }
        });
        var skipped = Enumerable.Range(0, n).Where(i => !ok[i]).Select(i => new SkippedFile(files[i], $"not decodable: {errors[i]}")).ToList();
        var labelTensor = torch.tensor(labels.ToArray(), torch.ScalarType.Int64);
        if (skipped.Count == 0) return new FolderLoadResult(new ImageDataset(name, images, labelTensor, classNames), skipped);

        var keep = torch.tensor(Enumerable.Range(0, n).Where(i => ok[i]).Select(i => (long)i).ToArray(), torch.ScalarType.Int64);
        var data = new ImageDataset(name, images.index_select(0, keep), labelTensor.index_select(0, keep), classNames);
        images.Dispose();
        labelTensor.Dispose();
        return new FolderLoadResult(data, skipped);
    }
}
