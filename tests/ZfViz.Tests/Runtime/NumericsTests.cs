using System.Text.Json;
using TorchSharp;
using ZfViz.Runtime.Numerics;

namespace ZfViz.Tests.Runtime;

/// <summary>
/// The numerics guard: the probe's error measure, the settings file, and the guard applied (or not) in a child process
/// according to its settings file. The odd-channel convolutions themselves are checked in this process, which the
/// guard protects like every other.
/// </summary>
public class NumericsTests
{
    static string TempFile(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "zfviz-numerics-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    static NumericsSettings Verdict(string? isa, bool float32 = true, string? cpu = null, bool pad = false) => new(
        NumericsSettings.CurrentFormat, isa, pad, float32, false, false, cpu ?? NumericsDoctor.CpuIdentity(), NumericsDoctor.TorchSharpVersion,
        DateTimeOffset.UtcNow, 100, isa is null && !pad ? 100 : 140,
        [
            new NumericsTrial(NumericsDoctor.NoCap, isa is null && !pad && float32, false, "3->6 5x5/1 at 12x12: input gradient 2.7e-1", "n/a", 100),
            .. isa is null && !pad ? Array.Empty<NumericsTrial>() : [new NumericsTrial(isa ?? NumericsDoctor.NoCap, float32, false, "3->6 5x5/1 at 12x12: forward 3e-7", "n/a", 140)],
        ]);

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
    [InlineData("{\"format\": 9, \"cpu\": \"x\", \"torchsharp\": \"y\", \"tried\": []}", "format 2")]
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
        Assert.StartsWith("ONEDNN_MAX_CPU_ISA=AVX2, channel padding off, from the environment", info.GetProperty("numerics").GetString());
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
