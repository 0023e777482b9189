namespace ZfViz.IO.Onnx;

/// <summary>
/// An ONNX ModelProto read with the hand-written wire-format reader (<see cref="ProtoReader"/>; no protoc, no
/// generated code): producer, IR version, operator sets and the graph. Only what convolutional feature extractors
/// need is decoded; unknown fields are skipped.
/// </summary>
public sealed class OnnxModel
{
    public string Path { get; }
    public long IrVersion { get; }
    public string ProducerName { get; }
    public string ProducerVersion { get; }
    /// <summary>Operator set version per domain ("" is the default ai.onnx domain).</summary>
    public IReadOnlyDictionary<string, long> OpsetImports { get; }
    public OnnxGraph Graph { get; }

    OnnxModel(string path, long irVersion, string producerName, string producerVersion, Dictionary<string, long> opsets, OnnxGraph graph)
    {
        Path = path;
        IrVersion = irVersion;
        ProducerName = producerName;
        ProducerVersion = producerVersion;
        OpsetImports = opsets;
        Graph = graph;
    }

    /// <summary>Reads an .onnx file; malformed files raise <see cref="InvalidDataException"/> naming the file.</summary>
    public static OnnxModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such ONNX file.", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    public static OnnxModel Parse(ReadOnlySpan<byte> bytes, string path)
    {
        var r = new ProtoReader(bytes, path);
        long ir = 0;
        string producer = "", producerVersion = "";
        var opsets = new Dictionary<string, long>();
        OnnxGraph? graph = null;
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: ir = r.Int64(); break;
                case 2: producer = r.String(); break;
                case 3: producerVersion = r.String(); break;
                case 7: graph = OnnxGraph.Parse(r.Bytes(), path); break;
                case 8:
                    var o = new ProtoReader(r.Bytes(), path);
                    string domain = "";
                    long version = 0;
                    while (o.Next())
                    {
                        if (o.Field == 1) domain = o.String();
                        else if (o.Field == 2) version = o.Int64();
                        else o.Skip();
                    }
                    opsets[domain] = version;
                    break;
                default: r.Skip(); break;
            }
        }
        if (graph is null) throw new InvalidDataException($"{path}: not an ONNX model (no graph found).");
        return new OnnxModel(path, ir, producer, producerVersion, opsets, graph);
    }
}
