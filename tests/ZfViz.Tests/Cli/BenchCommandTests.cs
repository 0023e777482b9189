using System.Text.Json;

namespace ZfViz.Tests.Cli;

public class BenchCommandTests
{
    /// <summary>One folder for every verdict file of the test run, deleted when the test process exits (declared first: static fields start in order).</summary>
    static readonly TempFolder VerdictFolder = KeptUntilExit(new TempFolder("zfviz-bench-"));

    /// <summary>A verdict (written to a temporary settings file) that caps oneDNN at SSE41, right on every CPU, with bfloat16 not verified.</summary>
    static readonly Dictionary<string, string> NotVerified = WithVerdict(Runtime.NumericsTests.Verdict("SSE41"));

    static TempFolder KeptUntilExit(TempFolder folder)
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => folder.Dispose();
        return folder;
    }

    static Dictionary<string, string> WithVerdict(ZfViz.Runtime.Numerics.NumericsSettings verdict)
    {
        var path = Path.Combine(VerdictFolder.Path, $"numerics-{Guid.NewGuid():N}.json");
        verdict.Save(path);
        return new() { [ZfViz.Runtime.Numerics.NumericsSettings.FileVariable] = path, [ZfViz.Runtime.Numerics.NumericsDoctor.IsaVariable] = "" };
    }

    [Fact]
    public void AutoPrecisionFollowsTheNumericsVerdictsBfloat16Check()
    {
        // bfloat16 verified with oneDNN's bfloat16 kernels left in place (channels-last, no cap): auto is mixed where the
        // CPU has bfloat16; verified but capped at SSE41 (no bfloat16 kernels): float32.
        var verified = CliProcess.Run([.. Small, "--json"], WithVerdict(Runtime.NumericsTests.Verdict(null, channelsLast: true, bfloat16: true)));
        Assert.Equal(0, verified.ExitCode);
        using var v = JsonDocument.Parse(verified.Stdout);
        Assert.Equal(ZfViz.Runtime.Numerics.Bf16Hardware.Supported ? "mixed" : "float32", v.RootElement.GetProperty("precision").GetString());
        var capped = CliProcess.Run([.. Small, "--json"], WithVerdict(Runtime.NumericsTests.Verdict("SSE41", bfloat16: true)));
        Assert.Equal(0, capped.ExitCode);
        using var c = JsonDocument.Parse(capped.Stdout);
        Assert.Equal("float32", c.RootElement.GetProperty("precision").GetString());
    }
    static readonly string[] Small = ["bench", "--model", "zfnet-fmnist", "--batch-train", "2", "--batch-infer", "2", "--repetitions", "1", "--warmup", "0"];

    [Theory]
    [InlineData("bench", "--precision", "half")]
    [InlineData("train", "--precision", "fp16", "--profile", "quick")]
    public void ABadPrecisionIsTheUsersError(params string[] args)
    {
        var r = CliProcess.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("zfviz: error: --precision: ", r.Stderr);
        Assert.Contains("float32, mixed or auto", r.Stderr);
    }

    [Fact]
    public void JsonKeepsItsFieldsAndAddsPrecisionAndLayers()
    {
        var r = CliProcess.Run([.. Small, "--json"], NotVerified);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var o = doc.RootElement;
        foreach (var field in new[] { "model", "device", "dtype", "channels_last", "threads", "train_images_per_s", "infer_images_per_s", "gflops_per_s" })
            Assert.True(o.TryGetProperty(field, out _), $"missing {field}");
        Assert.Equal("float32", o.GetProperty("dtype").GetString());
        Assert.Equal("float32", o.GetProperty("precision").GetString()); // auto, not verified
        var layers = o.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()).ToList();
        Assert.Equal(["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"], layers);
    }

    [Fact]
    public void CompareRunsFloat32AndMixedSideBySide()
    {
        var json = CliProcess.Run([.. Small, "--compare", "--json"], NotVerified);
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal("float32", doc.RootElement.GetProperty("float32").GetProperty("precision").GetString());
        Assert.Equal("mixed", doc.RootElement.GetProperty("mixed").GetProperty("precision").GetString());
        Assert.True(doc.RootElement.GetProperty("mixed").GetProperty("train_images_per_s").GetDouble() > 0);

        var text = CliProcess.Run([.. Small, "--compare", "--channels-last", "false"], NotVerified);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("NCHW", text.Stdout);
        Assert.Matches(@"train images/s\s+[\d.]+\s+[\d.]+", text.Stdout);
        Assert.Matches(@"\n\s+conv1\s+[\d.]+\s+[\d.]+", text.Stdout);
    }
}
