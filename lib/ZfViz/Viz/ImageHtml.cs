using SixLabors.ImageSharp;

namespace ZfViz.Viz;

/// <summary>Images as inline HTML, for notebooks (the setup cell registers this as the formatter for images).</summary>
public static class ImageHtml
{
    public static string ToPngBase64(Image image)
    {
        using var ms = new MemoryStream();
        image.SaveAsPng(ms);
        return Convert.ToBase64String(ms.ToArray());
    }

    /// <summary>An &lt;img&gt; tag with the PNG embedded; pixelated so small tiles stay crisp when scaled up.</summary>
    public static string ToImgTag(Image image, int? displayWidth = null) =>
        $"<img src=\"data:image/png;base64,{ToPngBase64(image)}\" width=\"{displayWidth ?? image.Width}\" " +
        "style=\"image-rendering:pixelated\" />";
}
