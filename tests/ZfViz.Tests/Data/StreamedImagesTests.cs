using ZfViz.Data;
using ZfViz.Tests.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Data;

/// <summary>
/// The streamed route for splits too large for memory, on a tiny ILSVRC-layout tree of JPEGs of several sizes: it gives
/// the in-memory route's batches, its mean, names a broken file, and holds a bounded number of decoded batches.
/// </summary>
public sealed class StreamedImagesTests : IDisposable
{
    const string A = "n01440764", B = "n02102040", C = "n03000684";
    static readonly ImagePreprocessing Prep = new(12, 14);

    readonly DataFixture f = new();
    readonly string root;

    public StreamedImagesTests()
    {
        // Landscape, portrait and square sources, so the resize and the centre crop both do something.
        int k = 0;
        foreach (var (wnid, n) in new[] { (A, 5), (B, 4), (C, 6) })
            for (int i = 0; i < n; i++, k++)
                f.WriteImage($"imagenet/train/{wnid}/{wnid}_{i}.JPEG", k, 16 + (k % 3) * 4, 18 - (k % 2) * 3, jpeg: true);
        root = f.PathOf("imagenet");
    }

    public void Dispose() => f.Dispose();

    ImageDataset InMemory() => ImageNetFolder.Load(root, "train", Prep).Data;

    ImageDataset Streamed()
    {
        var (files, labels, synsets) = ImageNetFolder.Scan(root, "train");
        return new ImageDataset("imagenet", new StreamedImages(files, Prep), tensor(labels.ToArray(), ScalarType.Int64), synsets);
    }

    static long[] Permutation(int n, long seed)
    {
        using var g = new Generator((ulong)seed);
        using var p = randperm(n, generator: g);
        return p.data<long>().ToArray();
    }

    [Fact]
    public void StreamedBatchesAreTheInMemoryBatchesInTheSameOrder()
    {
        using var memory = InMemory();
        using var streamed = Streamed();
        Assert.True(streamed.IsStreamed);
        Assert.Equal((memory.Count, memory.Channels, memory.Height, memory.Width), (streamed.Count, streamed.Channels, streamed.Height, streamed.Width));
        var batches = BatchReader.Chunks(Permutation(memory.Count, 42), 4);
        var fromMemory = BatchReader.Read(memory, batches).Select(b => (b.Indices, Images: b.Images.clone(), Labels: b.Labels.data<long>().ToArray())).ToList();
        var fromDisk = BatchReader.Read(streamed, batches).Select(b => (b.Indices, Images: b.Images.clone(), Labels: b.Labels.data<long>().ToArray())).ToList();
        Assert.Equal(4, fromDisk.Count); // 15 images: 4 + 4 + 4 + 3
        for (int i = 0; i < batches.Count; i++)
        {
            Assert.Equal(batches[i], fromDisk[i].Indices);
            Assert.Equal(fromMemory[i].Labels, fromDisk[i].Labels);
            // Independent expectation: the in-memory tensor's own rows at those indices.
            using var idx = tensor(batches[i], ScalarType.Int64);
            using var expected = memory.Images.index_select(0, idx);
            Assert.True(SameRun.Identical(expected, fromDisk[i].Images), $"batch {i}");
            Assert.True(SameRun.Identical(fromMemory[i].Images, fromDisk[i].Images), $"batch {i}");
        }
        foreach (var b in fromMemory.Concat(fromDisk)) b.Images.Dispose();
        Assert.Equal(0, streamed.Streamed!.BatchesHeld);
    }

    [Fact]
    public void SubsetsSamplesAndASmallStreamedSetsImagesMatchTheInMemoryOnes()
    {
        using var memory = InMemory();
        using var streamed = Streamed();
        using var a = memory.Sample(7, seed: 3);
        using var b = streamed.Sample(7, seed: 3);
        Assert.True(b.IsStreamed);
        Assert.Equal(a.Labels.data<long>().ToArray(), b.Labels.data<long>().ToArray());
        Assert.True(SameRun.Identical(a.Images, b.Images)); // a small streamed set decodes itself on first use
        using var firstFive = streamed.Take(5);
        Assert.True(SameRun.Identical(memory.Images[..5], firstFive.Images));
    }

    [Fact]
    public void TheStreamedMeanIsTheInMemoryMeanOrThatOfItsSeededSample()
    {
        using var memory = InMemory();
        using var streamed = Streamed();
        // Whole set (fewer images than the sample size): the same per-pixel mean, computed here in float64.
        using var expected = memory.Images.to_type(ScalarType.Float64).mean([0]).div(255.0).to_type(ScalarType.Float32);
        using var fromDisk = Augment.PixelMean(streamed, chunk: 5);
        Assert.True(fromDisk.allclose(expected, rtol: 0, atol: 1e-6));
        using var inMemory = Augment.PixelMean(memory);
        Assert.True(inMemory.allclose(fromDisk, rtol: 0, atol: 1e-6));

        // A larger set: the mean of the fixed, seeded class-balanced sample.
        using var sampled = Augment.PixelMean(streamed, streamedSample: 6);
        using var chosen = memory.Sample(6, Augment.StreamedMeanSeed);
        using var sampleMean = chosen.Images.to_type(ScalarType.Float64).mean([0]).div(255.0).to_type(ScalarType.Float32);
        Assert.True(sampled.allclose(sampleMean, rtol: 0, atol: 1e-6));
        Assert.False(sampled.allclose(expected, rtol: 0, atol: 1e-6));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ACorruptOrMissingFileStopsTheReadNamingTheFile(bool corrupt)
    {
        using var streamed = Streamed();
        var victim = streamed.Streamed!.Files[6];
        if (corrupt) File.WriteAllBytes(victim, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5]); // a JPEG header, then nothing
        else File.Delete(victim);
        var e = Assert.Throws<UserInputException>(() =>
        {
            foreach (var _ in BatchReader.Read(streamed, BatchReader.Sequential(streamed.Count, 4))) { }
        });
        Assert.Equal(victim, e.Subject);
        Assert.Contains(victim, e.Message);
        Assert.Equal(0, streamed.Streamed.BatchesHeld); // what was decoded ahead is freed
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void AReaderHoldsAtMostThePrefetchDepthPlusTheBatchInUse(int prefetch)
    {
        using var streamed = Streamed();
        var files = streamed.Streamed!;
        int batches = 0;
        foreach (var batch in BatchReader.Read(streamed, BatchReader.Sequential(streamed.Count, 2), prefetch))
        {
            batches++;
            Assert.InRange(files.BatchesHeld, 1, prefetch + 1);
            Assert.Equal(batch.Count, batch.Images.shape[0]);
        }
        Assert.Equal(8, batches);
        Assert.InRange(files.MaxBatchesHeld, 1, prefetch + 1);
        Assert.Equal(0, files.BatchesHeld);

        // Leaving the loop early frees the batches decoded ahead.
        foreach (var _ in BatchReader.Read(streamed, BatchReader.Sequential(streamed.Count, 2), prefetch)) break;
        Assert.Equal(0, files.BatchesHeld);
    }

    [Fact]
    public void DatasetsStreamsAPhotoFolderLargerThanTheLimit()
    {
        DataLoadOptions Options(double? limit) => new(ResizeShorter: 14, UseCache: false, DataRoot: f.Root, Log: _ => { }, StreamAboveGigabytes: limit);
        using var small = Datasets.Load("imagenet", "train", 12, Options(null));
        Assert.False(small.IsStreamed);
        using var large = Datasets.Load("imagenet", "train", 12, Options(0));
        Assert.True(large.IsStreamed);
        Assert.Equal(small.Labels.data<long>().ToArray(), large.Labels.data<long>().ToArray());
        Assert.Equal(small.ClassNames, large.ClassNames);
        Assert.Equal(small.Name, large.Name);
        Assert.True(SameRun.Identical(small.Images, large.Images));
    }

    [Theory]
    [InlineData(null, StreamingPolicy.DefaultGigabytes)]
    [InlineData("", StreamingPolicy.DefaultGigabytes)]
    [InlineData("0", 0)]
    [InlineData("12.5", 12.5)]
    public void TheLimitIsReadFromTheVariable(string? text, double expected) => Assert.Equal(expected, StreamingPolicy.Parse(text));

    [Theory]
    [InlineData("lots")]
    [InlineData("-1")]
    [InlineData("NaN")]
    public void ABadLimitIsTheUsersError(string text)
    {
        var e = Assert.Throws<UserInputException>(() => StreamingPolicy.Parse(text));
        Assert.Equal("$ZFVIZ_STREAM_GB", e.Subject);
    }
}
