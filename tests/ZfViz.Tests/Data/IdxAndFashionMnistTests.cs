using ZfViz.Data;

namespace ZfViz.Tests.Data;

public class IdxAndFashionMnistTests
{
    // 3 images of 2x2: image k has pixels 10k+0..3; labels 7, 0, 9.
    static readonly byte[] Pixels = [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23];
    static readonly byte[] Labels = [7, 0, 9];

    static void WriteSplit(DataFixture f, string folder, string prefix, bool gzip, byte[]? images = null, byte[]? labels = null)
    {
        var img = images ?? DataFixture.Idx([3, 2, 2], Pixels);
        var lab = labels ?? DataFixture.Idx([3], Labels);
        f.Write($"{folder}/{prefix}-images-idx3-ubyte{(gzip ? ".gz" : "")}", gzip ? DataFixture.Gzip(img) : img);
        f.Write($"{folder}/{prefix}-labels-idx1-ubyte{(gzip ? ".gz" : "")}", gzip ? DataFixture.Gzip(lab) : lab);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LoadsExactPixelsAndLabels(bool gzip)
    {
        using var f = new DataFixture();
        WriteSplit(f, "fm", "t10k", gzip);
        using var data = FashionMnist.Load(f.PathOf("fm"), "test");
        Assert.Equal(new long[] { 3, 1, 2, 2 }, data.Images.shape);
        Assert.Equal(Pixels, data.Images.data<byte>().ToArray());
        Assert.Equal(new long[] { 7, 0, 9 }, data.Labels.data<long>().ToArray());
        Assert.Equal("Ankle boot", data.ClassNames[9]);
    }

    [Fact]
    public void ThreeChannelsReplicateGrey()
    {
        using var f = new DataFixture();
        WriteSplit(f, "fm", "train", true);
        using var data = FashionMnist.Load(f.PathOf("fm"), "train", new ImagePreprocessing(2, null, 3));
        Assert.Equal(new long[] { 3, 3, 2, 2 }, data.Images.shape);
        for (int c = 0; c < 3; c++)
            Assert.Equal(new byte[] { 10, 11, 12, 13 }, data.Images[1, c].flatten().data<byte>().ToArray());
    }

    [Fact]
    public void TruncatedFileNamesFileAndSizes()
    {
        using var f = new DataFixture();
        var full = DataFixture.Idx([3, 2, 2], Pixels);
        WriteSplit(f, "fm", "train", true, images: full[..^5]);
        var e = Assert.Throws<UserInputException>(() => FashionMnist.Load(f.PathOf("fm"), "train"));
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("3x2x2 = 12 bytes", e.Message);
        Assert.Contains("has 7", e.Message);
    }

    [Fact]
    public void WrongMagicIsRejected()
    {
        using var f = new DataFixture();
        WriteSplit(f, "fm", "train", false, images: DataFixture.Idx([3, 2, 2], Pixels, zero: 0x50));
        var e = Assert.Throws<UserInputException>(() => FashionMnist.Load(f.PathOf("fm"), "train"));
        Assert.Contains("train-images-idx3-ubyte", e.Message);
        Assert.Contains("not an IDX file", e.Message);
    }

    [Fact]
    public void UnsupportedTypeCodeIsRejected()
    {
        using var f = new DataFixture();
        WriteSplit(f, "fm", "train", false, images: DataFixture.Idx([3, 2, 2], Pixels, type: 0x0D));
        var e = Assert.Throws<UserInputException>(() => FashionMnist.Load(f.PathOf("fm"), "train"));
        Assert.Contains("type code 0x0d", e.Message);
    }

    [Fact]
    public void ExtraBytesAreRejected()
    {
        var e = Assert.Throws<UserInputException>(() => IdxFile.Parse("x.idx", DataFixture.Idx([2], [1, 2, 3])));
        Assert.Contains("x.idx: 1 unexpected bytes", e.Message);
    }

    [Fact]
    public void CountMismatchNamesBothFiles()
    {
        using var f = new DataFixture();
        WriteSplit(f, "fm", "train", true, labels: DataFixture.Idx([2], [1, 2]));
        var e = Assert.Throws<UserInputException>(() => FashionMnist.Load(f.PathOf("fm"), "train"));
        Assert.Contains("train-images-idx3-ubyte.gz holds 3 images", e.Message);
        Assert.Contains("train-labels-idx1-ubyte.gz holds 2 labels", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeIsRejected()
    {
        using var f = new DataFixture();
        WriteSplit(f, "fm", "train", false, labels: DataFixture.Idx([3], [1, 12, 2]));
        var e = Assert.Throws<UserInputException>(() => FashionMnist.Load(f.PathOf("fm"), "train"));
        Assert.Contains("label 12 at index 1", e.Message);
    }

    [Fact]
    public void CorruptGzipNamesFile()
    {
        using var f = new DataFixture();
        var gz = DataFixture.Gzip(DataFixture.Idx([3, 2, 2], Pixels));
        gz[12] ^= 0xFF; gz[13] ^= 0xFF; gz[14] ^= 0xFF;
        f.Write("fm/train-images-idx3-ubyte.gz", gz);
        f.Write("fm/train-labels-idx1-ubyte.gz", DataFixture.Gzip(DataFixture.Idx([3], Labels)));
        var e = Assert.ThrowsAny<UserInputException>(() => FashionMnist.Load(f.PathOf("fm"), "train"));
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
    }

    [Fact]
    public void MissingFileNamesPath()
    {
        using var f = new DataFixture();
        f.Dir("fm");
        var e = Assert.Throws<UserInputException>(() => FashionMnist.Load(f.PathOf("fm"), "train"));
        Assert.Contains("train-images-idx3-ubyte", e.Message);
    }

    [Fact]
    public void HeaderOnlyReadGivesDimensions()
    {
        using var f = new DataFixture();
        var p = f.Write("a.gz", DataFixture.Gzip(DataFixture.Idx([3, 2, 2], Pixels)));
        Assert.Equal(new[] { 3, 2, 2 }, IdxFile.ReadDimensions(p));
    }
}
