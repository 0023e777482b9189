using System.Buffers.Binary;

namespace ZfViz.IO.Onnx;

/// <summary>
/// An ONNX TensorProto (an initializer or a tensor attribute). Only float tensors are decoded to values
/// (<see cref="ToFloats"/>); other element types keep their raw bytes. Field numbers follow onnx.proto.
/// </summary>
public sealed class OnnxTensor
{
    /// <summary>ONNX TensorProto.DataType values used here.</summary>
    public const int Float = 1, UInt8 = 2, Int32 = 6, Int64 = 7, Double = 11;

    public string Name { get; }
    public long[] Dims { get; }
    public int DataType { get; }
    readonly float[]? floatData;
    readonly byte[]? rawData;
    readonly long[]? int64Data;

    OnnxTensor(string name, long[] dims, int dataType, float[]? floats, byte[]? raw, long[]? int64s)
    {
        Name = name;
        Dims = dims;
        DataType = dataType;
        floatData = floats;
        rawData = raw;
        int64Data = int64s;
    }

    public long Count => Dims.Aggregate(1L, (a, d) => a * d);

    /// <summary>The elements of a float tensor (from raw_data or float_data), checked against the dims.</summary>
    public float[] ToFloats()
    {
        if (DataType != Float) throw new InvalidDataException($"ONNX tensor '{Name}' has data type {DataType}, not float (1).");
        float[] values;
        if (rawData is { Length: > 0 })
        {
            if (rawData.Length % 4 != 0) throw new InvalidDataException($"ONNX tensor '{Name}': raw_data of {rawData.Length} bytes is not whole floats.");
            values = new float[rawData.Length / 4];
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(rawData.AsSpan(i * 4));
        }
        else values = floatData ?? [];
        if (values.LongLength != Count)
            throw new InvalidDataException($"ONNX tensor '{Name}': dims [{string.Join(",", Dims)}] need {Count} values but the file holds {values.Length}.");
        return values;
    }

    /// <summary>The elements of an int64 tensor (from raw_data or int64_data).</summary>
    public long[] ToInt64s()
    {
        if (DataType != Int64) throw new InvalidDataException($"ONNX tensor '{Name}' has data type {DataType}, not int64 (7).");
        if (rawData is { Length: > 0 })
        {
            var v = new long[rawData.Length / 8];
            for (int i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadInt64LittleEndian(rawData.AsSpan(i * 8));
            return v;
        }
        return int64Data ?? [];
    }

    internal static OnnxTensor Parse(ReadOnlySpan<byte> bytes, string context)
    {
        var r = new ProtoReader(bytes, context);
        string name = "";
        var dims = new List<long>();
        int dataType = 0;
        List<float>? floats = null;
        List<long>? int64s = null;
        byte[]? raw = null;
        int dataLocation = 0;
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: r.Int64s(dims); break;
                case 2: dataType = r.Int32(); break;
                case 4: r.Floats(floats ??= []); break;
                case 7: r.Int64s(int64s ??= []); break;
                case 8: name = r.String(); break;
                case 9: raw = r.Bytes().ToArray(); break;
                case 14: dataLocation = r.Int32(); break;
                default: r.Skip(); break;
            }
        }
        if (dataLocation == 1)
            throw new InvalidDataException($"{context}: tensor '{name}' keeps its data in an external file, which is not supported.");
        return new OnnxTensor(name, dims.ToArray(), dataType, floats?.ToArray(), raw, int64s?.ToArray());
    }
}
