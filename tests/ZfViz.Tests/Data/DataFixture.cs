using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace ZfViz.Tests.Data;

/// <summary>A temporary folder with tiny data-set files in every format the loaders read, good and broken.</summary>
public sealed class DataFixture : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("zfviz-data-test-").FullName;

    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public string Dir(params string[] parts)
    {
        var p = PathOf(parts);
        Directory.CreateDirectory(p);
        return p;
    }

    /// <summary>An IDX file: 00 00 08 ndim, big-endian dims, then the bytes. Optionally gzip'd.</summary>
    public static byte[] Idx(int[] dims, byte[] data, byte type = 0x08, byte zero = 0)
    {
        var bytes = new List<byte> { zero, 0, type, (byte)dims.Length };
        foreach (var d in dims) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var m = new MemoryStream();
        using (var g = new GZipStream(m, CompressionLevel.Fastest)) g.Write(data);
        return m.ToArray();
    }

    public string Write(string relative, byte[] bytes)
    {
        var p = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    /// <summary>Pixel (x, y) of test image number k: distinct in every channel, so any mix-up shows.</summary>
    public static Rgb24 Pixel(int k, int x, int y) => new((byte)(10 * k + x), (byte)(100 + y), (byte)(200 - k - x - y));

    /// <summary>A w x h RGB image with <see cref="Pixel"/> values, saved as PNG (lossless) or JPEG.</summary>
    public string WriteImage(string relative, int k, int w, int h, bool jpeg = false)
    {
        using var img = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img[x, y] = Pixel(k, x, y);
        var p = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        if (jpeg) img.Save(p, new JpegEncoder { Quality = 95 });
        else img.Save(p, new PngEncoder());
        return p;
    }

    /// <summary>A greyscale JPEG of constant value.</summary>
    public string WriteGreyJpeg(string relative, int w, int h, byte value)
    {
        using var img = new Image<L8>(w, h, new L8(value));
        var p = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        img.Save(p, new JpegEncoder { Quality = 100, ColorType = JpegColorType.Luminance });
        return p;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
