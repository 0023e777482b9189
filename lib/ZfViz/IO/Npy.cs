using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;

namespace ZfViz.IO;

/// <summary>The element types ZFViz reads from .npy files.</summary>
public enum NpyDtype { Float32, Float64, Int64, Int32, UInt8 }

/// <summary>
/// One array read from a .npy file: its element type, its shape (C order) and its elements in a typed array
/// (float[], double[], long[], int[] or byte[], already in this machine's byte order).
/// </summary>
public sealed class NpyArray
{
    public NpyDtype Dtype { get; }
    public long[] Shape { get; }
    public Array Data { get; }
    /// <summary>The file's own dtype string, e.g. "&lt;f4" (for messages).</summary>
    public string Descr { get; }

    public NpyArray(NpyDtype dtype, long[] shape, Array data, string? descr = null)
    {
        Dtype = dtype;
        Shape = shape;
        Data = data;
        Descr = descr ?? Npy.DescrOf(dtype);
    }

    public long Count => Data.LongLength;

    /// <summary>
    /// The elements as float32. float32 is returned as is; float64 is rounded to the nearest float32, int64/int32
    /// are converted to the nearest float32 (exact up to 2^24) and uint8 keeps its 0..255 value (no scaling).
    /// </summary>
    public float[] ToFloat32() => Data switch
    {
        float[] f => f,
        double[] d => Array.ConvertAll(d, x => (float)x),
        long[] l => Array.ConvertAll(l, x => (float)x),
        int[] i => Array.ConvertAll(i, x => (float)x),
        byte[] b => Array.ConvertAll(b, x => (float)x),
        _ => throw new InvalidOperationException($"unexpected element array {Data.GetType()}"),
    };

    /// <summary>A CPU tensor with this array's dtype and shape (copies the data).</summary>
    public torch.Tensor ToTensor() => Data switch
    {
        float[] f => torch.tensor(f, Shape),
        double[] d => torch.tensor(d, Shape),
        long[] l => torch.tensor(l, Shape),
        int[] i => torch.tensor(i, Shape),
        byte[] b => torch.tensor(b, Shape),
        _ => throw new InvalidOperationException($"unexpected element array {Data.GetType()}"),
    };
}

/// <summary>
/// NumPy .npy files (format versions 1.0, 2.0 and 3.0): read float32/float64/int64/int32/uint8 arrays in C order,
/// write float32 (and the other read types) as version 1.0 (2.0 when the header is too long for 1.0).
/// Fortran-order arrays, object arrays and other dtypes are rejected with an <see cref="InvalidDataException"/>
/// naming the file. Writes go to a temporary file that is renamed into place, so nothing is half-written.
/// </summary>
public static class Npy
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    const int Alignment = 64;

    public static string DescrOf(NpyDtype dtype) => dtype switch
    {
        NpyDtype.Float32 => "<f4",
        NpyDtype.Float64 => "<f8",
        NpyDtype.Int64 => "<i8",
        NpyDtype.Int32 => "<i4",
        NpyDtype.UInt8 => "|u1",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    static int SizeOf(NpyDtype dtype) => dtype switch
    {
        NpyDtype.Float32 or NpyDtype.Int32 => 4,
        NpyDtype.Float64 or NpyDtype.Int64 => 8,
        _ => 1,
    };

    // ---------------------------------------------------------------- reading

    /// <summary>Reads any supported .npy file.</summary>
    public static NpyArray Read(string path)
    {
        InputFile.CheckExists(path, ".npy");
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a .npy file that must hold float32; any other dtype is an error (no silent conversion).</summary>
    public static NpyArray ReadFloat32(string path)
    {
        var a = Read(path);
        if (a.Dtype != NpyDtype.Float32)
            throw new UserInputException($"{path}: dtype is '{a.Descr}' ({a.Dtype.ToString().ToLowerInvariant()}); expected float32 ('<f4'). Convert it with numpy: x.astype(np.float32).");
        return a;
    }

    /// <summary>Reads a float32 .npy file into a CPU tensor; other dtypes are an error.</summary>
    public static torch.Tensor ReadFloat32Tensor(string path)
    {
        var t = ReadFloat32(path).ToTensor();
        try { FiniteValues.Require(t, path, path); }
        catch { t.Dispose(); throw; }
        return t;
    }

    /// <summary>Reads a .npy image from a stream; name is used in error messages.</summary>
    public static NpyArray Read(Stream stream, string name = "<stream>")
    {
        Span<byte> prefix = stackalloc byte[8];
        if (ReadFully(stream, prefix) < 8 || !prefix[..6].SequenceEqual(Magic))
            throw new UserInputException($"{name}: not a .npy file (missing the \\x93NUMPY magic).");
        int major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new UserInputException($"{name}: unsupported .npy format version {major}.{minor} (1.0, 2.0 and 3.0 are read).");

        int lengthBytes = major == 1 ? 2 : 4;
        Span<byte> lenBuf = stackalloc byte[4];
        if (ReadFully(stream, lenBuf[..lengthBytes]) < lengthBytes)
            throw new UserInputException($"{name}: truncated .npy header.");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lenBuf) : BinaryPrimitives.ReadUInt32LittleEndian(lenBuf);
        if (headerLength > 100_000_000) throw new UserInputException($"{name}: implausible .npy header length {headerLength}.");
        var headerBytes = new byte[headerLength];
        if (ReadFully(stream, headerBytes) < headerLength)
            throw new UserInputException($"{name}: truncated .npy header (expected {headerLength} bytes).");
        // Versions 1 and 2 use latin-1 headers, version 3 UTF-8; ZFViz headers are plain ASCII either way.
        var header = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);

        var (descr, fortran, shape) = ParseHeader(header, name);
        if (fortran)
            throw new UserInputException($"{name}: Fortran-order arrays are not supported; save a C-order array (np.ascontiguousarray(x)).");
        var (dtype, bigEndian) = ParseDescr(descr, name);

        long count = 1;
        foreach (var d in shape)
            if (d < 0) throw new UserInputException($"{name}: negative dimension in shape ({string.Join(", ", shape)}).");
        foreach (var d in shape)
        {
            // A product past 2^63 is a corrupt or hostile header, not an array anyone can hold.
            if (d != 0 && count > long.MaxValue / d)
                throw new UserInputException($"{name}: shape ({string.Join(", ", shape)}) has more elements than can be counted (the product overflows 64 bits); the header is corrupt.");
            count *= d;
        }
        // Compare with what the file holds before allocating anything (a header may claim terabytes).
        if (stream.CanSeek)
        {
            long available = stream.Length - stream.Position;
            if (count > available / SizeOf(dtype))
                throw new UserInputException($"{name}: truncated data: shape ({string.Join(", ", shape)}) of '{descr}' needs {(double)count * SizeOf(dtype):0} bytes, the file has {available}.");
        }
        if (count > Array.MaxLength / SizeOf(dtype))
            throw new UserInputException($"{name}: array of {count} elements is too large to read into memory at once.");

        var data = Allocate(dtype, (int)count);
        var bytes = AsSpanOfBytes(data);
        int got = ReadFully(stream, bytes);
        if (got < bytes.Length)
            throw new UserInputException($"{name}: truncated data: shape ({string.Join(", ", shape)}) of '{descr}' needs {bytes.Length} bytes, the file has {got}.");
        if (stream.ReadByte() >= 0)
            throw new UserInputException($"{name}: malformed .npy: extra bytes after the {bytes.Length} bytes of data for shape ({string.Join(", ", shape)}).");
        if (bigEndian != !BitConverter.IsLittleEndian) SwapBytes(bytes, SizeOf(dtype));
        return new NpyArray(dtype, shape, data, descr);
    }

    static Array Allocate(NpyDtype dtype, int count) => dtype switch
    {
        NpyDtype.Float32 => new float[count],
        NpyDtype.Float64 => new double[count],
        NpyDtype.Int64 => new long[count],
        NpyDtype.Int32 => new int[count],
        _ => new byte[count],
    };

    static Span<byte> AsSpanOfBytes(Array data) => data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
        byte[] b => b.AsSpan(),
        _ => throw new ArgumentException($"unsupported element array {data.GetType()}"),
    };

    static void SwapBytes(Span<byte> bytes, int size)
    {
        if (size == 1) return;
        for (int i = 0; i < bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }

    static int ReadFully(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    static (NpyDtype dtype, bool bigEndian) ParseDescr(string descr, string name)
    {
        if (descr.Length < 2) throw new UserInputException($"{name}: unsupported dtype '{descr}'.");
        char order = descr[0];
        string code = descr[1..];
        if (order is not ('<' or '>' or '|' or '='))
        {
            order = '|';
            code = descr;
        }
        bool big = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
        NpyDtype? t = code switch
        {
            "f4" => NpyDtype.Float32,
            "f8" => NpyDtype.Float64,
            "i8" => NpyDtype.Int64,
            "i4" => NpyDtype.Int32,
            "u1" => NpyDtype.UInt8,
            _ => null,
        };
        if (t is null)
            throw new UserInputException($"{name}: unsupported dtype '{descr}' (supported: float32 '<f4', float64 '<f8', int64 '<i8', int32 '<i4', uint8 '|u1').");
        return (t.Value, big);
    }

    /// <summary>Parses the header's Python dict literal: {'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }.</summary>
    internal static (string descr, bool fortran, long[] shape) ParseHeader(string header, string name)
    {
        var p = new HeaderParser(header, name);
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        p.Expect('{');
        while (true)
        {
            p.SkipSpace();
            if (p.TryConsume('}')) break;
            var key = p.ReadString();
            p.Expect(':');
            switch (key)
            {
                case "descr":
                    p.SkipSpace();
                    if (p.Peek() != '\'' && p.Peek() != '"')
                        throw new UserInputException($"{name}: structured dtypes are not supported (descr is not a simple type string).");
                    descr = p.ReadString();
                    break;
                case "fortran_order": fortran = p.ReadBool(); break;
                case "shape": shape = p.ReadShape(); break;
                default: throw new UserInputException($"{name}: malformed .npy header: unexpected key '{key}'.");
            }
            p.SkipSpace();
            if (p.TryConsume(',')) continue;
            p.Expect('}');
            break;
        }
        if (descr is null || fortran is null || shape is null)
            throw new UserInputException($"{name}: malformed .npy header: it needs 'descr', 'fortran_order' and 'shape' ({header.Trim()}).");
        return (descr, fortran.Value, shape);
    }

    sealed class HeaderParser(string text, string name)
    {
        int pos;

        UserInputException Error(string what) =>
            new($"{name}: malformed .npy header: {what} at position {pos} in {text.Trim()}");

        public void SkipSpace()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++;
        }

        public char Peek() => pos < text.Length ? text[pos] : '\0';

        public bool TryConsume(char c)
        {
            SkipSpace();
            if (Peek() != c) return false;
            pos++;
            return true;
        }

        public void Expect(char c)
        {
            if (!TryConsume(c)) throw Error($"expected '{c}'");
        }

        public string ReadString()
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"')) throw Error("expected a quoted string");
            int end = text.IndexOf(quote, pos + 1);
            if (end < 0) throw Error("unterminated string");
            var s = text[(pos + 1)..end];
            pos = end + 1;
            return s;
        }

        public bool ReadBool()
        {
            SkipSpace();
            if (text.AsSpan(pos).StartsWith("True")) { pos += 4; return true; }
            if (text.AsSpan(pos).StartsWith("False")) { pos += 5; return false; }
            throw Error("expected True or False");
        }

        public long[] ReadShape()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                SkipSpace();
                if (TryConsume(')')) break;
                int start = pos;
                while (pos < text.Length && (char.IsDigit(text[pos]) || text[pos] == '-')) pos++;
                // Python 2 era files may write long integers as 3L.
                var digits = text[start..pos];
                if (pos < text.Length && text[pos] == 'L') pos++;
                if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d))
                    throw Error("expected an integer dimension");
                dims.Add(d);
                SkipSpace();
                if (TryConsume(',')) continue;
                Expect(')');
                break;
            }
            return dims.ToArray();
        }
    }

    // ---------------------------------------------------------------- writing

    /// <summary>The header dict NumPy itself writes, e.g. {'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }.</summary>
    internal static string HeaderDict(string descr, IReadOnlyList<long> shape)
    {
        var dims = shape.Count switch
        {
            0 => "()",
            1 => $"({shape[0]},)",
            _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        return $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}";
    }

    /// <summary>The complete bytes of a .npy file holding data (float[], double[], long[], int[] or byte[]) with the given shape.</summary>
    public static byte[] Encode(Array data, IReadOnlyList<long> shape)
    {
        var dtype = data switch
        {
            float[] => NpyDtype.Float32,
            double[] => NpyDtype.Float64,
            long[] => NpyDtype.Int64,
            int[] => NpyDtype.Int32,
            byte[] => NpyDtype.UInt8,
            _ => throw new ArgumentException($"cannot write elements of type {data.GetType().Name} to .npy"),
        };
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(",", shape)}]");
            count *= d;
        }
        if (count != data.LongLength)
            throw new ArgumentException($"shape [{string.Join(",", shape)}] holds {count} elements but {data.LongLength} were given");

        var dict = HeaderDict(DescrOf(dtype), shape);
        // Pad with spaces and end with '\n' so that magic + version + length + header is a multiple of 64 bytes.
        int version = 1;
        int prefix = 10;
        int total = Align(prefix + dict.Length + 1);
        if (total - prefix > ushort.MaxValue)
        {
            version = 2;
            prefix = 12;
            total = Align(prefix + dict.Length + 1);
        }
        var header = dict + new string(' ', total - prefix - dict.Length - 1) + "\n";

        var body = AsSpanOfBytes(data);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("writing .npy on a big-endian machine");
        var bytes = new byte[total + body.Length];
        Magic.CopyTo(bytes, 0);
        bytes[6] = (byte)version;
        bytes[7] = 0;
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(prefix));
        body.CopyTo(bytes.AsSpan(total));
        return bytes;
    }

    static int Align(int n) => (n + Alignment - 1) / Alignment * Alignment;

    /// <summary>Writes data with the given shape to path (via a temporary file renamed into place).</summary>
    public static void Write(string path, Array data, IReadOnlyList<long> shape)
    {
        var bytes = Encode(data, shape);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new UserInputException($"{path}: the folder {dir} does not exist.");
        var tmp = full + ".zfviz-tmp";
        try
        {
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Writes a tensor (float32, float64, int64, int32 or uint8; any device) in C order.</summary>
    public static void Write(string path, torch.Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        Array data = cpu.dtype switch
        {
            torch.ScalarType.Float32 => cpu.data<float>().ToArray(),
            torch.ScalarType.Float64 => cpu.data<double>().ToArray(),
            torch.ScalarType.Int64 => cpu.data<long>().ToArray(),
            torch.ScalarType.Int32 => cpu.data<int>().ToArray(),
            torch.ScalarType.Byte => cpu.data<byte>().ToArray(),
            _ => throw new ArgumentException($"cannot write a {cpu.dtype} tensor to .npy (float32, float64, int64, int32, uint8)"),
        };
        Write(path, data, cpu.shape);
    }
}
