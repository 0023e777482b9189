namespace ZfViz.Data;

/// <summary>
/// Tells a truncated JPEG apart: ImageSharp decodes a JPEG cut short without complaint (the missing rows come out
/// grey), so a photo copied half-way would silently become a different image. A complete JPEG has an end-of-image
/// marker (FF D9) after its last start-of-scan (FF DA); inside the scan data FF is always followed by 00 or a restart
/// marker, so FF D9 there is the real end. (An EXIF thumbnail's own FF D9 comes before the main image's scans.)
/// </summary>
public static class JpegCompleteness
{
    public static bool IsJpeg(ReadOnlySpan<byte> bytes) => bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;

    /// <summary>True for a JPEG whose last scan is not followed by the end-of-image marker; false for complete JPEGs and for other formats.</summary>
    public static bool IsTruncated(ReadOnlySpan<byte> bytes)
    {
        if (!IsJpeg(bytes)) return false;
        int lastScan = bytes.LastIndexOf([(byte)0xFF, (byte)0xDA]);
        if (lastScan < 0) return true; // no image data at all
        return bytes[lastScan..].IndexOf([(byte)0xFF, (byte)0xD9]) < 0;
    }

    /// <summary>Throws a <see cref="UserInputException"/> naming the file when it is a truncated JPEG.</summary>
    public static void Check(ReadOnlySpan<byte> bytes, string path)
    {
        if (IsTruncated(bytes))
            throw new UserInputException($"{path}: truncated JPEG (the file ends before the image's end marker); the copy is incomplete.", path);
    }
}
