using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ZfViz.IO;
using static TorchSharp.torch;

namespace ZfViz.Tests.IO;

public sealed class SafetensorsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("zfviz-st-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void RoundTripsTensorsAndMetadataExactly()
    {
        var path = Path.Combine(dir, "a.safetensors");
        using var f = randn(3, 2, 5, 5);
        using var l = tensor(new long[] { -1, long.MaxValue, 7 });
        using var b = tensor(new byte[] { 0, 255, 9, 1 }).view(2, 2);
        using var bf = randn(4).to_type(ScalarType.BFloat16);
        using var scalar = tensor(3.5);
        Safetensors.Save(path, [("w", f), ("labels", l), ("img", b), ("half", bf), ("s", scalar)], new Dictionary<string, string> { ["config"] = "{\"x\":1}" });
        var (t, meta) = Safetensors.Load(path);
        Assert.Equal("{\"x\":1}", meta["config"]);
        Assert.True(t["w"].eq(f).all().item<bool>());
        Assert.True(t["labels"].eq(l).all().item<bool>());
        Assert.True(t["img"].eq(b).all().item<bool>());
        Assert.True(t["half"].eq(bf).all().item<bool>());
        Assert.Empty(t["s"].shape);
        Assert.Equal(3.5, t["s"].item<double>());
    }

    [Fact]
    public void FileLayoutFollowsTheSpec()
    {
        // Independent reading of the bytes: u64 LE header size, JSON header, data little-endian at the stated offsets.
        var path = Path.Combine(dir, "b.safetensors");
        using var a = tensor(new float[] { 1f, -2f, 0.5f, 3f }).view(2, 2);
        using var c = tensor(new int[] { 258 });
        Safetensors.Save(path, [("a", a), ("c", c)]);
        var bytes = File.ReadAllBytes(path);
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + n) % 8);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, n).TrimEnd());
        var ea = header.RootElement.GetProperty("a");
        Assert.Equal("F32", ea.GetProperty("dtype").GetString());
        Assert.Equal([2, 2], ea.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0, 16], ea.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        var ec = header.RootElement.GetProperty("c");
        Assert.Equal("I32", ec.GetProperty("dtype").GetString());
        Assert.Equal([16, 20], ec.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        int data = 8 + n;
        Assert.Equal(-2f, BitConverter.ToSingle(bytes, data + 4));
        Assert.Equal(new byte[] { 2, 1, 0, 0 }, bytes[(data + 16)..(data + 20)]);
        Assert.Equal(data + 20, bytes.Length);
    }

    [Fact]
    public void TruncatedOrCorruptFilesFailClearly()
    {
        var path = Path.Combine(dir, "c.safetensors");
        using var a = randn(100);
        Safetensors.Save(path, [("a", a)]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var e = Assert.Throws<UserInputException>(() => Safetensors.Load(path));
        Assert.Contains("'a'", e.Message);
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<UserInputException>(() => Safetensors.Load(path));
        Assert.Throws<UserInputException>(() => Safetensors.Load(Path.Combine(dir, "missing.safetensors")));
    }

    [Fact]
    public void OverwriteIsAtomicAndLeavesNoTempFiles()
    {
        var path = Path.Combine(dir, "d.safetensors");
        using var a = ones(10);
        using var b = zeros(10);
        Safetensors.Save(path, [("x", a)]);
        // A stale temp file, as a kill during a write would leave it, must not disturb later writes or reads.
        File.WriteAllBytes(Path.Combine(dir, ".d.safetensors.123.abc.tmp"), [1, 2, 3]);
        Safetensors.Save(path, [("x", b)]);
        Assert.True(Safetensors.Load(path).Tensors["x"].eq(b).all().item<bool>());
        Assert.Single(Directory.GetFiles(dir, "*.tmp"));
        Assert.Throws<ArgumentException>(() => Safetensors.Save(path, [("x", a), ("x", b)]));
        Assert.True(Safetensors.Load(path).Tensors["x"].eq(b).all().item<bool>());
    }
}
