using System.Text;
using ZfViz.IO;

namespace ZfViz.Tests.IO;

public class NpyTests
{
    /// <summary>A .npy file built by hand the way NumPy writes it: magic, version, header length, dict padded to 64 bytes.</summary>
    static byte[] HandBuilt(string dict, byte[] body, int major = 1)
    {
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = dict + new string(' ', total - prefix - dict.Length - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        if (major == 1) bytes.AddRange(new[] { (byte)(header.Length & 0xff), (byte)(header.Length >> 8) });
        else bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(body);
        return bytes.ToArray();
    }

    static byte[] Floats(params float[] xs) => xs.SelectMany(BitConverter.GetBytes).ToArray();

    static NpyArray ReadBytes(byte[] b) => Npy.Read(new MemoryStream(b), "test.npy");

    [Fact]
    public void EncodesExactlyLikeNumPy()
    {
        // np.save(np.array([1, 2, 3], np.float32)): the 58-character dict plus '\n' does not fit in 64 - 10 bytes,
        // so NumPy pads magic + version + length + header to 128 bytes.
        var bytes = Npy.Encode(new float[] { 1, 2, 3 }, new long[] { 3 });
        var expected = HandBuilt("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", Floats(1, 2, 3));
        Assert.Equal(expected, bytes);
        Assert.Equal(128 + 12, bytes.Length);
        Assert.Equal(118, bytes[8] | bytes[9] << 8);
        Assert.Equal((byte)'\n', bytes[127]);
        Assert.Equal((byte)' ', bytes[126]);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 128));
    }

    [Fact]
    public void EncodesTwoDimensionalAndScalarShapes()
    {
        Assert.Equal(HandBuilt("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", Floats(1, 2, 3, 4, 5, 6)),
            Npy.Encode(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 }));
        Assert.Equal(HandBuilt("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", Floats(7)),
            Npy.Encode(new float[] { 7 }, Array.Empty<long>()));
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", new long[] { 3 })]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }", new long[] { 1, 3 })]
    [InlineData("{'shape': (3,), 'fortran_order': False, 'descr': '<f4'}", new long[] { 3 })]
    [InlineData("{'descr':'<f4','fortran_order':False,'shape':(3L,)}", new long[] { 3 })]
    public void ReadsHeaderForms(string dict, long[] shape)
    {
        var a = ReadBytes(HandBuilt(dict, Floats(1.5f, -2, 3)));
        Assert.Equal(NpyDtype.Float32, a.Dtype);
        Assert.Equal(shape, a.Shape);
        Assert.Equal(new[] { 1.5f, -2, 3 }, (float[])a.Data);
    }

    [Fact]
    public void ReadsScalarAndEmpty()
    {
        var s = ReadBytes(HandBuilt("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", Floats(4.25f)));
        Assert.Empty(s.Shape);
        Assert.Equal(new[] { 4.25f }, (float[])s.Data);
        var e = ReadBytes(HandBuilt("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", []));
        Assert.Equal(new long[] { 0, 5 }, e.Shape);
        Assert.Empty((float[])e.Data);
    }

    [Fact]
    public void ReadsVersion2And3Headers()
    {
        foreach (var major in new[] { 2, 3 })
        {
            var a = ReadBytes(HandBuilt("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", Floats(1, 2), major));
            Assert.Equal(new[] { 1f, 2 }, (float[])a.Data);
        }
    }

    [Fact]
    public void ReadsOtherDtypesAndConvertsToFloat32()
    {
        var d = ReadBytes(HandBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
            BitConverter.GetBytes(0.1).Concat(BitConverter.GetBytes(-3.0)).ToArray()));
        Assert.Equal(NpyDtype.Float64, d.Dtype);
        Assert.Equal(new[] { 0.1f, -3f }, d.ToFloat32());

        var l = ReadBytes(HandBuilt("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
            BitConverter.GetBytes(7L).Concat(BitConverter.GetBytes(-1L)).ToArray()));
        Assert.Equal(new long[] { 7, -1 }, (long[])l.Data);
        Assert.Equal(new[] { 7f, -1f }, l.ToFloat32());

        var u = ReadBytes(HandBuilt("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", [0, 128, 255]));
        Assert.Equal(new[] { 0f, 128, 255 }, u.ToFloat32());
    }

    [Fact]
    public void ReadsBigEndianFloat32()
    {
        var body = Floats(1, 2).Chunk(4).SelectMany(c => c.Reverse()).ToArray();
        var a = ReadBytes(HandBuilt("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", body));
        Assert.Equal(new[] { 1f, 2 }, (float[])a.Data);
    }

    [Fact]
    public void RejectsFortranOrder()
    {
        var e = Assert.Throws<UserInputException>(() =>
            ReadBytes(HandBuilt("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", Floats(1, 2, 3, 4))));
        Assert.Contains("Fortran", e.Message);
        Assert.Contains("test.npy", e.Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 3, "truncated")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 3, "extra bytes")]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", 3, "unsupported dtype")]
    [InlineData("{'descr': '<f4', 'shape': (3,), }", 3, "needs")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': [3], }", 3, "malformed")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }", 3, "structured")]
    public void RejectsMalformedFiles(string dict, int floats, string message)
    {
        var e = Assert.Throws<UserInputException>(() => ReadBytes(HandBuilt(dict, Floats(new float[floats]))));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void RejectsNonNpyBytes()
    {
        var e = Assert.Throws<UserInputException>(() => ReadBytes(Encoding.ASCII.GetBytes("hello, world")));
        Assert.Contains("not a .npy file", e.Message);
    }

    [Fact]
    public void ReadFloat32RejectsOtherDtypes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"zfviz-npy-{Guid.NewGuid():N}.npy");
        try
        {
            Npy.Write(path, new double[] { 1, 2 }, new long[] { 2 });
            var e = Assert.Throws<UserInputException>(() => Npy.ReadFloat32(path));
            Assert.Contains("float32", e.Message);
            Assert.Contains("<f8", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TensorRoundTripThroughFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"zfviz-npy-{Guid.NewGuid():N}.npy");
        try
        {
            using var t = TorchSharp.torch.arange(24, TorchSharp.torch.ScalarType.Float32).reshape(2, 3, 4);
            Npy.Write(path, t.permute(0, 2, 1)); // non-contiguous: written in C order of the permuted view
            using var back = Npy.ReadFloat32Tensor(path);
            Assert.Equal(new long[] { 2, 4, 3 }, back.shape);
            Assert.True(back.eq(t.permute(0, 2, 1)).all().item<bool>());
            Assert.False(File.Exists(path + ".zfviz-tmp"));
        }
        finally { File.Delete(path); }
    }
}
