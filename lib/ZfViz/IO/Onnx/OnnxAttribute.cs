namespace ZfViz.IO.Onnx;

/// <summary>
/// An ONNX AttributeProto, with the value kinds convolutional graphs use: float, int, string, tensor, floats, ints.
/// Older exporters omit the type field, so the kind is taken from whichever value field is present.
/// </summary>
public sealed class OnnxAttribute
{
    public string Name { get; }
    public float? Float { get; }
    public long? Int { get; }
    public string? String { get; }
    public OnnxTensor? Tensor { get; }
    public IReadOnlyList<float> Floats { get; }
    public IReadOnlyList<long> Ints { get; }

    OnnxAttribute(string name, float? f, long? i, string? s, OnnxTensor? t, List<float> floats, List<long> ints)
    {
        Name = name;
        Float = f;
        Int = i;
        String = s;
        Tensor = t;
        Floats = floats;
        Ints = ints;
    }

    internal static OnnxAttribute Parse(ReadOnlySpan<byte> bytes, string context)
    {
        var r = new ProtoReader(bytes, context);
        string name = "";
        float? f = null;
        long? i = null;
        string? s = null;
        OnnxTensor? t = null;
        var floats = new List<float>();
        var ints = new List<long>();
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: name = r.String(); break;
                case 2: f = r.Float(); break;
                case 3: i = r.Int64(); break;
                case 4: s = r.String(); break;
                case 5: t = OnnxTensor.Parse(r.Bytes(), context); break;
                case 7: r.Floats(floats); break;
                case 8: r.Int64s(ints); break;
                default: r.Skip(); break;
            }
        }
        return new OnnxAttribute(name, f, i, s, t, floats, ints);
    }

    public override string ToString() =>
        Name + "=" + (Float?.ToString() ?? Int?.ToString() ?? String ?? (Tensor is not null ? $"tensor[{string.Join(",", Tensor.Dims)}]"
            : Ints.Count > 0 ? "[" + string.Join(",", Ints) + "]" : "[" + string.Join(",", Floats) + "]"));
}
