using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using ZfViz.IO;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Cli;

/// <summary>
/// The fixtures of the bad-input matrix, built once in a temp folder: a random zfnet-cifar's weights, a good input,
/// and one file per kind of hostile input of issue 12 (nothing binary is kept in the repository).
/// </summary>
public sealed class BadInputFixture : IDisposable
{
    public string Dir { get; }
    public string Weights { get; }

    public BadInputFixture()
    {
        Dir = Directory.CreateTempSubdirectory("zfviz-badinput").FullName;
        torch.random.manual_seed(12);
        using (var net = new ConvNet(Presets.ZfNetCifar))
        {
            Weights = Path.Combine(Dir, "w.safetensors");
            var parameters = net.CheckpointParameters().Select(p => (p.Name, (Tensor)p.Parameter)).ToList();
            Safetensors.Save(Weights, parameters);
            using var _ = no_grad();
            using var poisoned = parameters.Single(p => p.Name == "conv1.weight").Item2.clone();
            poisoned[0, 0, 1, 2] = float.NaN;
            Safetensors.Save(P("nan-weights.safetensors"), parameters.Select(p => p.Name == "conv1.weight" ? (p.Name, poisoned) : p));
        }
        Npy.Write(P("x.npy"), randn(1, 3, 32, 32));
        Npy.Write(P("nan.npy"), full(new long[] { 1, 3, 32, 32 }, float.NaN));
        File.WriteAllBytes(P("overflow.npy"), NpyHeaderOnly("(1, 3, 1099511627776, 1099511627776)", 16));
        File.WriteAllBytes(P("too-large.npy"), NpyHeaderOnly("(1, 3, 4096, 4096)", 16));
        File.WriteAllBytes(P("array-header.safetensors"), SafetensorsWithHeader("[1, 2, 3]"));
        Directory.CreateDirectory(P("folder"));
        Directory.CreateDirectory(P("foreign"));
        File.WriteAllText(P("foreign", "notes.txt"), "mine");
        File.WriteAllText(P("existing.txt"), "not a folder");
        File.CreateSymbolicLink(P("x-link.npy"), P("x.npy"));

        using (var image = new Image<Rgb24>(64, 48))
        {
            for (int y = 0; y < 48; y++)
                for (int x = 0; x < 64; x++) image[x, y] = new Rgb24((byte)(x * 4), (byte)(y * 5), (byte)(x ^ y));
            image.SaveAsPng(P("photo.png"));
            image.SaveAsJpeg(P("photo.jpg"));
        }
        var jpeg = File.ReadAllBytes(P("photo.jpg"));
        File.WriteAllBytes(P("truncated.jpg"), jpeg[..(jpeg.Length / 3)]);

        Directory.CreateDirectory(P("nb-empty"));
        File.WriteAllText(P("nb-empty", "a.ipynb"), "");
        Directory.CreateDirectory(P("nb-invalid"));
        File.WriteAllText(P("nb-invalid", "a.ipynb"), "{\"cells\": [ {\"cell_type\": \"code\", ");

        // Data roots: Fashion-MNIST whose image file is cut short, and ImageNet samples that are zero-byte JPEGs.
        var fm = Directory.CreateDirectory(P("data-idx", "fashion-mnist")).FullName;
        foreach (var (split, n) in new[] { ("train", 4), ("t10k", 2) })
        {
            var images = Idx([n, 28, 28], new byte[n * 28 * 28]);
            File.WriteAllBytes(Path.Combine(fm, $"{split}-images-idx3-ubyte"), split == "train" ? images[..(images.Length / 2)] : images);
            File.WriteAllBytes(Path.Combine(fm, $"{split}-labels-idx1-ubyte"), Idx([n], new byte[n]));
        }
        var samples = Directory.CreateDirectory(P("data-jpeg", "imagenet-samples")).FullName;
        foreach (var name in new[] { "n01440764_tench.JPEG", "n01443537_goldfish.JPEG" }) File.WriteAllBytes(Path.Combine(samples, name), []);
        Directory.CreateDirectory(P("models-empty"));
    }

    public string P(params string[] parts) => Path.Combine([Dir, .. parts]);

    /// <summary>A .npy with a float32 header of the given shape and only <paramref name="dataBytes"/> bytes of data.</summary>
    static byte[] NpyHeaderOnly(string shape, int dataBytes)
    {
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
        int pad = (64 - (10 + dict.Length + 1) % 64) % 64;
        var header = Encoding.ASCII.GetBytes(dict + new string(' ', pad) + "\n");
        var bytes = new byte[10 + header.Length + dataBytes];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        header.CopyTo(bytes, 10);
        return bytes;
    }

    static byte[] SafetensorsWithHeader(string json)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    static byte[] Idx(int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>
/// Issue 12's bad-input matrix: every class of hostile input, for every command it applies to, run as a real zfviz
/// process. Each case must exit 2 (the user's input; `data check` reports what it found with 1), name the file, option
/// or variable at fault, print no stack trace, and leave the input files byte for byte as they were. Nothing trains.
/// </summary>
public class BadInputMatrixTests(BadInputFixture f) : IClassFixture<BadInputFixture>
{
    /// <summary>One case: the arguments ({D} = the fixture folder, {W} = its weights), what the message must contain, the files that must not change.</summary>
    public sealed record Case(string Class, string[] Args, string Expect, string[] Unchanged, Dictionary<string, string>? Env = null, int Exit = 2)
    {
        public override string ToString() => $"{Class}: zfviz {string.Join(' ', Args)}";
    }

    static string[] A(string line) => line.Split(' ');
    static readonly string Project = "project --model zfnet-cifar --weights {W} --layer conv2 --feature 0";
    static readonly string Top9 = "top9 --model zfnet-cifar --weights {W} --layer conv2 --feature 0 --json";
    static readonly string Occlusion = "occlusion --model zfnet-cifar --weights {W} --size 8 --stride 8";
    static readonly string Train = "train --model zfnet-cifar --data synthetic --profile quick --epochs 1";

    public static TheoryData<Case> Cases => new()
    {
        // arithmetic overflow in a shape header
        new("overflow", A($"{Project} --input {{D}}/overflow.npy --out {{D}}/o.npy"), "overflow.npy: shape", ["overflow.npy"]),
        new("overflow", A($"{Top9} --input {{D}}/overflow.npy"), "overflow.npy: shape", ["overflow.npy"]),
        new("overflow", A($"{Occlusion} --input {{D}}/overflow.npy --out {{D}}/occ-o"), "overflow.npy: shape", ["overflow.npy"]),
        new("overflow", A("features --input {D}/overflow.npy --out {D}/f.npy"), "overflow.npy: shape", ["overflow.npy"]),
        new("larger than the file", A($"{Project} --input {{D}}/too-large.npy --out {{D}}/o.npy"), "too-large.npy: truncated", ["too-large.npy"]),
        new("larger than the file", A("features --input {D}/too-large.npy --out {D}/f.npy"), "too-large.npy: truncated", ["too-large.npy"]),
        // output path is a folder or an existing file
        new("output is a folder", A($"{Project} --input {{D}}/x.npy --out {{D}}/folder"), "--out: {D}/folder is a folder", ["x.npy"]),
        new("output is a folder", A("preprocess --image {D}/photo.png --out {D}/folder"), "--out: {D}/folder is a folder", ["photo.png"]),
        new("output is a folder", A("features --input {D}/x.npy --out {D}/folder"), "--out: {D}/folder is a folder", ["x.npy"]),
        new("output is a file", A("top9 --model zfnet-cifar --weights {W} --data cifar10:test --out {D}/existing.txt"), "--out: {D}/existing.txt is a file", ["existing.txt"]),
        new("output is a file", A($"{Occlusion} --input {{D}}/x.npy --out {{D}}/existing.txt"), "--out: {D}/existing.txt is a file", ["existing.txt", "x.npy"]),
        new("output is a file", A($"{Train} --out {{D}}/existing.txt"), "--out: {D}/existing.txt is a file", ["existing.txt"]),
        new("foreign non-empty folder", A($"{Occlusion} --input {{D}}/x.npy --out {{D}}/foreign"), "--force", ["foreign/notes.txt"]),
        new("foreign non-empty folder", A("top9 --model zfnet-cifar --weights {W} --data cifar10:test --out {D}/foreign"), "--force", ["foreign/notes.txt"]),
        new("foreign non-empty folder", A($"{Train} --out {{D}}/foreign"), "--force", ["foreign/notes.txt"]),
        // output path equals an input path
        new("output is the input", A("preprocess --image {D}/photo.png --out {D}/photo.png"), "is the input", ["photo.png"]),
        new("output is the input", A($"{Project} --input {{D}}/x.npy --out {{D}}/x.npy"), "is the input", ["x.npy"]),
        new("output is the input", A($"{Project} --input {{D}}/x.npy --out {{D}}/x-link.npy"), "is the input", ["x.npy"]),
        new("output is the input", A($"{Project} --input {{D}}/x.npy --out {{W}}"), "is the input", ["x.npy", "w.safetensors"]),
        new("output is the input", A("features --input {D}/x.npy --out {D}/x.npy"), "is the input", ["x.npy"]),
        // NaN or Inf in input or weights
        new("non-finite", A($"{Project} --input {{D}}/nan.npy --out {{D}}/o.npy"), "nan.npy: 3072 of 3072 values are NaN or infinite (the first at [0,0,0,0])", ["nan.npy"]),
        new("non-finite", A($"{Top9} --input {{D}}/nan.npy"), "nan.npy: 3072 of 3072", ["nan.npy"]),
        new("non-finite", A($"{Occlusion} --input {{D}}/nan.npy --out {{D}}/occ-n"), "nan.npy: 3072 of 3072", ["nan.npy"]),
        new("non-finite", A("project --model zfnet-cifar --weights {D}/nan-weights.safetensors --layer conv2 --feature 0 --input {D}/x.npy --out {D}/o.npy"),
            "nan-weights.safetensors: tensor 'conv1.weight': 1 of", ["nan-weights.safetensors", "x.npy"]),
        // a long job started by omission; arguments checked before any work
        new("no silent training", A("top9 --model zfnet-cifar --data cifar10:test --out {D}/sheets"), "--train-if-missing", [],
            new() { ["ZFVIZ_MODELS"] = "{D}/models-empty" }),
        new("argument checked first", A("top9 --model zfnet-cifar --data cifar10:nosuch --out {D}/sheets"), "cifar10 has splits train, test; got 'nosuch'", []),
        new("argument checked first", A("top9 --model zfnet-cifar --weights {W} --data cifar10:test --layers conv9 --out {D}/sheets"), "--layers", []),
        // checks that pass what cannot load (data check reports problems with exit 1)
        new("data check loads", A("data check fashion-mnist --data {D}/data-idx"), "train-images-idx3-ubyte", [], Exit: 1),
        new("data check loads", A("data check imagenet-samples --data {D}/data-jpeg"), "n01440764_tench.JPEG", [], Exit: 1),
        // bad notebook files
        new("bad notebook", A("notebooks strip --notebooks {D}/nb-empty"), "a.ipynb: the file is empty", ["nb-empty/a.ipynb"]),
        new("bad notebook", A("notebooks strip --notebooks {D}/nb-invalid"), "a.ipynb: not valid JSON", ["nb-invalid/a.ipynb"]),
        // environment values
        new("environment", A("info"), "$ZFVIZ_THREADS: '-3'", [], new() { ["ZFVIZ_THREADS"] = "-3" }),
        new("environment", A("info"), "$ZFVIZ_THREADS: 'abc'", [], new() { ["ZFVIZ_THREADS"] = "abc" }),
        new("environment", A("info"), "$ZFVIZ_DEVICE: Unknown device 'gpu'", [], new() { ["ZFVIZ_DEVICE"] = "gpu" }),
        new("environment", A($"{Project} --input {{D}}/x.npy --out {{D}}/o.npy"), "$ZFVIZ_THREADS", ["x.npy"], new() { ["ZFVIZ_THREADS"] = "abc" }),
        new("environment", A("notebooks run --notebooks {D}/nb-empty"), "$ZFVIZ_PROFILE: Unknown profile 'x'", [], new() { ["ZFVIZ_PROFILE"] = "x" }),
        new("wrong diagnosis", A("info"), "CUDA was requested but this build uses the CPU libtorch", [], new() { ["ZFVIZ_DEVICE"] = "cuda" }),
        // unusable training options (nothing may be written: checked in the test)
        new("training options", A($"{Train} --lr -1 --out {{D}}/run-lr"), "--lr", []),
        new("training options", A($"{Train} --lr nan --out {{D}}/run-nan"), "--lr", []),
        new("training options", A($"{Train} --momentum 5 --out {{D}}/run-m"), "--momentum", []),
        new("training options", A($"{Train} --weight-decay -1 --out {{D}}/run-wd"), "--weight-decay", []),
        new("training options", A($"{Train} --epochs 0 --out {{D}}/run-e"), "--epochs", []),
        // unclear messages
        new("unclear", A($"{Project} --input {{D}}/x.npy --out /proc/x"), "/proc/x is in /proc", ["x.npy"]),
        new("unclear", A($"{Project} --input {{D}}/x.npy --out {{D}}/no-such-folder/o.npy"), "the folder {D}/no-such-folder does not exist", ["x.npy"]),
        new("unclear", [.. A(Project), "--input", "", "--out", "{D}/o.npy"], "an empty path", []),
        new("unclear", [.. A(Project), "--input", "{D}/x.npy", "--out", ""], "--out: the path is empty", ["x.npy"]),
        new("unclear", A($"{Project} --input {{D}}/folder --out {{D}}/o.npy"), "{D}/folder is a folder, not a .npy file", []),
        new("unclear", A("project --model zfnet-cifar --weights {D}/folder --layer conv2 --feature 0 --input {D}/x.npy --out {D}/o.npy"), "{D}/folder is a folder, not a safetensors file", ["x.npy"]),
        new("unclear", A("preprocess --image {D}/folder --out {D}/o.npy"), "{D}/folder is a folder, not an image file", []),
        new("unclear", A("project --model zfnet-cifar --weights {D}/array-header.safetensors --layer conv2 --feature 0 --input {D}/x.npy --out {D}/o.npy"),
            "array-header.safetensors: the header is not a JSON object", ["array-header.safetensors", "x.npy"]),
        // a truncated JPEG
        new("truncated JPEG", A("preprocess --image {D}/truncated.jpg --out {D}/o.npy"), "truncated.jpg: truncated JPEG", ["truncated.jpg"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadInputFailsClearlyAndChangesNothing(Case c)
    {
        string Fill(string s) => s.Replace("{D}", f.Dir).Replace("{W}", f.Weights);
        var args = c.Args.Select(Fill).ToArray();
        var env = new Dictionary<string, string> { ["ONEDNN_MAX_CPU_ISA"] = "SSE41" };
        foreach (var (k, v) in c.Env ?? []) env[k] = Fill(v);
        var before = c.Unchanged.ToDictionary(p => p, p => Hash(f.P(p)));

        var r = CliProcess.Run(args, env, timeoutSeconds: 120);

        Assert.True(c.Exit == r.ExitCode, $"exit {r.ExitCode}, expected {c.Exit}\n{r.All}");
        Assert.Contains(Fill(c.Expect), r.All);
        Assert.DoesNotContain("   at ", r.All);
        foreach (var (p, hash) in before) Assert.True(hash == Hash(f.P(p)), $"{p} changed");
        Assert.False(File.Exists(f.P("o.npy")), "a failing command wrote o.npy");
        foreach (var run in Directory.GetDirectories(f.Dir, "run-*")) Assert.Empty(Directory.GetFileSystemEntries(run));
    }

    [Fact]
    public void NonFiniteInputIsAcceptedWhenAllowedAndTheJsonStillParses()
    {
        var r = CliProcess.Run(["top9", "--model", "zfnet-cifar", "--weights", f.Weights, "--layer", "conv2", "--feature", "0", "--json",
            "--allow-nonfinite", "--input", f.P("nan.npy")], new Dictionary<string, string> { ["ONEDNN_MAX_CPU_ISA"] = "SSE41" }, timeoutSeconds: 120);
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Contains("warning", r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(9, doc.RootElement.GetArrayLength());
    }

    [Fact]
    public void TheBoundaryMapsUserErrorsTo2AndBugsTo70WithTheTraceOnlyWhenVerbose()
    {
        static (int Code, string Err) Run(Exception toThrow, params string[] args)
        {
            var cmd = new System.CommandLine.Command("fail");
            cmd.SetAction(new Func<System.CommandLine.ParseResult, int>(_ => throw toThrow));
            var root = new System.CommandLine.RootCommand { cmd };
            var saved = Console.Error;
            var err = new StringWriter();
            Console.SetError(err);
            try { return (ZfViz.Cli.Commands.CliRunner.Invoke(root, args), err.ToString()); }
            finally { Console.SetError(saved); }
        }

        var user = Run(new UserInputException("must be at least 1; got 0.", "--k"), "fail");
        Assert.Equal((2, "zfviz: error: --k: must be at least 1; got 0."), (user.Code, user.Err.Trim()));

        var bug = Run(new InvalidOperationException("the way down never reached a convolution"), "fail");
        Assert.Equal(70, bug.Code);
        Assert.Contains("bug in zfviz", bug.Err);
        Assert.Contains("System.InvalidOperationException: the way down never reached a convolution", bug.Err);
        Assert.DoesNotContain("   at ", bug.Err);

        var verbose = Run(new InvalidOperationException("again"), "fail", "--verbose");
        Assert.Equal(70, verbose.Code);
        Assert.Contains("   at ", verbose.Err);

        // Library exceptions that once meant "bad input" no longer pass as the user's fault.
        Assert.Equal(70, Run(new ArgumentException("an internal argument"), "fail").Code);
        Assert.Equal(2, Run(new InvalidOperationException("unused"), "fail", "--no-such-option").Code);
    }

    static string Hash(string path) =>
        Directory.Exists(path) ? "folder" : File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "absent";
}
