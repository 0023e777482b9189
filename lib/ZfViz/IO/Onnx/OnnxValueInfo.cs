namespace ZfViz.IO.Onnx;

/// <summary>
/// An ONNX ValueInfoProto for a tensor: name, element type and shape. A dimension is a fixed size, or null when
/// the file names it symbolically (dim_param, e.g. a free batch size) or leaves it out.
/// </summary>
public sealed class OnnxValueInfo
{
    public string Name { get; }
    public int ElementType { get; }
    public IReadOnlyList<long?> Shape { get; }

    OnnxValueInfo(string name, int elementType, List<long?> shape)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
    }

    public override string ToString() => $"{Name} [{string.Join(",", Shape.Select(d => d?.ToString() ?? "?"))}]";

    internal static OnnxValueInfo Parse(ReadOnlySpan<byte> bytes, string context)
    {
        var r = new ProtoReader(bytes, context);
        string name = "";
        int elementType = 0;
        var shape = new List<long?>();
        while (r.Next())
        {
            if (r.Field == 1) name = r.String();
            else if (r.Field == 2) ParseType(r.Bytes(), context, ref elementType, shape);
            else r.Skip();
        }
        return new OnnxValueInfo(name, elementType, shape);
    }

    // TypeProto { tensor_type = 1: Tensor { elem_type = 1, shape = 2: TensorShapeProto { dim = 1: { dim_value = 1, dim_param = 2 } } } }
    static void ParseType(ReadOnlySpan<byte> bytes, string context, ref int elementType, List<long?> shape)
    {
        var type = new ProtoReader(bytes, context);
        while (type.Next())
        {
            if (type.Field != 1) { type.Skip(); continue; }
            var tensor = new ProtoReader(type.Bytes(), context);
            while (tensor.Next())
            {
                if (tensor.Field == 1) elementType = tensor.Int32();
                else if (tensor.Field == 2)
                {
                    var shapeReader = new ProtoReader(tensor.Bytes(), context);
                    while (shapeReader.Next())
                    {
                        if (shapeReader.Field != 1) { shapeReader.Skip(); continue; }
                        var dim = new ProtoReader(shapeReader.Bytes(), context);
                        long? value = null;
                        while (dim.Next())
                        {
                            if (dim.Field == 1) value = dim.Int64();
                            else dim.Skip();
                        }
                        shape.Add(value);
                    }
                }
                else tensor.Skip();
            }
        }
    }
}
