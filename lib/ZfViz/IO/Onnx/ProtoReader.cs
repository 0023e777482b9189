using System.Buffers.Binary;
using System.Text;

namespace ZfViz.IO.Onnx;

/// <summary>
/// A minimal reader of the protobuf wire format (enough for ONNX): walks the fields of one message held in memory.
/// Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (groups, 3 and 4, are not used by ONNX).
/// </summary>
public ref struct ProtoReader
{
    readonly ReadOnlySpan<byte> buffer;
    readonly string context;
    int pos;

    public ProtoReader(ReadOnlySpan<byte> buffer, string context)
    {
        this.buffer = buffer;
        this.context = context;
        pos = 0;
    }

    /// <summary>Field number of the current field (valid after <see cref="Next"/> returned true).</summary>
    public int Field { get; private set; }
    /// <summary>Wire type of the current field.</summary>
    public int WireType { get; private set; }

    InvalidDataException Error(string what) => new($"{context}: malformed protobuf ({what} at byte {pos}).");

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next()
    {
        if (pos >= buffer.Length) return false;
        ulong key = ReadVarint();
        Field = (int)(key >> 3);
        WireType = (int)(key & 7);
        if (Field == 0) throw Error("field number 0");
        return true;
    }

    ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= buffer.Length) throw Error("truncated varint");
            byte b = buffer[pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return result;
        }
        throw Error("varint longer than 10 bytes");
    }

    void Expect(int wireType)
    {
        if (WireType != wireType) throw Error($"field {Field} has wire type {WireType}, expected {wireType}");
    }

    public long Int64()
    {
        Expect(0);
        return (long)ReadVarint();
    }

    public int Int32() => (int)Int64();

    public float Float()
    {
        Expect(5);
        if (pos + 4 > buffer.Length) throw Error("truncated fixed32");
        var v = BinaryPrimitives.ReadSingleLittleEndian(buffer.Slice(pos, 4));
        pos += 4;
        return v;
    }

    public double Double()
    {
        Expect(1);
        if (pos + 8 > buffer.Length) throw Error("truncated fixed64");
        var v = BinaryPrimitives.ReadDoubleLittleEndian(buffer.Slice(pos, 8));
        pos += 8;
        return v;
    }

    /// <summary>The bytes of a length-delimited field (a string, bytes, packed array or sub-message).</summary>
    public ReadOnlySpan<byte> Bytes()
    {
        Expect(2);
        ulong length = ReadVarint();
        if (length > (ulong)(buffer.Length - pos)) throw Error($"length {length} runs past the end");
        var s = buffer.Slice(pos, (int)length);
        pos += (int)length;
        return s;
    }

    public string String() => Encoding.UTF8.GetString(Bytes());

    /// <summary>A repeated int64 field, packed (one length-delimited run) or not (one varint per occurrence).</summary>
    public void Int64s(List<long> into)
    {
        if (WireType == 0)
        {
            into.Add(Int64());
            return;
        }
        var packed = new ProtoReader(Bytes(), context);
        while (packed.pos < packed.buffer.Length) into.Add((long)packed.ReadVarint());
    }

    /// <summary>A repeated float field, packed or not.</summary>
    public void Floats(List<float> into)
    {
        if (WireType == 5)
        {
            into.Add(Float());
            return;
        }
        var bytes = Bytes();
        if (bytes.Length % 4 != 0) throw Error("packed floats not a multiple of 4 bytes");
        for (int i = 0; i < bytes.Length; i += 4) into.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i, 4)));
    }

    /// <summary>A repeated double field, packed or not.</summary>
    public void Doubles(List<double> into)
    {
        if (WireType == 1)
        {
            into.Add(Double());
            return;
        }
        var bytes = Bytes();
        if (bytes.Length % 8 != 0) throw Error("packed doubles not a multiple of 8 bytes");
        for (int i = 0; i < bytes.Length; i += 8) into.Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(i, 8)));
    }

    /// <summary>Skips the current field's value.</summary>
    public void Skip()
    {
        switch (WireType)
        {
            case 0: ReadVarint(); break;
            case 1: pos += 8; break;
            case 2: Bytes(); break;
            case 5: pos += 4; break;
            default: throw Error($"unsupported wire type {WireType}");
        }
        if (pos > buffer.Length) throw Error("truncated field");
    }
}
