using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using ZfViz.Viz;

namespace ZfViz.Tests.Notebook;

public class ImageHtmlTests
{
    [Fact]
    public void FlatDiagramsStayPngAndPhotographicSheetsBecomeJpeg()
    {
        using var flat = new Image<Rgb24>(800, 600, new Rgb24(255, 255, 255));
        for (int y = 100; y < 200; y++) for (int x = 0; x < 800; x++) flat[x, y] = new Rgb24(30, 119, 180);
        Assert.Equal("image/png", ImageHtml.Encode(flat).MimeType);

        // Noise-like content (as photos and projections are) makes a PNG far above the budget.
        using var noisy = new Image<Rgb24>(1200, 1200);
        var rng = new Random(1);
        for (int y = 0; y < 1200; y++) for (int x = 0; x < 1200; x++)
            noisy[x, y] = new Rgb24((byte)(128 + 60 * Math.Sin(x / 9.0) + rng.Next(40)), (byte)(y % 256), (byte)rng.Next(256));
        var (mime, bytes) = ImageHtml.Encode(noisy);
        Assert.Equal("image/jpeg", mime);
        using var decoded = Image.Load<Rgb24>(bytes);
        Assert.Equal((1200, 1200), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void OversizedImagesAreDownscaledButShownAtTheirWidthAndKeptWhenAskedTo()
    {
        using var big = new Image<Rgb24>(4800, 1200, new Rgb24(200, 200, 200));
        using (var shown = Image.Load<Rgb24>(ImageHtml.Encode(big).Bytes))
            Assert.Equal((ImageHtml.MaxSide, 600), (shown.Width, shown.Height));
        using (var kept = Image.Load<Rgb24>(ImageHtml.Encode(big, downscale: false).Bytes))
            Assert.Equal((4800, 1200), (kept.Width, kept.Height));
        var tag = ImageHtml.ToImgTag(big);
        Assert.Contains("width=\"4800\"", tag);
        Assert.DoesNotContain("pixelated", tag);
    }
}
