using System.Text;
using ZfViz.IO.Onnx;

namespace ZfViz.Tests.IO;

/// <summary>The hand-written ONNX reader against protobuf bytes built by hand from onnx.proto's field numbers.</summary>
public class OnnxReaderTests
{
    // ---- a tiny protobuf writer (wire format: key = field << 3 | wire type)
    static byte[] Varint(ulong v)
    {
        var b = new List<byte>();
        do
        {
            byte x = (byte)(v & 0x7f);
            v >>= 7;
            b.Add(v != 0 ? (byte)(x | 0x80) : x);
        } while (v != 0);
        return b.ToArray();
    }

    static byte[] Key(int field, int wire) => Varint((ulong)(field << 3 | wire));
    static byte[] Int(int field, long v) => [.. Key(field, 0), .. Varint((ulong)v)];
    static byte[] Len(int field, byte[] payload) => [.. Key(field, 2), .. Varint((ulong)payload.Length), .. payload];
    static byte[] Str(int field, string s) => Len(field, Encoding.UTF8.GetBytes(s));
    static byte[] Fixed32(int field, float f) => [.. Key(field, 5), .. BitConverter.GetBytes(f)];
    static byte[] Packed(int field, params long[] vs) => Len(field, vs.SelectMany(v => Varint((ulong)v)).ToArray());
    static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    static byte[] Dim(long? value, string? param = null) => Len(1, value is { } v ? Int(1, v) : Str(2, param!));
    static byte[] ValueInfo(string name, params byte[][] dims) =>
        Cat(Str(1, name), Len(2, Len(1, Cat(Int(1, 1), Len(2, Cat(dims))))));

    static byte[] Model()
    {
        // Conv with unpacked ints (as CNTK writes them), a float, a string; a weight in float_data (packed), a bias in raw_data.
        var conv = Cat(Str(1, "X"), Str(1, "W"), Str(1, "B"), Str(2, "Y"), Str(3, "conv0"), Str(4, "Conv"),
            Len(5, Cat(Str(1, "pads"), Int(8, 3), Int(8, 3), Int(8, 2), Int(8, 2))),
            Len(5, Cat(Str(1, "strides"), Packed(8, 2, 2))),
            Len(5, Cat(Str(1, "alpha"), Fixed32(2, 0.25f))),
            Len(5, Cat(Str(1, "auto_pad"), Str(4, "NOTSET"))),
            Len(5, Cat(Str(1, "group"), Int(3, 1))));
        var weight = Cat(Packed(1, 2, 1, 1, 1), Int(2, 1), Len(4, Cat(BitConverter.GetBytes(1.5f), BitConverter.GetBytes(-2f))), Str(8, "W"));
        var bias = Cat(Packed(1, 2), Int(2, 1), Str(8, "B"), Len(9, Cat(BitConverter.GetBytes(0.5f), BitConverter.GetBytes(7f))));
        var graph = Cat(Len(1, conv), Str(2, "g"), Len(5, weight), Len(5, bias),
            Len(11, ValueInfo("X", Dim(null, "batch"), Dim(1), Dim(4), Dim(4))),
            Len(11, ValueInfo("W", Dim(2), Dim(1), Dim(1), Dim(1))), // an input that is also an initializer
            Len(12, ValueInfo("Y", Dim(null, "batch"), Dim(2), Dim(2), Dim(2))),
            Str(10, "a doc string to skip"));
        return Cat(Int(1, 3), Str(2, "hand"), Str(3, "1.0"), Len(8, Cat(Str(1, ""), Int(2, 8))), Len(7, graph), Str(6, "doc"));
    }

    [Fact]
    public void ReadsModelGraphNodesAttributesAndTensors()
    {
        var m = OnnxModel.Parse(Model(), "hand.onnx");
        Assert.Equal(3, m.IrVersion);
        Assert.Equal("hand", m.ProducerName);
        Assert.Equal(8, m.OpsetImports[""]);
        var g = m.Graph;
        Assert.Equal("g", g.Name);
        var conv = Assert.Single(g.Nodes);
        Assert.Equal("Conv", conv.OpType);
        Assert.Equal(new[] { "X", "W", "B" }, conv.Inputs);
        Assert.Equal(new long[] { 3, 3, 2, 2 }, conv.Ints("pads"));
        Assert.Equal(new long[] { 2, 2 }, conv.Ints("strides"));
        Assert.Equal(0.25f, conv.Float("alpha", 0));
        Assert.Equal("NOTSET", conv.String("auto_pad"));
        Assert.Equal(1, conv.Int("group", 0));
        Assert.Equal(new long[] { 0, 0 }, conv.Ints("dilations", [0, 0]));

        Assert.Equal(new[] { 1.5f, -2f }, g.Initializer("W", "weight").ToFloats());
        Assert.Equal(new long[] { 2, 1, 1, 1 }, g.Initializers["W"].Dims);
        Assert.Equal(new[] { 0.5f, 7f }, g.Initializer("B", "bias").ToFloats());

        var input = Assert.Single(g.Inputs); // W is an initializer, so not an input
        Assert.Equal("X", input.Name);
        Assert.Equal(new long?[] { null, 1, 4, 4 }, input.Shape);
        Assert.Equal(conv, g.Producer("Y"));
        Assert.Equal(conv, Assert.Single(g.Consumers("X")));
    }

    [Fact]
    public void RejectsTruncatedOrForeignBytes()
    {
        var bytes = Model();
        var e = Assert.Throws<InvalidDataException>(() => OnnxModel.Parse(bytes[..^6], "cut.onnx"));
        Assert.Contains("cut.onnx", e.Message);
        Assert.Throws<InvalidDataException>(() => OnnxModel.Parse(Cat(Int(1, 3)), "nograph.onnx"));
        Assert.Throws<InvalidDataException>(() => OnnxModel.Parse(Encoding.Latin1.GetBytes("\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff"), "x.onnx"));
    }

    [Fact]
    public void TensorCountMustMatchDims()
    {
        var t = Cat(Packed(1, 3), Int(2, 1), Str(8, "T"), Len(4, BitConverter.GetBytes(1f)));
        var graph = Cat(Len(5, t));
        var m = OnnxModel.Parse(Len(7, graph), "t.onnx");
        var e = Assert.Throws<InvalidDataException>(() => m.Graph.Initializers["T"].ToFloats());
        Assert.Contains("need 3 values", e.Message);
    }
}
