using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace ZfViz.Viz;

/// <summary>
/// Images as inline HTML, for notebooks (the setup cell registers this as the formatter for images). Keeps executed
/// notebooks small: PNG while it stays compact (lossless for small tiles and diagrams), JPEG when the PNG would be
/// large (photographic sheets), and no more pixels than a screen shows.
/// </summary>
public static class ImageHtml
{
    /// <summary>Longest side kept; larger images are downscaled (displayed at their original width).</summary>
    public const int MaxSide = 2400;
    /// <summary>Above this a PNG is replaced by a JPEG if the JPEG is at most half its size.</summary>
    public const int PngBudgetBytes = 256 * 1024;
    public const int JpegQuality = 88;

    public static string ToPngBase64(Image image)
    {
        using var ms = new MemoryStream();
        image.SaveAsPng(ms);
        return Convert.ToBase64String(ms.ToArray());
    }

    /// <summary>The compact encoding described above: (MIME type, bytes). Never changes <paramref name="image"/>.</summary>
    /// <param name="downscale">False keeps every pixel (a Plotly image trace places hover points in image pixels).</param>
    public static (string MimeType, byte[] Bytes) Encode(Image image, bool downscale = true)
    {
        var shown = image;
        try
        {
            if (downscale && Math.Max(image.Width, image.Height) > MaxSide)
            {
                double f = (double)MaxSide / Math.Max(image.Width, image.Height);
                shown = image.Clone(c => c.Resize(Math.Max(1, (int)Math.Round(image.Width * f)), Math.Max(1, (int)Math.Round(image.Height * f)), KnownResamplers.Lanczos3));
            }
            using var png = new MemoryStream();
            shown.SaveAsPng(png);
            if (png.Length <= PngBudgetBytes) return ("image/png", png.ToArray());
            using var jpeg = new MemoryStream();
            shown.SaveAsJpeg(jpeg, new JpegEncoder { Quality = JpegQuality, ColorType = JpegColorType.YCbCrRatio444 });
            return jpeg.Length * 2 <= png.Length ? ("image/jpeg", jpeg.ToArray()) : ("image/png", png.ToArray());
        }
        finally { if (!ReferenceEquals(shown, image)) shown.Dispose(); }
    }

    /// <summary>A data: URI of the compact encoding (for &lt;img&gt; tags and Plotly image traces).</summary>
    public static string ToDataUri(Image image, bool downscale = true)
    {
        var (mime, bytes) = Encode(image, downscale);
        return $"data:{mime};base64,{Convert.ToBase64String(bytes)}";
    }

    /// <summary>An &lt;img&gt; tag with the image embedded; pixelated (unless downscaled) so small tiles stay crisp when scaled up.</summary>
    public static string ToImgTag(Image image, int? displayWidth = null) =>
        $"<img src=\"{ToDataUri(image)}\" width=\"{displayWidth ?? image.Width}\"" +
        (Math.Max(image.Width, image.Height) > MaxSide ? " />" : " style=\"image-rendering:pixelated\" />");
}
