using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Data;

/// <summary>
/// Measures the data layer on CIFAR-10 (32x32): a first load that decodes every file (no cache), writing the cache
/// entries, a cached reload, and the training augmentation (to float, mean subtraction, random crop with 4-pixel
/// padding and flip) over the training set in batches. Prints nothing; the CLI does.
/// </summary>
public static class DataBenchmark
{
    public static DataBenchmarkResult Run(string? dataRoot = null, int batchSize = 128, Action<string>? progress = null)
    {
        var info = Datasets.Find("cifar10");
        var folder = Datasets.Folder("cifar10", dataRoot);
        var format = Cifar10.Format(folder) ?? throw new UserInputException($"{folder}: no CIFAR-10 here. Run data-scripts/fetch-cifar10.sh.");
        var quiet = new DataLoadOptions(UseCache: false, DataRoot: dataRoot, Log: _ => { });
        var cached = quiet with { UseCache = true };
        var cache = TensorCache.ForDataRoot(dataRoot);

        progress?.Invoke($"decoding CIFAR-10 ({format}) without the cache...");
        var sw = Stopwatch.StartNew();
        var reports = Cifar10.Splits.Select(s => Datasets.LoadWithReport(info.Name, s, 32, quiet)).ToArray();
        double decode = sw.Elapsed.TotalSeconds;
        long decoded = reports.Sum(r => (long)r.Data.Count);

        sw.Restart();
        foreach (var r in reports) cache.StoreImages(r.Key, r.Data, r.SkippedCount);
        double write = sw.Elapsed.TotalSeconds;
        foreach (var r in reports.Skip(1)) r.Data.Dispose();

        progress?.Invoke("reloading from the cache...");
        sw.Restart();
        var reloaded = Cifar10.Splits.Select(s => Datasets.LoadWithReport(info.Name, s, 32, cached)).ToArray();
        double reload = sw.Elapsed.TotalSeconds;
        if (reloaded.Any(r => !r.FromCache)) throw new InvalidOperationException("The cache did not answer the reload; is the data root writable?");
        long reloadedImages = reloaded.Sum(r => (long)r.Data.Count);
        foreach (var r in reloaded) r.Data.Dispose();

        progress?.Invoke("augmenting the training set...");
        var train = reports[0].Data;
        using var mean = Augment.PixelMean(train);
        double augment = TimeAugmentation(train, mean, batchSize);
        // Small per-batch operations suffer when libtorch's threads compete with other processes; one thread shows it.
        int threads = get_num_threads();
        double augmentOneThread = augment;
        if (threads > 1)
        {
            set_num_threads(1);
            try { augmentOneThread = TimeAugmentation(train, mean, batchSize); }
            finally { set_num_threads(threads); }
        }
        long augmented = train.Count;
        train.Dispose();
        return new DataBenchmarkResult(format, Environment.ProcessorCount, decoded, decode, write, reloadedImages, reload, augmented, augment, batchSize,
            threads, augmentOneThread);
    }

    static double TimeAugmentation(ImageDataset train, Tensor mean, int batchSize)
    {
        var rng = new Generator(0);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < train.Count; i += batchSize)
        {
            using var scope = NewDisposeScope();
            var x = Augment.ToFloat(train.Images[i..Math.Min(train.Count, i + batchSize)]);
            Augment.RandomCropFlip(Augment.SubtractMean(x, mean), 4, rng);
        }
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>Decodes the ImageNet sample photos at <paramref name="size"/> (ImageNet style, no cache): images and seconds.</summary>
    public static (int Images, double Seconds) DecodeImageNetSamples(string? dataRoot = null, int size = 224)
    {
        var sw = Stopwatch.StartNew();
        using var data = Datasets.Load("imagenet-samples", "all", size, new DataLoadOptions(UseCache: false, DataRoot: dataRoot, Log: _ => { }));
        return (data.Count, sw.Elapsed.TotalSeconds);
    }
}
