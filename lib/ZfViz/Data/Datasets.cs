using TorchSharp;
using ZfViz.Runtime;

namespace ZfViz.Data;

/// <summary>
/// The data registry: data sets by name, each in its folder under the data root (ZfVizPaths.DataRoot, overridable by
/// $ZFVIZ_DATA), filled by data-scripts/fetch-NAME.sh. <c>Datasets.Load("cifar10", "train", 32)</c> decodes once, then
/// reloads from the tensor cache (data root/.cache) until the files or the preprocessing change.
/// The paper's pipeline (Sec. 3) at full size: <c>Load(name, split, 256, new DataLoadOptions(ResizeShorter: 256))</c>
/// stores 256x256 centre squares; training takes random 224 crops with flips (<see cref="Augment.RandomCropFlipTo"/>),
/// testing the 10 views (<see cref="Augment.TenViews"/>), both after <see cref="Augment.SubtractMean"/>. At CIFAR scale
/// the same holds with 32 and <see cref="Augment.RandomCropFlip"/> (padding) instead.
/// </summary>
public static class Datasets
{
    public static readonly IReadOnlyList<DatasetInfo> All =
    [
        new("cifar10", "CIFAR-10: 60,000 32x32 colour images, 10 classes (binary release or JPEG folders)", Cifar10.Splits,
            "fetch-cifar10.sh", 32, 3, ImageNetStyle: false),
        new("fashion-mnist", "Fashion-MNIST: 70,000 28x28 greyscale images, 10 classes (IDX)", FashionMnist.Splits,
            "fetch-fashion-mnist.sh", 28, 1, ImageNetStyle: false),
        new("imagenet-samples", "ImageNet sample images: one photo per ILSVRC-2012 class (1000)", ImageNetSamples.Splits,
            "fetch-imagenet-samples.sh", null, 3, ImageNetStyle: true),
        new("caltech101", "Caltech-101: 101 object classes (BACKGROUND_Google dropped)", Caltech.Splits,
            "fetch-caltech101.sh", null, 3, ImageNetStyle: true),
        new("caltech256", "Caltech-256: 256 object classes (257.clutter dropped)", Caltech.Splits,
            "fetch-caltech256.sh", null, 3, ImageNetStyle: true),
        new("voc2012", "PASCAL VOC 2012 classification: 20 classes, multi-label", Voc.Splits,
            "fetch-voc2012.sh", null, 3, ImageNetStyle: true, MultiLabel: true),
        new("imagenette", "Imagenette: 10 easy ImageNet classes (fast.ai)", Imagenette.Splits,
            "fetch-imagenette.sh", null, 3, ImageNetStyle: true),
        new("imagenet", "ILSVRC-2012: your own copy, train/<wnid>/ and val/ (linked, not downloaded)", ImageNetFolder.Splits,
            "fetch-imagenet.sh --from DIR", null, 3, ImageNetStyle: true),
    ];

    public static DatasetInfo Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new UserInputException($"Unknown data set '{name}'. Known: {string.Join(", ", All.Select(d => d.Name))}.");

    /// <summary>The folder of a data set: data root/NAME.</summary>
    public static string Folder(string name, string? dataRoot = null) => Path.Combine(dataRoot ?? ZfVizPaths.DataRoot, Find(name).Name);

    /// <summary>
    /// The preprocessing a load uses: size null means the native size (an error for data sets of varying size); the
    /// shorter side is resized to size*256/224 for photo data sets (ImageNet style) or to size for the others;
    /// channels default to the data set's own (1 for Fashion-MNIST, 3 for the rest).
    /// </summary>
    public static ImagePreprocessing Preprocessing(DatasetInfo info, int? size, DataLoadOptions? options = null)
    {
        int s = size ?? info.NativeSize ?? throw new UserInputException(
            $"{info.Name} images vary in size; give a size (e.g. 224, or 32 for CIFAR-scale models).");
        int channels = options?.Channels ?? info.NativeChannels;
        var prep = options?.ResizeShorter is int r ? new ImagePreprocessing(s, r, channels)
            : info.ImageNetStyle ? ImagePreprocessing.ImageNetStyle(s, channels)
            : new ImagePreprocessing(s, null, channels);
        return prep.Validated();
    }

    public static ImageDataset Load(string name, string split, int? size = null, DataLoadOptions? options = null) =>
        LoadWithReport(name, split, size, options).Data;

    /// <summary><see cref="Load"/> with the skipped files and whether the cache answered.</summary>
    public static DatasetLoadReport LoadWithReport(string name, string split, int? size = null, DataLoadOptions? options = null)
    {
        var info = Find(name);
        if (info.MultiLabel) throw new UserInputException($"{info.Name} is multi-label; load it with Datasets.LoadMultiLabel.");
        var (root, folder) = Locate(info, split, options);
        var prep = Preprocessing(info, size, options);
        var log = options?.Log ?? (m => Console.Error.WriteLine(m));
        if (StreamedOrNull(info, folder, split, prep, options?.StreamAboveGigabytes, log) is { } streamed)
            return new DatasetLoadReport(streamed, [], 0, new CacheKey(info.Name, split, prep.Key, "streamed"), false);
        var key = new CacheKey(info.Name, split, prep.Key, CacheKey.Fingerprint(folder, SourceFiles(info, folder, split)));
        var cache = TensorCache.ForDataRoot(root);
        if (options?.UseCache != false && cache.TryLoadImages(key, out int cachedSkips) is { } cached)
        {
            if (cachedSkips > 0) log($"{info.Name}/{split}: {cachedSkips} unreadable files were skipped when this cache entry was built.");
            return new DatasetLoadReport(cached, [], cachedSkips, key, true);
        }
        var result = Decode(info, folder, split, prep);
        if (result.Skipped.Count > 0)
        {
            log($"{info.Name}/{split}: skipped {result.Skipped.Count} file(s) that are not decodable images:");
            foreach (var s in result.Skipped.Take(10)) log($"  {s.Path}: {s.Reason}");
            if (result.Skipped.Count > 10) log($"  ... and {result.Skipped.Count - 10} more");
        }
        if (options?.UseCache != false) TryStore(() => cache.StoreImages(key, result.Data, result.Skipped.Count), cache, log);
        return new DatasetLoadReport(result.Data, result.Skipped, result.Skipped.Count, key, false);
    }

    /// <summary>
    /// The split as a streamed data set (file paths and labels, decoded batch by batch) when it is a photo folder
    /// (ILSVRC-2012, Imagenette) too large to decode into memory (<see cref="StreamingPolicy"/>); else null. Files and
    /// labels are in the in-memory route's order, so both routes give the same batches for the same indices.
    /// </summary>
    static ImageDataset? StreamedOrNull(DatasetInfo info, string folder, string split, ImagePreprocessing prep, double? limit, Action<string> log)
    {
        IReadOnlyList<string> files;
        IReadOnlyList<long> labels;
        IReadOnlyList<string> classes;
        switch (info.Name)
        {
            case "imagenet":
                (files, labels, classes) = ImageNetFolder.Scan(folder, split);
                break;
            case "imagenette":
                (files, labels, classes) = ImageFolder.Flatten(ImageFolder.Scan(Imagenette.SplitRoot(folder, split), Imagenette.FolderOptions).Classes);
                break;
            default:
                return null;
        }
        if (files.Count == 0 || !StreamingPolicy.ShouldStream(files.Count, prep, limit)) return null;
        log($"{info.Name}/{split}: {files.Count} images ({StreamingPolicy.DecodedBytes(files.Count, prep) / 1e9:F1} GB decoded at {prep.Size} px) " +
            $"are more than {limit ?? StreamingPolicy.Gigabytes:0.##} GB (${StreamingPolicy.EnvironmentVariable}): streamed from disk a batch at a time.");
        return new ImageDataset(info.Name, new StreamedImages(files, prep), torch.tensor(labels.ToArray(), torch.ScalarType.Int64), classes);
    }

    /// <summary>PASCAL VOC 2012 (the multi-label data set) as a <see cref="MultiLabelDataset"/>; cached like the others.</summary>
    public static MultiLabelDataset LoadMultiLabel(string name, string split, int size, DataLoadOptions? options = null)
    {
        var info = Find(name);
        if (!info.MultiLabel) throw new UserInputException($"{info.Name} is single-label; load it with Datasets.Load.");
        var (root, folder) = Locate(info, split, options);
        var prep = Preprocessing(info, size, options);
        var key = new CacheKey(info.Name, split, prep.Key, CacheKey.Fingerprint(folder, SourceFiles(info, folder, split)));
        var cache = TensorCache.ForDataRoot(root);
        if (options?.UseCache != false && cache.TryLoad(key) is { } e)
            return new MultiLabelDataset(e.Name, e.Tensors["images"], e.Tensors["targets"], e.Tensors["difficult"], e.Ids ?? [], e.ClassNames);
        var (data, skipped) = Voc.Load(folder, split, prep);
        if (skipped.Count > 0) (options?.Log ?? (m => Console.Error.WriteLine(m)))($"{info.Name}/{split}: skipped {skipped.Count} undecodable image(s), first: {skipped[0].Path}");
        if (options?.UseCache != false)
            TryStore(() => cache.Store(key, new TensorCache.Entry(data.Name, new Dictionary<string, torch.Tensor>
            {
                ["images"] = data.Images, ["targets"] = data.Targets, ["difficult"] = data.Difficult,
            }, data.ClassNames, data.ImageIds, skipped.Count)), cache, options?.Log ?? (m => Console.Error.WriteLine(m)));
        return data;
    }

    /// <summary>A cache that cannot be written (read-only data root, full disk) costs speed, not the load.</summary>
    static void TryStore(Action store, TensorCache cache, Action<string> log)
    {
        try { store(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log($"note: could not write the tensor cache in {cache.Folder} ({e.Message}); the next load decodes again.");
        }
    }

    static (string Root, string Folder) Locate(DatasetInfo info, string split, DataLoadOptions? options)
    {
        if (!info.Splits.Contains(split))
            throw new UserInputException($"{info.Name} has splits {string.Join(", ", info.Splits)}; got '{split}'.");
        var root = options?.DataRoot ?? ZfVizPaths.DataRoot;
        if (!Directory.Exists(root))
            throw new UserInputException(
                $"Data root {root} does not exist. Fill it with data-scripts/fetch-all.sh (offline: --mirror DIR), or point {ZfVizPaths.DataVariable} at it.");
        var folder = Path.Combine(root, info.Name);
        if (!Directory.Exists(folder))
            throw new UserInputException($"{folder}: {info.Name} is not in the data root. Run data-scripts/{info.FetchScript}.");
        return (root, folder);
    }

    static FolderLoadResult Decode(DatasetInfo info, string folder, string split, ImagePreprocessing prep) => info.Name switch
    {
        "cifar10" => Cifar10.Load(folder, split, prep),
        "fashion-mnist" => new FolderLoadResult(FashionMnist.Load(folder, split, prep), []),
        "imagenet-samples" => ImageNetSamples.Load(folder, prep),
        "caltech101" => Caltech.Load101(folder, prep),
        "caltech256" => Caltech.Load256(folder, prep),
        "imagenette" => Imagenette.Load(folder, split, prep),
        "imagenet" => ImageNetFolder.Load(folder, split, prep),
        _ => throw new NotSupportedException($"No loader for {info.Name}."),
    };

    /// <summary>The files a split is read from (their names, sizes and times key the cache).</summary>
    public static IEnumerable<string> SourceFiles(DatasetInfo info, string folder, string split)
    {
        IEnumerable<string> Tree(string dir) => Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories) : [];
        switch (info.Name)
        {
            case "cifar10": return Cifar10.SourceFiles(folder, split);
            case "fashion-mnist": { var (i, l) = FashionMnist.Files(folder, split); return [i, l]; }
            case "imagenet-samples": return Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Where(ImageDecoder.HasImageExtension) : [];
            case "caltech101": return Tree(Caltech.Root101(folder));
            case "caltech256": return Tree(Caltech.Root256(folder));
            case "imagenette": return Imagenette.VariantRoot(folder) is null ? [] : Tree(Imagenette.SplitRoot(folder, split));
            case "imagenet": return ImageNetFolder.Scan(folder, split).Files;
            case "voc2012":
                var main = Path.Combine(Voc.Root(folder), "ImageSets", "Main");
                var lists = Directory.Exists(main) ? Directory.EnumerateFiles(main, $"*_{split}.txt") : [];
                // The JPEGs are keyed through the list files plus the image folder's own time stamp.
                var images = Path.Combine(Voc.Root(folder), "JPEGImages");
                return Directory.Exists(images) ? lists.Append(images) : lists;
            default: return [];
        }
    }

    /// <summary>
    /// Checks a data set: presence, format, counts per split and class, that it loads (IDX and CIFAR files are read
    /// whole, and a sample of <see cref="SampledImages"/> image files per split is decoded; <paramref name="deep"/>:
    /// every image file), and the checksum state from the fetch marker (<paramref name="verify"/>: also re-hash the
    /// files the marker lists). "Present" without problems means "loadable".
    /// </summary>
    public static DatasetStatus Check(string name, string? dataRoot = null, bool verify = false, bool deep = false)
    {
        var info = Find(name);
        var folder = Path.Combine(dataRoot ?? ZfVizPaths.DataRoot, info.Name);
        if (!Directory.Exists(folder))
            return new DatasetStatus(info, folder, false, null, [], "absent", [$"not fetched: run data-scripts/{info.FetchScript}"]);
        var problems = new List<string>();
        var splits = new List<SplitStatus>();
        string? format = info.Name switch
        {
            "cifar10" => Cifar10.Format(folder),
            "fashion-mnist" => "idx",
            "voc2012" => "voc",
            _ => "image folders",
        };
        foreach (var split in info.Splits)
        {
            try
            {
                splits.Add(CountSplit(info, folder, split));
                if (DecodeSample(info, folder, split, deep) is { } undecodable) problems.Add($"{split}: {undecodable}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UserInputException or ArgumentException or UnauthorizedAccessException)
            {
                problems.Add($"{split}: {e.Message}");
            }
        }
        var marker = DataMarker.Read(folder);
        string checksum;
        if (marker is null) checksum = "no fetch marker: not fetched by data-scripts, checksums unknown";
        else
        {
            checksum = marker.Summary();
            if (verify)
            {
                var bad = marker.VerifyFiles(folder);
                problems.AddRange(bad);
                checksum += marker.Files.Count == 0 ? "; no kept files to re-check"
                    : bad.Count == 0 ? $"; re-checked {marker.Files.Count} file(s): all match" : $"; re-checked {marker.Files.Count} file(s): {bad.Count} differ";
            }
        }
        return new DatasetStatus(info, folder, true, format, splits, checksum, problems);
    }

    /// <summary>Image files decoded per split by a check that is not --deep, spread evenly over the sorted list.</summary>
    public const int SampledImages = 16;

    /// <summary>Decodes a sample (or all) of a split's image files; a description of the failures, or null.</summary>
    static string? DecodeSample(DatasetInfo info, string folder, string split, bool all)
    {
        var files = SourceFiles(info, folder, split)
            .SelectMany(f => Directory.Exists(f) ? Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories) : [f])
            .Where(ImageDecoder.HasImageExtension).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) return null;
        var chosen = all || files.Count <= SampledImages ? files
            : Enumerable.Range(0, SampledImages).Select(i => files[(int)((long)i * files.Count / SampledImages)]).Distinct().ToList();
        var prep = new ImagePreprocessing(8);
        var buffer = new byte[3 * 8 * 8];
        var failures = new List<string>();
        foreach (var f in chosen)
        {
            try { ImageDecoder.DecodeInto(f, prep, buffer); }
            catch (Exception e) when (e is UserInputException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                failures.Add(e.Message);
            }
        }
        return failures.Count == 0 ? null
            : $"{failures.Count} of {chosen.Count} {(all ? "" : "sampled ")}image files could not be decoded, e.g. {failures[0]}";
    }

    static SplitStatus CountSplit(DatasetInfo info, string folder, string split)
    {
        switch (info.Name)
        {
            case "cifar10" when Cifar10.Format(folder) == "binary":
            {
                var bin = Cifar10.BinaryFolder(folder);
                var names = CifarBinary.ReadClassNames(bin);
                return FromCounts(split, names, CifarBinary.CountPerClass(bin, split, names.Count));
            }
            case "cifar10": return FromScan(split, Cifar10.ImageFolderRoot(folder, split), null);
            case "fashion-mnist":
            {
                var (images, labels) = FashionMnist.Files(folder, split);
                var dims = IdxFile.Read(images).Dimensions; // read whole: a truncated file must not pass as present
                var y = IdxFile.Read(labels);
                if (dims[0] != y.Count) throw new UserInputException($"{images} holds {dims[0]} images but {labels} holds {y.Count} labels.");
                var counts = new long[FashionMnist.ClassNames.Count];
                foreach (var l in y.Data)
                {
                    if (l >= counts.Length) throw new UserInputException($"{labels}: label {l} outside 0..{counts.Length - 1}.");
                    counts[l]++;
                }
                return FromCounts(split, FashionMnist.ClassNames, counts);
            }
            case "imagenet-samples":
            {
                var samples = ImageNetSamples.List(folder);
                return new SplitStatus(split, samples.Count, samples.Select(s => (s.ClassName, 1L)).ToArray());
            }
            case "caltech101": return FromScan(split, Caltech.Root101(folder), Caltech.Options101);
            case "caltech256": return FromScan(split, Caltech.Root256(folder), Caltech.Options256);
            case "imagenette": return FromScan(split, Imagenette.SplitRoot(folder, split), Imagenette.FolderOptions);
            case "imagenet":
            {
                var (_, labels, synsets) = ImageNetFolder.Scan(folder, split);
                var counts = new long[synsets.Count];
                foreach (var l in labels) counts[l]++;
                return FromCounts(split, synsets, counts);
            }
            case "voc2012":
            {
                var (ids, marks) = Voc.ReadSplit(Voc.Root(folder), split);
                var counts = new long[Voc.ClassNames.Count];
                for (int i = 0; i < ids.Length; i++)
                    for (int k = 0; k < counts.Length; k++)
                        if (marks[i, k] == 1) counts[k]++;
                return FromCounts(split, Voc.ClassNames, counts, ids.Length);
            }
            default: throw new NotSupportedException($"No check for {info.Name}.");
        }
    }

    static SplitStatus FromCounts(string split, IReadOnlyList<string> names, long[] counts, long? total = null) =>
        new(split, total ?? counts.Sum(), names.Select((n, i) => (n, counts[i])).ToArray());

    static SplitStatus FromScan(string split, string root, ImageFolderOptions? options)
    {
        var (classes, _) = ImageFolder.Scan(root, options);
        return new SplitStatus(split, classes.Sum(c => (long)c.Files.Count), classes.Select(c => (c.Name, (long)c.Files.Count)).ToArray());
    }
}
