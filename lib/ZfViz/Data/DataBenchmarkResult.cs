namespace ZfViz.Data;

/// <summary>Figures of <see cref="DataBenchmark"/>: decoding, cache and augmentation speeds on CIFAR-10.</summary>
public sealed record DataBenchmarkResult(string Format, int Threads, long DecodedImages, double DecodeSeconds, double CacheWriteSeconds,
    long CachedImages, double CachedReloadSeconds, long AugmentedImages, double AugmentSeconds, int BatchSize,
    int TorchThreads, double AugmentSecondsOneThread)
{
    public double DecodeImagesPerSecond => DecodedImages / DecodeSeconds;
    public double AugmentImagesPerSecond => AugmentedImages / AugmentSeconds;
    public double AugmentImagesPerSecondOneThread => AugmentedImages / AugmentSecondsOneThread;
}
