namespace ZfViz.IO.Onnx;

/// <summary>
/// An ONNX GraphProto: nodes in file order, initializers (the weights) by name, graph inputs and outputs.
/// Inputs that are also initializers (older exporters list them) are left out of <see cref="Inputs"/>.
/// </summary>
public sealed class OnnxGraph
{
    public string Name { get; }
    public IReadOnlyList<OnnxNode> Nodes { get; }
    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    OnnxGraph(string name, List<OnnxNode> nodes, Dictionary<string, OnnxTensor> initializers, List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs)
    {
        Name = name;
        Nodes = nodes;
        Initializers = initializers;
        Inputs = inputs.Where(i => !initializers.ContainsKey(i.Name)).ToList();
        Outputs = outputs;
    }

    /// <summary>The nodes that read the value <paramref name="valueName"/>.</summary>
    public IReadOnlyList<OnnxNode> Consumers(string valueName) => Nodes.Where(n => n.Inputs.Contains(valueName)).ToList();

    /// <summary>The node that writes <paramref name="valueName"/>, or null for graph inputs and initializers.</summary>
    public OnnxNode? Producer(string valueName) => Nodes.FirstOrDefault(n => n.Outputs.Contains(valueName));

    /// <summary>An initializer by name, or an error naming what was expected.</summary>
    public OnnxTensor Initializer(string name, string what) =>
        Initializers.TryGetValue(name, out var t) ? t : throw new InvalidDataException($"ONNX graph '{Name}': {what} '{name}' is not an initializer.");

    internal static OnnxGraph Parse(ReadOnlySpan<byte> bytes, string context)
    {
        var r = new ProtoReader(bytes, context);
        string name = "";
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: nodes.Add(OnnxNode.Parse(r.Bytes(), context)); break;
                case 2: name = r.String(); break;
                case 5:
                    var t = OnnxTensor.Parse(r.Bytes(), context);
                    initializers[t.Name] = t;
                    break;
                case 11: inputs.Add(OnnxValueInfo.Parse(r.Bytes(), context)); break;
                case 12: outputs.Add(OnnxValueInfo.Parse(r.Bytes(), context)); break;
                default: r.Skip(); break;
            }
        }
        return new OnnxGraph(name, nodes, initializers, inputs, outputs);
    }
}
