using TorchSharp;
using ZfViz.Data;

namespace ZfViz.Tests.Data;

public class TensorCacheTests
{
    static ImageDataset Sample() => new("s", torch.arange(2 * 3 * 4 * 4).remainder(251).to_type(torch.ScalarType.Byte).reshape(2, 3, 4, 4),
        torch.tensor(new long[] { 1, 0 }), ["a", "b"]);

    [Fact]
    public void RoundTripIsExact()
    {
        using var f = new DataFixture();
        var cache = new TensorCache(f.PathOf(".cache"));
        var key = new CacheKey("s", "train", "s4-r4-c3", "fp");
        using var data = Sample();
        cache.StoreImages(key, data, 2);
        using var back = cache.TryLoadImages(key, out int skipped)!;
        Assert.Equal(2, skipped);
        Assert.Equal(data.Images.data<byte>().ToArray(), back.Images.data<byte>().ToArray());
        Assert.Equal(data.Images.shape, back.Images.shape);
        Assert.Equal(new long[] { 1, 0 }, back.Labels.data<long>().ToArray());
        Assert.Equal(new[] { "a", "b" }, back.ClassNames);
        Assert.Equal(new[] { cache.PathFor(key) }, Directory.GetFiles(cache.Folder));
    }

    [Fact]
    public void LargeTensorsCrossChunkBoundaries()
    {
        using var f = new DataFixture();
        var cache = new TensorCache(f.PathOf(".cache"));
        var key = new CacheKey("big", "train", "x", "fp");
        // 17 MB: more than one 16 MB chunk.
        var images = torch.arange(17L << 20).remainder(253).to_type(torch.ScalarType.Byte).reshape(17, 1, 1024, 1024);
        using var data = new ImageDataset("big", images, torch.zeros(17, dtype: torch.ScalarType.Int64), ["a"]);
        cache.StoreImages(key, data, 0);
        using var back = cache.TryLoadImages(key, out _)!;
        Assert.True(back.Images.eq(data.Images).all().item<bool>());
    }

    [Fact]
    public void KeyChangesWithSplitPreprocessingAndFiles()
    {
        using var f = new DataFixture();
        var file = f.Write("d/a.bin", [1, 2, 3]);
        var fp1 = CacheKey.Fingerprint(f.PathOf("d"), [file]);
        var k1 = new CacheKey("d", "train", "s32-r32-c3", fp1);
        Assert.NotEqual(k1.Hash, (k1 with { Split = "test" }).Hash);
        Assert.NotEqual(k1.Hash, (k1 with { Preprocessing = "s64-r64-c3" }).Hash);
        File.WriteAllBytes(file, [1, 2, 3, 4]);
        Assert.NotEqual(fp1, CacheKey.Fingerprint(f.PathOf("d"), [file]));
        File.WriteAllBytes(file, [1, 2, 3]);
        File.SetLastWriteTimeUtc(file, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.NotEqual(fp1, CacheKey.Fingerprint(f.PathOf("d"), [file]));
        Assert.NotEqual(fp1, CacheKey.Fingerprint(f.PathOf("d"), [file, f.Write("d/b.bin", [0])]));
    }

    [Fact]
    public void TruncatedEntryIsAMissAndIsDeleted()
    {
        using var f = new DataFixture();
        var cache = new TensorCache(f.PathOf(".cache"));
        var key = new CacheKey("s", "train", "p", "fp");
        using var data = Sample();
        cache.StoreImages(key, data, 0);
        var path = cache.PathFor(key);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^20]);
        Assert.Null(cache.TryLoadImages(key, out _));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void EntryForAnotherKeyIsNotRead()
    {
        using var f = new DataFixture();
        var cache = new TensorCache(f.PathOf(".cache"));
        var key = new CacheKey("s", "train", "p", "fp");
        using var data = Sample();
        cache.StoreImages(key, data, 0);
        var other = key with { SourceFingerprint = "changed" };
        File.Copy(cache.PathFor(key), cache.PathFor(other));
        Assert.Null(cache.TryLoadImages(other, out _));
    }

    [Fact]
    public void StoringReplacesStaleEntriesOfTheSameStem()
    {
        using var f = new DataFixture();
        var cache = new TensorCache(f.PathOf(".cache"));
        using var data = Sample();
        var old = new CacheKey("s", "train", "p", "old");
        var fresh = old with { SourceFingerprint = "new" };
        var otherSplit = old with { Split = "test" };
        cache.StoreImages(old, data, 0);
        cache.StoreImages(otherSplit, data, 0);
        cache.StoreImages(fresh, data, 0);
        Assert.Equal(new[] { cache.PathFor(fresh), cache.PathFor(otherSplit) }.Order(), Directory.GetFiles(cache.Folder).Order());
        Assert.Equal(2, cache.Clear("s"));
    }
}
