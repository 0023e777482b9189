using System.IO.Compression;

namespace ZfViz.Data;

/// <summary>
/// One IDX file (the MNIST / Fashion-MNIST format): two zero bytes, a type code (0x08 = unsigned byte, the only
/// type image and label files use), the number of dimensions, each dimension as a big-endian int32, then the data.
/// Reads plain or gzip'd files (detected by the gzip magic, not the name).
/// </summary>
/// <param name="Path">The file read, for error messages.</param>
/// <param name="Dimensions">Sizes from the header, e.g. [60000, 28, 28] or [60000].</param>
/// <param name="Data">The unsigned-byte payload, exactly the product of the dimensions long.</param>
public sealed record IdxFile(string Path, int[] Dimensions, byte[] Data)
{
    const byte UnsignedByte = 0x08;

    public int Count => Dimensions[0];

    public static IdxFile Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: IDX file not found.", path);
        return Parse(path, ReadAllMaybeGzip(path));
    }

    /// <summary>Only the header (dimensions); cheap even for a large gzip'd file.</summary>
    public static int[] ReadDimensions(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: IDX file not found.", path);
        using var stream = OpenMaybeGzip(path);
        var head = new byte[4];
        ReadHeaderBytes(stream, head, path);
        CheckMagic(path, head);
        var dims = new byte[4 * head[3]];
        ReadHeaderBytes(stream, dims, path);
        return Enumerable.Range(0, head[3]).Select(i => BigEndianInt(dims, 4 * i)).ToArray();
    }

    /// <summary>Parses an IDX image already in memory; every inconsistency fails naming <paramref name="path"/>.</summary>
    public static IdxFile Parse(string path, byte[] bytes)
    {
        if (bytes.Length < 4) throw new UserInputException($"{path}: truncated IDX file ({bytes.Length} bytes, no header).");
        CheckMagic(path, bytes);
        int ndim = bytes[3];
        int headerLength = 4 + 4 * ndim;
        if (bytes.Length < headerLength)
            throw new UserInputException($"{path}: truncated IDX header ({ndim} dimensions need {headerLength} bytes; file has {bytes.Length}).");
        var dims = Enumerable.Range(0, ndim).Select(i => BigEndianInt(bytes, 4 + 4 * i)).ToArray();
        if (dims.Any(d => d < 0)) throw new UserInputException($"{path}: negative dimension in IDX header [{string.Join("x", dims)}].");
        long expected = dims.Aggregate(1L, (a, d) => a * d);
        long actual = bytes.Length - headerLength;
        if (actual < expected)
            throw new UserInputException($"{path}: truncated: the header says {string.Join("x", dims)} = {expected} bytes of data; the file has {actual}.");
        if (actual > expected)
            throw new UserInputException($"{path}: {actual - expected} unexpected bytes after the {string.Join("x", dims)} data the header describes.");
        return new IdxFile(path, dims, bytes[headerLength..]);
    }

    static void CheckMagic(string path, byte[] head)
    {
        if (head[0] != 0 || head[1] != 0)
            throw new UserInputException($"{path}: not an IDX file (magic {head[0]:x2} {head[1]:x2} {head[2]:x2} {head[3]:x2}; expected 00 00 08 <dimensions>).");
        if (head[2] != UnsignedByte)
            throw new UserInputException($"{path}: IDX type code 0x{head[2]:x2} is not supported (expected 0x08, unsigned byte).");
        if (head[3] is 0 or > 4)
            throw new UserInputException($"{path}: IDX header declares {head[3]} dimensions (expected 1 to 4).");
    }

    static int BigEndianInt(byte[] b, int o) => (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];

    static void ReadHeaderBytes(Stream s, byte[] buffer, string path)
    {
        try { s.ReadExactly(buffer); }
        catch (EndOfStreamException) { throw new UserInputException($"{path}: truncated IDX header."); }
        catch (InvalidDataException e) { throw new UserInputException($"{path}: corrupt gzip data ({e.Message}).", inner: e); }
    }

    static Stream OpenMaybeGzip(string path)
    {
        var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        int n = file.Read(magic);
        file.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    static byte[] ReadAllMaybeGzip(string path)
    {
        using var stream = OpenMaybeGzip(path);
        if (stream is FileStream) return File.ReadAllBytes(path);
        using var buffer = new MemoryStream();
        try { stream.CopyTo(buffer); }
        catch (InvalidDataException e) { throw new UserInputException($"{path}: corrupt gzip data ({e.Message}).", inner: e); }
        catch (EndOfStreamException) { throw new UserInputException($"{path}: truncated gzip file."); }
        return buffer.ToArray();
    }
}
