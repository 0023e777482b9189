namespace ZfViz.IO.Onnx;

/// <summary>An ONNX NodeProto: one operator with its input and output value names and attributes.</summary>
public sealed class OnnxNode
{
    public string Name { get; }
    public string OpType { get; }
    public string Domain { get; }
    public IReadOnlyList<string> Inputs { get; }
    public IReadOnlyList<string> Outputs { get; }
    public IReadOnlyDictionary<string, OnnxAttribute> Attributes { get; }

    OnnxNode(string name, string opType, string domain, List<string> inputs, List<string> outputs, Dictionary<string, OnnxAttribute> attributes)
    {
        Name = name;
        OpType = opType;
        Domain = domain;
        Inputs = inputs;
        Outputs = outputs;
        Attributes = attributes;
    }

    /// <summary>An int list attribute, or <paramref name="fallback"/> if absent.</summary>
    public IReadOnlyList<long> Ints(string name, IReadOnlyList<long>? fallback = null) =>
        Attributes.TryGetValue(name, out var a) ? a.Ints : fallback ?? throw new InvalidDataException($"ONNX node {this} has no attribute '{name}'.");

    public long Int(string name, long fallback) => Attributes.TryGetValue(name, out var a) && a.Int is { } i ? i : fallback;

    public float Float(string name, float fallback) => Attributes.TryGetValue(name, out var a) && a.Float is { } f ? f : fallback;

    public string? String(string name) => Attributes.TryGetValue(name, out var a) ? a.String : null;

    public override string ToString() => $"{OpType} '{Name}'";

    internal static OnnxNode Parse(ReadOnlySpan<byte> bytes, string context)
    {
        var r = new ProtoReader(bytes, context);
        string name = "", op = "", domain = "";
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>();
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: inputs.Add(r.String()); break;
                case 2: outputs.Add(r.String()); break;
                case 3: name = r.String(); break;
                case 4: op = r.String(); break;
                case 5:
                    var a = OnnxAttribute.Parse(r.Bytes(), context);
                    attributes[a.Name] = a;
                    break;
                case 7: domain = r.String(); break;
                default: r.Skip(); break;
            }
        }
        return new OnnxNode(name, op, domain, inputs, outputs, attributes);
    }
}
