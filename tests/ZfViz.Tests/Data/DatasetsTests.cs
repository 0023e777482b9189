using ZfViz.Data;

namespace ZfViz.Tests.Data;

public class DatasetsTests
{
    /// <summary>A data root with CIFAR-10 as PNG folders: train has 2 airplanes and 1 truck, test 1 bird.</summary>
    static DataFixture CifarRoot()
    {
        var f = new DataFixture();
        f.WriteImage("cifar10/jpg/train/airplane/0000.png", 1, 32, 32);
        f.WriteImage("cifar10/jpg/train/airplane/0001.png", 2, 32, 32);
        f.WriteImage("cifar10/jpg/train/truck/0000.png", 3, 32, 32);
        f.WriteImage("cifar10/jpg/test/bird/0000.png", 4, 32, 32);
        return f;
    }

    static DataLoadOptions Options(DataFixture f, List<string>? log = null) => new(DataRoot: f.Root, Log: m => log?.Add(m));

    [Fact]
    public void LoadsThroughTheRegistryThenFromTheCache()
    {
        using var f = CifarRoot();
        var first = Datasets.LoadWithReport("cifar10", "train", null, Options(f));
        Assert.False(first.FromCache);
        Assert.Equal(new long[] { 3, 3, 32, 32 }, first.Data.Images.shape);
        Assert.Equal(new long[] { 0, 0, 1 }, first.Data.Labels.data<long>().ToArray());
        Assert.Equal(DataFixture.Pixel(3, 31, 7).B, first.Data.Images[2, 2, 7, 31].item<byte>());
        var second = Datasets.LoadWithReport("cifar10", "train", null, Options(f));
        Assert.True(second.FromCache);
        Assert.Equal(first.Data.Images.data<byte>().ToArray(), second.Data.Images.data<byte>().ToArray());
        Assert.Equal(first.Data.ClassNames, second.Data.ClassNames);
        // A changed file invalidates the entry.
        f.WriteImage("cifar10/jpg/train/truck/0000.png", 5, 32, 32);
        File.SetLastWriteTimeUtc(f.PathOf("cifar10/jpg/train/truck/0000.png"), DateTime.UtcNow.AddMinutes(1));
        var third = Datasets.LoadWithReport("cifar10", "train", null, Options(f));
        Assert.False(third.FromCache);
        Assert.Equal(DataFixture.Pixel(5, 31, 7).B, third.Data.Images[2, 2, 7, 31].item<byte>());
    }

    [Fact]
    public void SizeChangesThePreprocessingAndTheCacheEntry()
    {
        using var f = CifarRoot();
        using var d32 = Datasets.Load("cifar10", "test", 32, Options(f));
        var r64 = Datasets.LoadWithReport("cifar10", "test", 64, Options(f));
        Assert.False(r64.FromCache);
        Assert.Equal(new long[] { 1, 3, 64, 64 }, r64.Data.Images.shape);
        Assert.Equal(2, Directory.GetFiles(f.PathOf(".cache"), "cifar10-test-*.zfc").Length);
    }

    [Fact]
    public void CorruptImageIsSkippedReportedAndRememberedByTheCache()
    {
        using var f = CifarRoot();
        f.Write("cifar10/jpg/train/truck/0001.jpg", [0xFF, 0xD8, 0xFF, 0x00]);
        var log = new List<string>();
        var first = Datasets.LoadWithReport("cifar10", "train", null, Options(f, log));
        Assert.Equal(3, first.Data.Count);
        Assert.Equal(1, first.SkippedCount);
        Assert.Contains(log, m => m.Contains("skipped 1 file"));
        Assert.Contains(log, m => m.Contains("0001.jpg"));
        log.Clear();
        var second = Datasets.LoadWithReport("cifar10", "train", null, Options(f, log));
        Assert.True(second.FromCache);
        Assert.Equal(1, second.SkippedCount);
        Assert.Contains(log, m => m.Contains("1 unreadable files were skipped"));
    }

    [Fact]
    public void FailedLoadLeavesNothingInTheCache()
    {
        using var f = CifarRoot();
        f.Dir("cifar10", "jpg", "train", "empty");
        var e = Assert.Throws<UserInputException>(() => Datasets.Load("cifar10", "train", null, Options(f)));
        Assert.Contains("empty", e.Message);
        Assert.True(!Directory.Exists(f.PathOf(".cache")) || Directory.GetFiles(f.PathOf(".cache")).Length == 0);
    }

    [Fact]
    public void MissingDataRootAndDataSetSayWhatToRun()
    {
        var e = Assert.Throws<UserInputException>(() =>
            Datasets.Load("cifar10", "train", null, new DataLoadOptions(DataRoot: "/no/such/zfviz/root")));
        Assert.Contains("Data root /no/such/zfviz/root does not exist", e.Message);
        Assert.Contains("fetch-all.sh", e.Message);
        using var f = new DataFixture();
        var e2 = Assert.Throws<UserInputException>(() => Datasets.Load("fashion-mnist", "train", null, Options(f)));
        Assert.Contains("fetch-fashion-mnist.sh", e2.Message);
    }

    [Fact]
    public void UnknownNamesAndSplitsAreRejected()
    {
        using var f = CifarRoot();
        Assert.Contains("Known: cifar10", Assert.Throws<UserInputException>(() => Datasets.Load("mnist", "train")).Message);
        Assert.Contains("splits train, test", Assert.Throws<UserInputException>(() => Datasets.Load("cifar10", "val", null, Options(f))).Message);
        Assert.Contains("give a size", Assert.Throws<UserInputException>(() => Datasets.Preprocessing(Datasets.Find("caltech101"), null)).Message);
        Assert.Contains("LoadMultiLabel", Assert.Throws<UserInputException>(() => Datasets.Load("voc2012", "train", 32, Options(f))).Message);
    }

    [Fact]
    public void FashionMnistThroughTheRegistryAtCifarScale()
    {
        using var f = new DataFixture();
        var pixels = Enumerable.Range(0, 2 * 28 * 28).Select(i => (byte)(i % 200)).ToArray();
        f.Write("fashion-mnist/train-images-idx3-ubyte.gz", DataFixture.Gzip(DataFixture.Idx([2, 28, 28], pixels)));
        f.Write("fashion-mnist/train-labels-idx1-ubyte.gz", DataFixture.Gzip(DataFixture.Idx([2], [3, 1])));
        using var native = Datasets.Load("fashion-mnist", "train", null, Options(f));
        Assert.Equal(new long[] { 2, 1, 28, 28 }, native.Images.shape);
        using var rgb32 = Datasets.Load("fashion-mnist", "train", 32, Options(f) with { Channels = 3 });
        Assert.Equal(new long[] { 2, 3, 32, 32 }, rgb32.Images.shape);
        Assert.True(rgb32.Images[.., 0].eq(rgb32.Images[.., 2]).all().item<bool>());
    }

    [Fact]
    public void ImageNetSamplesIndexNamesAndGreyscale()
    {
        using var f = new DataFixture();
        f.WriteImage("imagenet-samples/n00000002_great_white_shark.JPEG", 1, 50, 40, jpeg: true);
        f.WriteGreyJpeg("imagenet-samples/n00000001_tench.JPEG", 40, 50, 90);
        var list = ImageNetSamples.List(f.PathOf("imagenet-samples"));
        Assert.Equal(new[] { "tench", "great white shark" }, list.Select(s => s.ClassName));
        Assert.Equal(new[] { 0, 1 }, list.Select(s => s.ClassIndex));
        Assert.Equal("n00000001", list[0].Wnid);
        using var d = Datasets.Load("imagenet-samples", "all", 16, Options(f));
        Assert.Equal(new long[] { 2, 3, 16, 16 }, d.Images.shape);
        Assert.Equal(new long[] { 0, 1 }, d.Labels.data<long>().ToArray());
        // The greyscale photo comes out as RGB with equal channels near its value.
        Assert.True(d.Images[0, 0].eq(d.Images[0, 1]).all().item<bool>());
        Assert.InRange(d.Images[0, 2, 8, 8].item<byte>(), 88, 92);
    }

    [Fact]
    public void ImagenetteUsesReadableNames()
    {
        using var f = new DataFixture();
        f.WriteImage("imagenette/imagenette2-320/train/n01440764/a.JPEG", 1, 20, 16, jpeg: true);
        f.WriteImage("imagenette/imagenette2-320/train/n03888605/a.JPEG", 2, 16, 20, jpeg: true);
        f.WriteImage("imagenette/imagenette2-320/val/n01440764/b.JPEG", 3, 16, 16, jpeg: true);
        using var d = Datasets.Load("imagenette", "train", 8, Options(f));
        Assert.Equal(new[] { "tench", "parachute" }, d.ClassNames);
        Assert.Equal(new long[] { 2, 3, 8, 8 }, d.Images.shape);
    }

    [Fact]
    public void CheckCountsPerSplitAndClassAndReadsTheMarker()
    {
        using var f = CifarRoot();
        var s = Datasets.Check("cifar10", f.Root);
        Assert.True(s.Ok);
        Assert.Equal("jpeg", s.Format);
        Assert.Equal(3, s.Splits.Single(x => x.Split == "train").Count);
        Assert.Equal(new[] { ("airplane", 2L), ("truck", 1L) }, s.Splits.Single(x => x.Split == "train").PerClass);
        Assert.Contains("no fetch marker", s.ChecksumState);

        var kept = f.Write("cifar10/keep.bin", [1, 2, 3]);
        File.WriteAllText(f.PathOf("cifar10/.zfviz-fetched"),
            "# marker\ndataset cifar10\nsource /mirror/cifar10-jpg.tar.gz\nfetched 2026-01-01T00:00:00Z\n" +
            "check sha256 abc cifar10-jpg.tar.gz verified\n" +
            "file 039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81 keep.bin\n");
        var ok = Datasets.Check("cifar10", f.Root, verify: true);
        Assert.True(ok.Ok);
        Assert.Contains("verified sha256 of cifar10-jpg.tar.gz", ok.ChecksumState);
        Assert.Contains("all match", ok.ChecksumState);
        File.WriteAllBytes(kept, [9]);
        var bad = Datasets.Check("cifar10", f.Root, verify: true);
        Assert.False(bad.Ok);
        Assert.Contains(bad.Problems, p => p.Contains("keep.bin: sha256"));
    }

    [Fact]
    public void CifarBinaryThroughTheRegistryIsCachedAndUpscaled()
    {
        using var f = new DataFixture();
        var record = new byte[CifarBinary.RecordLength];
        record[0] = 6;
        for (int j = 1; j < record.Length; j++) record[j] = 42;
        for (int i = 1; i <= 5; i++) f.Write($"cifar10/cifar-10-batches-bin/data_batch_{i}.bin", record);
        f.Write("cifar10/cifar-10-batches-bin/test_batch.bin", [.. record, .. record]);
        var first = Datasets.LoadWithReport("cifar10", "test", 64, Options(f));
        Assert.Equal(new long[] { 2, 3, 64, 64 }, first.Data.Images.shape);
        Assert.Equal(42, first.Data.Images.min().item<byte>());
        Assert.Equal(42, first.Data.Images.max().item<byte>());
        Assert.Equal(new long[] { 6, 6 }, first.Data.Labels.data<long>().ToArray());
        Assert.True(Datasets.LoadWithReport("cifar10", "test", 64, Options(f)).FromCache);
        Assert.Equal(5, Datasets.Check("cifar10", f.Root).Splits.Single(s => s.Split == "train").Count);
    }

    [Fact]
    public void CaltechThroughTheRegistryUsesImageNetStyleResize()
    {
        using var f = new DataFixture();
        f.WriteImage("caltech101/101_ObjectCategories/accordion/image_0001.jpg", 1, 40, 30, jpeg: true);
        f.WriteImage("caltech101/101_ObjectCategories/BACKGROUND_Google/image_0001.jpg", 2, 40, 30, jpeg: true);
        f.WriteImage("caltech101/101_ObjectCategories/camera/image_0001.jpg", 3, 30, 40, jpeg: true);
        var r = Datasets.LoadWithReport("caltech101", "all", 16, Options(f));
        Assert.Equal(new[] { "accordion", "camera" }, r.Data.ClassNames);
        Assert.Equal("s16-r18-c3", r.Key.Preprocessing);
        var s = Datasets.Check("caltech101", f.Root).Splits.Single();
        Assert.Equal(new[] { ("accordion", 1L), ("camera", 1L) }, s.PerClass);
    }

    [Fact]
    public void CheckReportsAbsentAndBrokenSets()
    {
        using var f = CifarRoot();
        Assert.False(Datasets.Check("caltech101", f.Root).Present);
        f.Dir("cifar10", "jpg", "test", "empty");
        var s = Datasets.Check("cifar10", f.Root);
        Assert.False(s.Ok);
        Assert.Contains(s.Problems, p => p.StartsWith("test:") && p.Contains("has no image files"));
    }
}
