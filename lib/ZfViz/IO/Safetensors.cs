using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;
using ZfViz.Training;

namespace ZfViz.IO;

/// <summary>
/// A small reader/writer for the safetensors format (https://huggingface.co/docs/safetensors): 8-byte little-endian
/// header length N, N bytes of JSON {"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin,end]}},
/// then the raw little-endian tensor bytes (offsets relative to the end of the header). Row-major, no strides, so a
/// file written here loads in PyTorch with safetensors.torch.load_file and vice versa.
/// Writes are atomic: a temp file in the same folder is flushed to disk and then renamed over the target, so a crash
/// leaves either the old file or the new one (and at worst a stale *.tmp file that readers never look at).
/// </summary>
public static class Safetensors
{
    public const string MetadataKey = "__metadata__";
    const long MaxHeaderBytes = 100_000_000;

    static readonly (ScalarType Type, string Name, int Size)[] DTypes =
    [
        (ScalarType.Float32, "F32", 4), (ScalarType.Float64, "F64", 8), (ScalarType.Float16, "F16", 2),
        (ScalarType.BFloat16, "BF16", 2), (ScalarType.Int64, "I64", 8), (ScalarType.Int32, "I32", 4),
        (ScalarType.Int16, "I16", 2), (ScalarType.Int8, "I8", 1), (ScalarType.Byte, "U8", 1), (ScalarType.Bool, "BOOL", 1),
    ];

    /// <summary>Writes the tensors (in the given order) and string metadata atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing assumes a little-endian machine.");
        var list = tensors.ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header[MetadataKey] = meta;
        }
        long offset = 0;
        var seen = new HashSet<string>();
        foreach (var (name, t) in list)
        {
            if (name == MetadataKey || !seen.Add(name)) throw new ArgumentException($"{path}: tensor name '{name}' is reserved or repeated.");
            long bytes = t.numel() * DTypeSize(t.dtype, path, name);
            header[name] = new JsonObject
            {
                ["dtype"] = DTypeName(t.dtype, path, name),
                ["shape"] = new JsonArray(t.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad the header with spaces so the data starts 8-byte aligned (as the reference implementation does).
        int padded = (json.Length + 7) / 8 * 8;
        var headerBytes = new byte[padded];
        Array.Fill(headerBytes, (byte)' ');
        json.CopyTo(headerBytes, 0);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            stream.Write(len);
            stream.Write(headerBytes);
            foreach (var (_, t) in list)
            {
                using var cpu = t.detach().cpu().contiguous();
                stream.Write(cpu.bytes);
            }
        });
    }

    /// <summary>Reads every tensor (CPU) and the metadata. Fails with InvalidDataException naming the file on any inconsistency.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        InputFile.CheckExists(path, "safetensors");
        var data = File.ReadAllBytes(path);
        if (data.Length < 8) throw new UserInputException($"{path}: too short for a safetensors file ({data.Length} bytes).");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (n > MaxHeaderBytes || 8 + (long)n > data.Length)
            throw new UserInputException($"{path}: header length {n} does not fit the file ({data.Length} bytes); truncated or not safetensors.");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(data.AsSpan(8, (int)n)) as JsonObject
                ?? throw new UserInputException($"{path}: the header is not a JSON object {{name: {{dtype, shape, data_offsets}}, ...}}.");
        }
        catch (JsonException e) { throw new UserInputException($"{path}: header is not valid JSON ({e.Message}).", inner: e); }

        long dataStart = 8 + (long)n, dataLength = data.Length - dataStart;
        var metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, node) in header)
        {
            if (name == MetadataKey)
            {
                if (node is not JsonObject meta || meta.Any(kv => kv.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
                    throw new UserInputException($"{path}: '{MetadataKey}' must be an object of strings.");
                foreach (var (k, v) in meta) metadata[k] = v!.GetValue<string>();
                continue;
            }
            try
            {
                var entry = node!.AsObject();
                var dtypeName = entry["dtype"]!.GetValue<string>();
                var dt = DTypes.FirstOrDefault(d => d.Name == dtypeName);
                if (dt.Name is null) throw new UserInputException($"{path}: tensor '{name}' has unsupported dtype '{dtypeName}'.");
                var shape = entry["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                var offs = entry["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                if (shape.Any(d => d < 0)) throw new UserInputException($"{path}: tensor '{name}' has a negative dimension in its shape [{string.Join(",", shape)}].");
                long count = 1;
                foreach (var d in shape)
                {
                    if (d != 0 && count > dataLength / d) { count = -1; break; } // more elements than the file has bytes
                    count *= d;
                }
                if (count < 0 || offs.Length != 2 || offs[0] < 0 || offs[1] > dataLength || offs[1] - offs[0] != count * dt.Size)
                    throw new UserInputException(
                        $"{path}: tensor '{name}' ({dtypeName} [{string.Join(",", shape)}]) has data_offsets [{string.Join(",", offs)}] that do not match its size or the file ({dataLength} data bytes).");
                var t = empty(shape, dt.Type);
                if (count > 0) t.bytes = data.AsSpan((int)(dataStart + offs[0]), (int)(offs[1] - offs[0]));
                tensors[name] = t;
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException)
            {
                throw new UserInputException($"{path}: header entry for tensor '{name}' is malformed ({e.Message}).", inner: e);
            }
        }
        return (tensors, metadata);
    }

    static string DTypeName(ScalarType t, string path, string name) =>
        DTypes.FirstOrDefault(d => d.Type == t).Name ?? throw new ArgumentException($"{path}: tensor '{name}' has dtype {t}, which safetensors writing here does not support.");

    static int DTypeSize(ScalarType t, string path, string name)
    {
        DTypeName(t, path, name);
        return DTypes.First(d => d.Type == t).Size;
    }
}
