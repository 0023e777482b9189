using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using TorchSharp;
using ZfViz.Runtime;

namespace ZfViz.Data;

/// <summary>
/// Decoded data sets on disk, so a notebook reloads CIFAR-10 in about a second instead of decoding 60,000 JPEGs.
/// One file per <see cref="CacheKey"/>: &lt;folder&gt;/&lt;dataset&gt;-&lt;split&gt;-&lt;prep&gt;-&lt;hash&gt;.zfc. A file is written to a
/// temporary name and renamed when complete, so an entry exists only whole; a file that does not match its header
/// (truncated, foreign) is deleted and counts as a miss. Storing an entry removes older entries of the same stem.
/// Format: "ZFVZCACH", int32 header length, UTF-8 JSON header, raw tensors (little-endian), "ZFVZEND\n".
/// </summary>
public sealed class TensorCache(string folder)
{
    static readonly byte[] Magic = "ZFVZCACH"u8.ToArray();
    static readonly byte[] EndMark = "ZFVZEND\n"u8.ToArray();
    const int Chunk = 16 << 20;

    public string Folder { get; } = folder;

    /// <summary>The cache under the data root: $ZFVIZ_DATA/.cache (or ~/.local/share/zfviz/data/.cache).</summary>
    public static TensorCache ForDataRoot(string? dataRoot = null) => new(Path.Combine(dataRoot ?? ZfVizPaths.DataRoot, ".cache"));

    public string PathFor(CacheKey key) => Path.Combine(Folder, $"{key}.zfc");

    sealed record Header(string Key, string Name, string[] ClassNames, string[]? Ids, int Skipped, TensorInfo[] Tensors);
    sealed record TensorInfo(string Name, string Dtype, long[] Shape);

    /// <summary>A cache entry: named tensors plus the class names, optional item ids and the skip count of the first load.</summary>
    public sealed record Entry(string Name, IReadOnlyDictionary<string, torch.Tensor> Tensors, IReadOnlyList<string> ClassNames,
        IReadOnlyList<string>? Ids, int Skipped);

    public ImageDataset? TryLoadImages(CacheKey key, out int skipped)
    {
        skipped = 0;
        var e = TryLoad(key);
        if (e is null) return null;
        skipped = e.Skipped;
        return new ImageDataset(e.Name, e.Tensors["images"], e.Tensors["labels"], e.ClassNames);
    }

    public void StoreImages(CacheKey key, ImageDataset data, int skipped) =>
        Store(key, new Entry(data.Name, new Dictionary<string, torch.Tensor> { ["images"] = data.Images, ["labels"] = data.Labels },
            data.ClassNames, null, skipped));

    public Entry? TryLoad(CacheKey key)
    {
        var path = PathFor(key);
        if (!File.Exists(path)) return null;
        try
        {
            return Read(path, key);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or JsonException or IOException)
        {
            // A damaged entry is only a miss: drop it, the caller decodes again and stores a fresh one.
            TryDelete(path);
            return null;
        }
    }

    static Entry Read(string path, CacheKey key)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new BinaryReader(file);
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new InvalidDataException($"{path}: not a ZFViz cache file.");
        int headerLength = reader.ReadInt32();
        if (headerLength <= 0 || headerLength > file.Length) throw new InvalidDataException($"{path}: bad header length.");
        var header = JsonSerializer.Deserialize<Header>(reader.ReadBytes(headerLength)) ?? throw new InvalidDataException($"{path}: empty header.");
        if (header.Key != key.ToString()) throw new InvalidDataException($"{path}: written for {header.Key}, not {key}.");
        long expected = Magic.Length + 4 + headerLength + header.Tensors.Sum(t => ByteLength(t)) + EndMark.Length;
        if (file.Length != expected) throw new InvalidDataException($"{path}: {file.Length} bytes, expected {expected} (truncated?).");

        var tensors = new Dictionary<string, torch.Tensor>();
        try
        {
            foreach (var info in header.Tensors) tensors[info.Name] = ReadTensor(file, info);
            if (!reader.ReadBytes(EndMark.Length).AsSpan().SequenceEqual(EndMark)) throw new InvalidDataException($"{path}: end mark missing.");
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new Entry(header.Name, tensors, header.ClassNames, header.Ids, header.Skipped);
    }

    public void Store(CacheKey key, Entry entry)
    {
        Directory.CreateDirectory(Folder);
        var path = PathFor(key);
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var infos = entry.Tensors.Select(kv => new TensorInfo(kv.Key, DtypeName(kv.Value.dtype), kv.Value.shape)).ToArray();
        var header = JsonSerializer.SerializeToUtf8Bytes(new Header(key.ToString(), entry.Name, [.. entry.ClassNames],
            entry.Ids?.ToArray(), entry.Skipped, infos));
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                file.Write(Magic);
                file.Write(BitConverter.GetBytes(header.Length));
                file.Write(header);
                foreach (var t in entry.Tensors.Values) WriteTensor(file, t);
                file.Write(EndMark);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        foreach (var old in Directory.GetFiles(Folder, $"{key.Stem}-*.zfc"))
            if (old != path && Path.GetFileName(old)[(key.Stem.Length + 1)..].Length == 16 + 4) TryDelete(old);
    }

    /// <summary>Deletes every cache entry of a data set (all splits and sizes); returns how many.</summary>
    public int Clear(string? dataset = null)
    {
        if (!Directory.Exists(Folder)) return 0;
        int n = 0;
        foreach (var f in Directory.GetFiles(Folder, dataset is null ? "*.zfc" : $"{dataset}-*.zfc")) { TryDelete(f); n++; }
        return n;
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static string DtypeName(torch.ScalarType t) => t switch
    {
        torch.ScalarType.Byte => "uint8",
        torch.ScalarType.Int64 => "int64",
        torch.ScalarType.Float32 => "float32",
        torch.ScalarType.Bool => "bool",
        _ => throw new NotSupportedException($"Cache cannot store {t} tensors."),
    };

    static long ElementSize(string dtype) => dtype switch { "uint8" or "bool" => 1, "float32" => 4, "int64" => 8, _ => throw new InvalidDataException($"unknown dtype {dtype}") };
    static long ByteLength(TensorInfo t) => ElementSize(t.Dtype) * t.Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>Ranges of dim 0 of about <see cref="Chunk"/> bytes each (whole rows), so spans stay under 2 GB.</summary>
    static IEnumerable<(long Start, long Count)> RowChunks(long[] shape)
    {
        if (shape.Length == 0 || shape[0] == 0) yield break;
        long rowBytes = Math.Max(1, shape.Skip(1).Aggregate(1L, (a, d) => a * d));
        long rows = Math.Max(1, Chunk / rowBytes);
        for (long start = 0; start < shape[0]; start += rows) yield return (start, Math.Min(rows, shape[0] - start));
    }

    static void WriteTensor(Stream s, torch.Tensor t)
    {
        var c = t.cpu().contiguous();
        switch (c.dtype)
        {
            case torch.ScalarType.Byte:
                foreach (var (start, count) in RowChunks(c.shape))
                {
                    using var part = c.narrow(0, start, count);
                    s.Write(part.bytes);
                }
                break;
            case torch.ScalarType.Int64: s.Write(MemoryMarshal.AsBytes(c.data<long>().ToArray().AsSpan())); break;
            case torch.ScalarType.Float32: s.Write(MemoryMarshal.AsBytes(c.data<float>().ToArray().AsSpan())); break;
            case torch.ScalarType.Bool: s.Write(c.data<bool>().ToArray().Select(b => b ? (byte)1 : (byte)0).ToArray()); break;
            default: throw new NotSupportedException($"Cache cannot store {c.dtype} tensors.");
        }
        if (!ReferenceEquals(c, t)) c.Dispose();
    }

    static torch.Tensor ReadTensor(Stream s, TensorInfo info)
    {
        long bytes = ByteLength(info);
        switch (info.Dtype)
        {
            case "uint8":
                var t = torch.empty(info.Shape, torch.ScalarType.Byte);
                // Straight from the file into the tensor's memory, a few megabytes of whole images at a time.
                foreach (var (start, count) in RowChunks(info.Shape))
                {
                    using var part = t.narrow(0, start, count);
                    s.ReadExactly(part.bytes);
                }
                return t;
            case "int64":
            {
                var raw = new byte[bytes];
                s.ReadExactly(raw);
                return torch.tensor(MemoryMarshal.Cast<byte, long>(raw).ToArray(), torch.ScalarType.Int64).reshape(info.Shape);
            }
            case "float32":
            {
                var raw = new byte[bytes];
                s.ReadExactly(raw);
                return torch.tensor(MemoryMarshal.Cast<byte, float>(raw).ToArray()).reshape(info.Shape);
            }
            case "bool":
            {
                var raw = new byte[bytes];
                s.ReadExactly(raw);
                return torch.tensor(raw.Select(b => b != 0).ToArray()).reshape(info.Shape);
            }
            default: throw new InvalidDataException($"unknown dtype {info.Dtype}");
        }
    }
}
