using System.Text.Json;
using TorchSharp;
using ZfViz.Runtime.Numerics;

namespace ZfViz.Tests.Runtime;

/// <summary>
/// The numerics guard: the probe's error measure, the settings file, and the guard applied (or not) in a child process
/// according to its settings file. The odd-channel convolutions themselves are checked in this process, which the
/// guard protects like every other.
/// </summary>
public sealed class NumericsTests : IDisposable
{
    // xunit makes one instance per test: each test's settings files live in its own folder, removed afterwards.
    readonly string root = Directory.CreateTempSubdirectory("zfviz-numerics-").FullName;
    public void Dispose() => Directory.Delete(root, recursive: true);

    string TempFile(string name)
    {
        var dir = Path.Combine(root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    internal static NumericsSettings Verdict(string? isa, bool float32 = true, string? cpu = null, bool pad = false, bool channelsLast = false,
        bool bfloat16 = false)
    {
        bool plain = isa is null && !pad && !channelsLast;
        var layout = channelsLast ? ConvLayout.ChannelsLast : ConvLayout.Default;
        return new(
            NumericsSettings.CurrentFormat, isa, pad, float32, float32 && bfloat16, Bf16Hardware.Supported, cpu ?? NumericsDoctor.CpuIdentity(),
            NumericsDoctor.TorchSharpVersion, DateTimeOffset.UtcNow, 100, plain ? 100 : 140,
            [
                new NumericsTrial(NumericsDoctor.NoCap, plain && float32, false, "3->6 5x5/1 at 12x12: input gradient 2.7e-1", "n/a", 100),
                .. plain ? Array.Empty<NumericsTrial>()
                    : [new NumericsTrial(NumericsDoctor.SettingName(isa ?? NumericsDoctor.NoCap, pad, layout), float32, bfloat16, "3->6 5x5/1 at 12x12: forward 3e-7", "n/a", 140)],
            ],
            ConvLayouts.Name(layout));
    }

    [Fact]
    public void RelativeErrorIsTheLargestDifferenceOverTheLargestReferenceValue()
    {
        using var expected = torch.tensor(new[] { 1.0, -2.0, 0.5 });
        using var actual = torch.tensor(new[] { 1.0f, -2.5f, 0.5f });
        Assert.Equal(0.25, NumericsProbe.RelativeError(expected, actual), 12); // |−2.5 − −2| / 2
        using var withNaN = torch.tensor(new[] { 1.0f, float.NaN, 0.5f });
        Assert.True(double.IsPositiveInfinity(NumericsProbe.RelativeError(expected, withNaN)));
    }

    [Fact]
    public void OddChannelConvolutionsInThisProcessAgreeWithFloat64()
    {
        // This test process applied the guard when it started (TorchSetup), so every case must be right here, whatever the CPU.
        var result = NumericsProbe.Run("this process", includeBFloat16: false, timeStep: false);
        Assert.Contains(NumericsProbe.Cases, c => c.OutChannels % 16 != 0);
        Assert.All(result.Float32, c => Assert.True(c.Pass, $"{c.Case}: {c.WorstPart()}"));
    }

    [Fact]
    public void SettingsRoundTripThroughTheFile()
    {
        var path = TempFile("numerics.json");
        var saved = Verdict("SSE41");
        saved.Save(path);
        var loaded = NumericsSettings.Load(path)!;
        Assert.Equal("SSE41", loaded.OnednnMaxCpuIsa);
        Assert.Equal(1.4, loaded.Cost!.Value, 9);
        Assert.True(loaded.IsFor(NumericsDoctor.CpuIdentity(), NumericsDoctor.TorchSharpVersion));
        Assert.False(loaded.IsFor("another CPU", NumericsDoctor.TorchSharpVersion));
        Assert.Contains("\"onednn_max_cpu_isa\": \"SSE41\"", File.ReadAllText(path));
        Assert.Null(NumericsSettings.Load(TempFile("none.json")));
    }

    [Theory]
    [InlineData("{ not json", "not a valid numerics settings file")]
    [InlineData("[]", "not a valid numerics settings file")]
    [InlineData("{\"format\": 2}", "missing fields")]
    [InlineData("{\"format\": 9, \"cpu\": \"x\", \"torchsharp\": \"y\", \"tried\": []}", "format 3")]
    [InlineData("{\"format\": 3, \"cpu\": \"x\", \"torchsharp\": \"y\", \"tried\": [], \"conv_layout\": \"sideways\"}", "conv_layout 'sideways'")]
    public void BadSettingsFilesAreClearErrorsNamingTheFile(string text, string expected)
    {
        var path = TempFile("numerics.json");
        File.WriteAllText(path, text);
        var e = Assert.Throws<UserInputException>(() => NumericsSettings.Load(path));
        Assert.Equal(path, e.Subject);
        Assert.Contains(expected, e.Message);
        Assert.Contains("zfviz doctor", e.Message);
    }

    [Fact]
    public void AFormat2FileIsReadButStaleSoTheGuardChecksAgain()
    {
        // Written before the layout existed: no conv_layout field. It still reads (no error for an old file), but it is
        // not a verdict for this version, whose doctor also tries channels-last.
        var path = TempFile("numerics.json");
        Verdict("SSE41").Save(path);
        var text = File.ReadAllText(path).Replace("\"format\": 3", "\"format\": 2");
        File.WriteAllText(path, text[..text.IndexOf(",\n  \"conv_layout\"", StringComparison.Ordinal)] + "\n}\n");
        var old = NumericsSettings.Load(path)!;
        Assert.Equal(2, old.Format);
        Assert.Equal(ConvLayout.Default, old.Layout);
        Assert.Equal("SSE41", old.OnednnMaxCpuIsa);
        Assert.False(old.IsFor(NumericsDoctor.CpuIdentity(), NumericsDoctor.TorchSharpVersion));
    }

    [Fact]
    public void AnUnknownIsaInTheFileIsRejected()
    {
        var path = TempFile("numerics.json");
        Verdict("SSE41").Save(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"SSE41\"", "\"AVX9000\""));
        var e = Assert.Throws<UserInputException>(() => NumericsSettings.Load(path));
        Assert.Contains("AVX9000", e.Message);
        Assert.Contains("SSE41", e.Message); // lists the valid ones
    }

    static JsonElement InfoWith(string settingsPath, IDictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string> { [NumericsSettings.FileVariable] = settingsPath, [NumericsDoctor.IsaVariable] = "" };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) env[k] = v;
        var r = CliProcess.Run(["info", "--json"], env);
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    [Fact]
    public void AChildProcessAppliesTheCapItsSettingsFileNames()
    {
        var path = TempFile("numerics.json");
        Verdict("SSE41").Save(path);
        var info = InfoWith(path);
        Assert.Equal("SSE41", info.GetProperty("onednn_max_cpu_isa").GetString());
        Assert.StartsWith("guarded: oneDNN capped at SSE41", info.GetProperty("numerics").GetString());
        Assert.Contains("1.40x as long", info.GetProperty("numerics").GetString());
        Assert.Equal(path, info.GetProperty("numerics_file").GetString());
    }

    [Fact]
    public void AChildProcessPadsChannelsWhereItsSettingsFileSaysSo()
    {
        var path = TempFile("numerics.json");
        Verdict(null, pad: true).Save(path);
        var info = InfoWith(path);
        Assert.True(info.GetProperty("conv_channel_padding").GetBoolean());
        Assert.Equal(JsonValueKind.Null, info.GetProperty("onednn_max_cpu_isa").ValueKind);
        Assert.StartsWith("guarded: odd channel counts padded to multiples of 16", info.GetProperty("numerics").GetString());
    }

    [Fact]
    public void AChildProcessRunsConvolutionsChannelsLastWhereItsSettingsFileSaysSo()
    {
        var path = TempFile("numerics.json");
        Verdict(null, channelsLast: true).Save(path);
        Assert.Contains("\"conv_layout\": \"channels-last\"", File.ReadAllText(path));
        var info = InfoWith(path);
        Assert.Equal("channels-last", info.GetProperty("conv_layout").GetString());
        Assert.False(info.GetProperty("conv_channel_padding").GetBoolean());
        Assert.Equal(JsonValueKind.Null, info.GetProperty("onednn_max_cpu_isa").ValueKind);
        Assert.StartsWith("guarded: convolutions run channels-last (NHWC)", info.GetProperty("numerics").GetString());
    }

    [Fact]
    public void AChildProcessKeepsTheTensorsLayoutWhereItsSettingsFileSaysNothing()
    {
        var path = TempFile("numerics.json");
        Verdict("SSE41").Save(path);
        Assert.Contains("\"conv_layout\": null", File.ReadAllText(path));
        var info = InfoWith(path);
        Assert.Equal("default", info.GetProperty("conv_layout").GetString());
        Assert.DoesNotContain("channels-last", info.GetProperty("numerics").GetString());
    }

    [Fact]
    public void TheLayoutVariableOverridesTheFileAndABadOneIsAnError()
    {
        var path = TempFile("numerics.json");
        Verdict("SSE41").Save(path);
        var info = InfoWith(path, new Dictionary<string, string> { [ConvChannelPadding.LayoutVariable] = "channels-last" });
        Assert.Equal("channels-last", info.GetProperty("conv_layout").GetString());
        Assert.Equal(JsonValueKind.Null, info.GetProperty("onednn_max_cpu_isa").ValueKind);
        Assert.Contains("convolution layout channels-last, from the environment", info.GetProperty("numerics").GetString());
        var bad = InfoWith(path, new Dictionary<string, string> { [ConvChannelPadding.LayoutVariable] = "nhwc" });
        Assert.Contains("$ZFVIZ_CONV_LAYOUT: must be channels-last", bad.GetProperty("config_error").GetString());
    }

    [Theory]
    [InlineData("DEFAULT+channels-last", "DEFAULT", false, ConvLayout.ChannelsLast)]
    [InlineData("avx2+pad16", "AVX2", true, ConvLayout.Default)]
    [InlineData("DEFAULT+channels-last+pad16", "DEFAULT", true, ConvLayout.ChannelsLast)]
    [InlineData("SSE41", "SSE41", false, ConvLayout.Default)]
    public void SettingNamesRoundTrip(string text, string isa, bool pad, ConvLayout layout)
    {
        var c = NumericsDoctor.ParseSetting(text, "--candidates");
        Assert.Equal(new NumericsCandidate(isa, pad, layout), c);
        Assert.Equal(c, NumericsDoctor.ParseSetting(c.Name, "--candidates"));
        Assert.Throws<UserInputException>(() => NumericsDoctor.ParseSetting("DEFAULT+sideways", "--candidates"));
        Assert.Throws<UserInputException>(() => NumericsDoctor.ParseSetting("AVX9000", "--candidates"));
    }

    [Fact]
    public void ABadPaddingVariableIsAnErrorNamingIt()
    {
        var path = TempFile("numerics.json");
        Verdict(null).Save(path);
        var info = InfoWith(path, new Dictionary<string, string> { [ConvChannelPadding.Variable] = "yes" });
        Assert.Contains("$ZFVIZ_CONV_PADDING: must be 1", info.GetProperty("config_error").GetString());
    }

    [Theory]
    [InlineData(3, 6, 5, 1, 2)]
    [InlineData(100, 60, 3, 1, 1)]
    [InlineData(37, 10, 3, 2, 0)]
    [InlineData(70, 70, 1, 1, 0)]
    [InlineData(64, 96, 3, 1, 1)] // multiples of 16: nothing to pad
    public void PaddedConvolutionsEqualPlainOnesInFloat64(int cin, int cout, int k, int stride, int pad)
    {
        // float64 does not go through oneDNN, so this checks the padding arithmetic alone (zero maps, zero filters, slicing).
        var g = new torch.Generator(5);
        using var x = torch.randn([2, cin, 11, 11], torch.ScalarType.Float64, generator: g);
        using var w = torch.randn([cout, cin, k, k], torch.ScalarType.Float64, generator: g);
        using var b = torch.randn([cout], torch.ScalarType.Float64, generator: g);
        using var plain = torch.nn.functional.conv2d(x, w, b, strides: [stride, stride], padding: [pad, pad]);
        using var padded = ConvChannelPadding.Conv2d(x, w, b, [stride, stride], [pad, pad], pad: true);
        Assert.Equal(plain.shape, padded.shape);
        Assert.True(plain.allclose(padded, 1e-12, 1e-12));
        using var plainT = torch.nn.functional.conv_transpose2d(plain, w, null, strides: [stride, stride], padding: [pad, pad]);
        using var paddedT = ConvChannelPadding.ConvTranspose2d(plain, w, [stride, stride], [pad, pad], pad: true);
        Assert.Equal(plainT.shape, paddedT.shape);
        Assert.True(plainT.allclose(paddedT, 1e-12, 1e-12));
        Assert.Equal(cin <= 4 || cin % 16 == 0 ? cin : (cin + 15) / 16 * 16, ConvChannelPadding.Padded(cin));
    }

    /// <summary>Forward, input gradient and weight gradient of a convolution, and its transposed twin, by one route.</summary>
    static (torch.Tensor Y, torch.Tensor Gx, torch.Tensor Gw, torch.Tensor T) ConvAndGradients(torch.Tensor x, torch.Tensor w, torch.Tensor b,
        torch.Tensor upstream, int stride, int pad, ConvLayout? layout)
    {
        using var grad = torch.enable_grad();
        var xg = x.detach().requires_grad_(true);
        var wg = w.detach().requires_grad_(true);
        var y = layout is { } l
            ? ConvChannelPadding.Conv2d(xg, wg, b, [stride, stride], [pad, pad], pad: false, layout: l)
            : torch.nn.functional.conv2d(xg, wg, b, strides: [stride, stride], padding: [pad, pad]);
        var g = torch.autograd.grad([y], [xg, wg], [upstream]);
        var t = layout is { } l2
            ? ConvChannelPadding.ConvTranspose2d(upstream, w, [stride, stride], [pad, pad], pad: false, layout: l2)
            : torch.nn.functional.conv_transpose2d(upstream, w, null, strides: [stride, stride], padding: [pad, pad]);
        return (y.detach(), g[0], g[1], t);
    }

    [Theory]
    [InlineData(3, 6, 5, 1, 2)]
    [InlineData(100, 60, 3, 1, 1)]
    [InlineData(48, 96, 5, 2, 2)]
    [InlineData(1, 48, 5, 1, 2)]   // one channel: strides that libtorch reads as NCHW unless set explicitly
    [InlineData(3, 96, 7, 2, 1)]   // zfnet's conv1: 3 input maps, stride 2 and padding
    [InlineData(4, 20, 3, 3, 0)]   // a stride that leaves pixels unread
    [InlineData(70, 70, 1, 1, 0)]  // 1x1: the matrix-product route
    [InlineData(64, 128, 1, 2, 0)] // 1x1 stride 2 (ResNet shortcut): every other pixel, then the matrix product
    [InlineData(16, 8, 1, 2, 1)]   // 1x1 with zero padding
    public void TheChannelsLastRouteMatchesFloat64(int cin, int cout, int k, int stride, int pad)
    {
        var g = new torch.Generator(11);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([3, cin, 13, 13], torch.ScalarType.Float64, generator: g);
        var w = torch.randn([cout, cin, k, k], torch.ScalarType.Float64, generator: g);
        var b = torch.randn([cout], torch.ScalarType.Float64, generator: g);
        // The upstream gradient has the forward's shape (a wrong-shaped one makes libtorch abort the process).
        var forward = torch.nn.functional.conv2d(x, w, b, strides: [stride, stride], padding: [pad, pad]);
        var upstream = torch.randn(forward.shape, torch.ScalarType.Float64, generator: g);
        var expected = ConvAndGradients(x, w, b, upstream, stride, pad, null);
        // float64 by the route: its arithmetic (strides, matrix product, layout of the result) is exact
        var exact = ConvAndGradients(x, w, b, upstream, stride, pad, ConvLayout.ChannelsLast);
        // float32 by the route: the kernels this process runs under its verdict, against float64
        var f32 = ConvAndGradients(x.to(torch.ScalarType.Float32), w.to(torch.ScalarType.Float32), b.to(torch.ScalarType.Float32),
            upstream.to(torch.ScalarType.Float32), stride, pad, ConvLayout.ChannelsLast);
        foreach (var (e, a, f, name) in new[] { (expected.Y, exact.Y, f32.Y, "forward"), (expected.Gx, exact.Gx, f32.Gx, "input gradient"),
                     (expected.Gw, exact.Gw, f32.Gw, "weight gradient"), (expected.T, exact.T, f32.T, "transposed") })
        {
            Assert.Equal(e.shape, a.shape);
            Assert.True(NumericsProbe.RelativeError(e, a) < 1e-12, $"{name} float64: {NumericsProbe.RelativeError(e, a)}");
            Assert.True(NumericsProbe.RelativeError(e, f) < 1e-4, $"{name} float32: {NumericsProbe.RelativeError(e, f)}");
        }
        // NCHW in, contiguous NCHW out; channels-last in, channels-last out.
        Assert.True(exact.Y.is_contiguous());
        var cl = ConvChannelPadding.ToChannelsLast(x);
        Assert.True(ConvChannelPadding.IsChannelsLast(cl));
        Assert.Equal(1, cl.stride(1));
        var ycl = ConvChannelPadding.Conv2d(cl, w, b, [stride, stride], [pad, pad], pad: false, layout: ConvLayout.ChannelsLast);
        Assert.True(cout == 1 || ConvChannelPadding.IsChannelsLast(ycl));
        Assert.True(NumericsProbe.RelativeError(expected.Y, ycl) < 1e-12);
    }

    [Fact]
    public void ChannelsLastIsReadAsLibtorchReadsIt()
    {
        using var x = torch.zeros(2, 5, 4, 3);
        Assert.False(ConvChannelPadding.IsChannelsLast(x));
        using var nhwc = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        Assert.True(ConvChannelPadding.IsChannelsLast(nhwc));
        using var one = torch.zeros(2, 1, 4, 3); // contiguous: NCHW for libtorch (ambiguous strides count as NCHW)
        Assert.False(ConvChannelPadding.IsChannelsLast(one));
        using var oneCl = ConvChannelPadding.ToChannelsLast(one);
        Assert.True(ConvChannelPadding.IsChannelsLast(oneCl));
    }

    [Fact]
    public void AChildProcessAppliesNoCapWhereTheDefaultWasRight()
    {
        var path = TempFile("numerics.json");
        Verdict(null).Save(path);
        var info = InfoWith(path);
        Assert.Equal(JsonValueKind.Null, info.GetProperty("onednn_max_cpu_isa").ValueKind);
        Assert.StartsWith("right:", info.GetProperty("numerics").GetString());
    }

    [Fact]
    public void TheEnvironmentVariableOverridesTheFile()
    {
        var path = TempFile("numerics.json");
        Verdict("SSE41").Save(path);
        var info = InfoWith(path, new Dictionary<string, string> { [NumericsDoctor.IsaVariable] = "AVX2" });
        Assert.Equal("AVX2", info.GetProperty("onednn_max_cpu_isa").GetString());
        Assert.StartsWith("ONEDNN_MAX_CPU_ISA=AVX2, channel padding off, convolution layout default, from the environment", info.GetProperty("numerics").GetString());
    }

    [Fact]
    public void AVerdictWithNoSafeSettingStopsWithALoudMessage()
    {
        var path = TempFile("numerics.json");
        Verdict("SSE41", float32: false).Save(path);
        var r = CliProcess.Run(["bench", "--model", "zfnet-cifar", "--batch-train", "2", "--batch-infer", "2", "--repetitions", "1", "--warmup", "0"],
            new Dictionary<string, string> { [NumericsSettings.FileVariable] = path, [NumericsDoctor.IsaVariable] = "" });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("NO SAFE SETTING", r.Stderr);
        Assert.Contains(path, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void ABadSettingsFileIsAClearErrorInEveryCommand()
    {
        var path = TempFile("numerics.json");
        File.WriteAllText(path, "{ not json");
        var r = CliProcess.Run(["bench", "--model", "zfnet-cifar", "--batch-train", "2", "--batch-infer", "2", "--repetitions", "1", "--warmup", "0"],
            new Dictionary<string, string> { [NumericsSettings.FileVariable] = path, [NumericsDoctor.IsaVariable] = "" });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"zfviz: error: {path}: not a valid numerics settings file", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
