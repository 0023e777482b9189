using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using ZfViz.Data;

namespace ZfViz.Tests.Data;

public class PreprocessingTests
{
    [Theory]
    [InlineData(40, 20, 10, null, 20, 10, 5, 0)]     // landscape: shorter side 20 -> 10, crop 5 px off the left
    [InlineData(20, 40, 10, null, 10, 20, 0, 5)]     // portrait
    [InlineData(500, 375, 224, 256, 341, 256, 58, 16)] // ImageNet photo: 500x375 -> 341x256, centre 224 at (58, 16)
    [InlineData(32, 32, 32, null, 32, 32, 0, 0)]      // native size: nothing to do
    [InlineData(28, 28, 64, null, 64, 64, 0, 0)]      // upscale
    public void GeometryIsShorterSideThenCentre(int w, int h, int size, int? shorter, int rw, int rh, int cx, int cy)
    {
        Assert.Equal((rw, rh, cx, cy), new ImagePreprocessing(size, shorter).Geometry(w, h));
    }

    [Fact]
    public void ImageNetStyleScalesTheRatio()
    {
        Assert.Equal(256, ImagePreprocessing.ImageNetStyle(224).ShorterSide);
        Assert.Equal(73, ImagePreprocessing.ImageNetStyle(64).ShorterSide);
    }

    [Fact]
    public void CentreCropWithoutResizeKeepsExactPixels()
    {
        // 8x4 image, size 4 with shorter side 4: no resize, crop columns 2..5.
        using var img = new Image<Rgb24>(8, 4);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 8; x++) img[x, y] = DataFixture.Pixel(0, x, y);
        var buffer = new byte[3 * 16];
        ImageDecoder.Preprocess(img, new ImagePreprocessing(4), buffer);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
            {
                Assert.Equal(DataFixture.Pixel(0, x + 2, y).R, buffer[y * 4 + x]);
                Assert.Equal(DataFixture.Pixel(0, x + 2, y).B, buffer[32 + y * 4 + x]);
            }
    }

    [Fact]
    public void DownscaleOfConstantImageStaysConstant()
    {
        using var img = new Image<Rgb24>(50, 30, new Rgb24(10, 120, 250));
        var buffer = new byte[3 * 8 * 8];
        ImageDecoder.Preprocess(img, new ImagePreprocessing(8), buffer);
        Assert.All(buffer[..64], v => Assert.Equal(10, v));
        Assert.All(buffer[64..128], v => Assert.Equal(120, v));
        Assert.All(buffer[128..], v => Assert.Equal(250, v));
    }

    [Fact]
    public void GreyscaleOutputUsesLuma()
    {
        using var img = new Image<Rgb24>(2, 2, new Rgb24(100, 200, 50));
        var buffer = new byte[4];
        ImageDecoder.Preprocess(img, new ImagePreprocessing(2, null, 1), buffer);
        Assert.All(buffer, v => Assert.Equal((byte)Math.Round(0.299 * 100 + 0.587 * 200 + 0.114 * 50), v));
    }

    [Fact]
    public void TensorPathCropsAndConvertsLikeTheImagePath()
    {
        // [1,1,2,4] grey -> size 2 with 3 channels: centre crop columns 1..2, grey replicated.
        var images = torch.tensor(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }).reshape(1, 1, 2, 4);
        using var d = TensorPreprocess.Apply(new ImageDataset("t", images, torch.tensor(new long[] { 0 }), ["a"]), new ImagePreprocessing(2, null, 3));
        Assert.Equal(new long[] { 1, 3, 2, 2 }, d.Images.shape);
        Assert.Equal(new byte[] { 2, 3, 6, 7, 2, 3, 6, 7, 2, 3, 6, 7 }, d.Images.data<byte>().ToArray());
    }

    [Fact]
    public void TensorPathTurnsRgbToLuma()
    {
        var images = torch.tensor(new byte[] { 100, 200, 50 }).reshape(1, 3, 1, 1);
        using var d = TensorPreprocess.Apply(new ImageDataset("t", images, torch.tensor(new long[] { 0 }), ["a"]), new ImagePreprocessing(1, null, 1));
        Assert.Equal(new long[] { 1, 1, 1, 1 }, d.Images.shape);
        Assert.Equal((byte)Math.Round(0.299 * 100 + 0.587 * 200 + 0.114 * 50), d.Images.item<byte>());
    }

    [Fact]
    public void TensorUpscaleOfConstantStaysConstant()
    {
        var images = torch.full([2, 3, 28, 28], 77, dtype: torch.ScalarType.Byte);
        using var d = TensorPreprocess.Apply(new ImageDataset("t", images, torch.tensor(new long[] { 0, 0 }), ["a"]), new ImagePreprocessing(64));
        Assert.Equal(new long[] { 2, 3, 64, 64 }, d.Images.shape);
        Assert.Equal(77, d.Images.min().item<byte>());
        Assert.Equal(77, d.Images.max().item<byte>());
    }

    [Fact]
    public void BadSettingsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new ImagePreprocessing(0).Validated());
        Assert.Throws<ArgumentException>(() => new ImagePreprocessing(32, 16).Validated());
        Assert.Throws<ArgumentException>(() => new ImagePreprocessing(32, null, 2).Validated());
    }
}
