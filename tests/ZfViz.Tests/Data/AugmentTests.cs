using TorchSharp;
using ZfViz.Data;
using static TorchSharp.torch;

namespace ZfViz.Tests.Data;

public class AugmentTests
{
    /// <summary>[n,2,h,w] float with value 1000*i + 100*c + 10*y + x: every pixel tells where it came from.</summary>
    static Tensor Coded(int n, int h, int w)
    {
        var v = new float[n * 2 * h * w];
        int k = 0;
        for (int i = 0; i < n; i++) for (int c = 0; c < 2; c++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++)
            v[k++] = 1000 * i + 100 * c + 10 * y + x;
        return tensor(v).reshape(n, 2, h, w);
    }

    static float Code(int i, int c, int y, int x) => 1000 * i + 100 * c + 10 * y + x;

    [Fact]
    public void TenViewsAreCentreCornersAndTheirFlips()
    {
        using var batch = Coded(2, 5, 6);
        using var views = Augment.TenViews(batch, 3);
        Assert.Equal(new long[] { 2, 10, 2, 3, 3 }, views.shape);
        // Origins (y, x) for a 3x3 window in 5x6: centre (1, 1), corners (0,0) (0,3) (2,0) (2,3).
        (int Y, int X)[] origins = [(1, 1), (0, 0), (0, 3), (2, 0), (2, 3)];
        for (int i = 0; i < 2; i++)
            for (int v = 0; v < 10; v++)
                for (int c = 0; c < 2; c++)
                    for (int y = 0; y < 3; y++)
                        for (int x = 0; x < 3; x++)
                        {
                            var o = origins[v % 5];
                            int sx = v < 5 ? o.X + x : o.X + 2 - x;
                            Assert.Equal(Code(i, c, o.Y + y, sx), views[i, v, c, y, x].item<float>());
                        }
        Assert.Equal("centre flipped", Augment.TenViewNames[5]);
    }

    [Fact]
    public void CentreCropTakesTheMiddle()
    {
        using var batch = Coded(1, 4, 4);
        using var c = Augment.CentreCrop(batch, 2);
        Assert.Equal(Code(0, 1, 1, 1), c[0, 1, 0, 0].item<float>());
        Assert.Equal(Code(0, 1, 2, 2), c[0, 1, 1, 1].item<float>());
    }

    /// <summary>Finds the (y, x, flipped) window of image i in the source that equals a crop, or null.</summary>
    static (int, int, bool)? Locate(Tensor source, int i, Tensor crop, int pad)
    {
        var padded = pad > 0 ? nn.functional.pad(source[i].unsqueeze(0), [pad, pad, pad, pad])[0] : source[i];
        int size = (int)crop.shape[1];
        for (int y = 0; y + size <= padded.shape[1]; y++)
            for (int x = 0; x + size <= padded.shape[2]; x++)
            {
                var window = padded[.., y..(y + size), x..(x + size)];
                if (window.allclose(crop, 0, 0)) return (y, x, false);
                if (window.flip(2).allclose(crop, 0, 0)) return (y, x, true);
            }
        return null;
    }

    [Fact]
    public void RandomCropFlipToIsAlwaysAWindowAndSeedDeterministic()
    {
        using var batch = Coded(40, 6, 6);
        using var a = Augment.RandomCropFlipTo(batch, 4, new Generator(5));
        using var b = Augment.RandomCropFlipTo(batch, 4, new Generator(5));
        Assert.True(a.allclose(b, 0, 0));
        Assert.Equal(new long[] { 40, 2, 4, 4 }, a.shape);
        var found = Enumerable.Range(0, 40).Select(i => Locate(batch, i, a[i], 0)).ToArray();
        Assert.All(found, f => Assert.NotNull(f));
        Assert.Contains(found, f => f!.Value.Item3);
        Assert.Contains(found, f => !f!.Value.Item3);
        Assert.True(found.Select(f => (f!.Value.Item1, f.Value.Item2)).Distinct().Count() > 3);
    }

    [Fact]
    public void RandomCropFlipWithPaddingIsAWindowOfThePaddedImage()
    {
        using var batch = Coded(20, 4, 4) + 1; // +1 so padding zeros differ from every pixel
        using var a = Augment.RandomCropFlip(batch, 2, new Generator(3));
        Assert.Equal(batch.shape, a.shape);
        Assert.All(Enumerable.Range(0, 20), i => Assert.NotNull(Locate(batch, i, a[i], 2)));
    }

    [Fact]
    public void RandomCropFlipMatchesThePerImageReference()
    {
        // The reference: the same random draws, then one slice (and flip) per image.
        using var batch = Coded(16, 5, 7);
        using var fast = Augment.RandomCropFlip(batch, 2, new Generator(11));
        var rng = new Generator(11);
        var offY = randint(0, 5, [16], generator: rng).data<long>().ToArray();
        var offX = randint(0, 5, [16], generator: rng).data<long>().ToArray();
        var flip = (rand([16], generator: rng) < 0.5).data<bool>().ToArray();
        var padded = nn.functional.pad(batch, [2, 2, 2, 2]);
        for (int i = 0; i < 16; i++)
        {
            var c = padded[i, .., (int)offY[i]..(int)(offY[i] + 5), (int)offX[i]..(int)(offX[i] + 7)];
            if (flip[i]) c = c.flip(2);
            Assert.True(fast[i].allclose(c, 0, 0), $"image {i}");
        }
    }

    [Fact]
    public void SubtractMeanUsesThePerPixelMean()
    {
        var images = tensor(new byte[] { 0, 10, 20, 30, 255, 255, 255, 255 }).reshape(2, 1, 2, 2);
        using var data = new ImageDataset("m", images, tensor(new long[] { 0, 0 }), ["a"]);
        using var mean = Augment.PixelMean(data);
        using var x = Augment.SubtractMean(Augment.ToFloat(data.Images), mean);
        var expectedMean = new[] { 127.5f, 132.5f, 137.5f, 142.5f }.Select(v => v / 255f).ToArray();
        Assert.Equal(expectedMean, mean.flatten().data<float>().ToArray(), new FloatTolerance(1e-6f));
        Assert.Equal(0f - expectedMean[0], x[0, 0, 0, 0].item<float>(), 1e-6f);
        Assert.Equal(1f - expectedMean[3], x[1, 0, 1, 1].item<float>(), 1e-6f);
        Assert.Throws<ArgumentException>(() => Augment.SubtractMean(x, zeros(1, 3, 3)));
    }

    [Fact]
    public void CropLargerThanImageIsRejected()
    {
        using var batch = Coded(1, 4, 4);
        Assert.Throws<ArgumentException>(() => Augment.TenViews(batch, 5));
        Assert.Throws<ArgumentException>(() => Augment.RandomCropFlipTo(batch, 5));
    }

    sealed class FloatTolerance(float eps) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(float v) => 0;
    }
}
