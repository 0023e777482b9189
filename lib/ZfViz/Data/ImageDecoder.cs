using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ZfViz.Data;

/// <summary>Decodes one image file (JPEG, PNG, BMP, GIF...) into planar uint8 C x Size x Size after preprocessing.</summary>
public static class ImageDecoder
{
    /// <summary>File name endings treated as images in folder data sets (case-insensitive).</summary>
    public static readonly IReadOnlySet<string> ImageExtensions =
        new HashSet<string>([".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".tga", ".pbm"], StringComparer.OrdinalIgnoreCase);

    public static bool HasImageExtension(string path) => ImageExtensions.Contains(Path.GetExtension(path));

    /// <summary>
    /// Decodes <paramref name="path"/> and writes C*Size*Size bytes (channel-major) into <paramref name="destination"/>.
    /// Throws <see cref="InvalidDataException"/> naming the file when it is not a decodable image.
    /// </summary>
    public static void DecodeInto(string path, ImagePreprocessing prep, Span<byte> destination)
    {
        Image<Rgb24> image;
        var bytes = File.ReadAllBytes(path);
        JpegCompleteness.Check(bytes, path);
        try
        {
            image = Image.Load<Rgb24>(bytes);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException or ArgumentException)
        {
            throw new UserInputException($"{path}: not a decodable image ({e.GetType().Name}: {e.Message})", inner: e);
        }
        using (image) Preprocess(image, prep, destination);
    }

    /// <summary>Resize-shorter-side, centre crop and planar copy of an already decoded image.</summary>
    public static void Preprocess(Image<Rgb24> image, ImagePreprocessing prep, Span<byte> destination)
    {
        int s = prep.Size;
        if (destination.Length != prep.Channels * s * s)
            throw new ArgumentException($"Destination holds {destination.Length} bytes; need {prep.Channels * s * s}.");
        var (rw, rh, cx, cy) = prep.Geometry(image.Width, image.Height);
        if (rw != image.Width || rh != image.Height)
            image.Mutate(m => m.Resize(rw, rh, KnownResamplers.Bicubic));
        int plane = s * s;
        var dest = destination;
        int width = image.Width;
        var pixels = System.Buffers.ArrayPool<Rgb24>.Shared.Rent(width * image.Height);
        try
        {
            image.CopyPixelDataTo(pixels.AsSpan(0, width * image.Height));
            for (int y = 0; y < s; y++)
            {
                var row = pixels.AsSpan((y + cy) * width + cx, s);
                int o = y * s;
                if (prep.Channels == 3)
                {
                    for (int x = 0; x < s; x++)
                    {
                        var p = row[x];
                        dest[o + x] = p.R;
                        dest[plane + o + x] = p.G;
                        dest[2 * plane + o + x] = p.B;
                    }
                }
                else
                {
                    for (int x = 0; x < s; x++) dest[o + x] = Luma(row[x]);
                }
            }
        }
        finally { System.Buffers.ArrayPool<Rgb24>.Shared.Return(pixels); }
    }

    /// <summary>ITU-R BT.601 luma, the usual RGB-to-grey weights, rounded.</summary>
    public static byte Luma(Rgb24 p) => (byte)Math.Clamp((int)Math.Round(0.299 * p.R + 0.587 * p.G + 0.114 * p.B), 0, 255);

    /// <summary>Width and height of an image file without decoding its pixels.</summary>
    public static (int Width, int Height) Identify(string path)
    {
        var info = Image.Identify(path) ?? throw new UserInputException($"{path}: not a recognised image format.");
        return (info.Width, info.Height);
    }
}
