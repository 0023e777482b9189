using System.Text.Json;
using TorchSharp;
using ZfViz.IO;
using ZfViz.Models;
using ZfViz.Tests.Deconv;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ZfViz.Tests.Cli;

/// <summary>
/// `--model CONFIG.json`: a what-if network with odd channel counts (100/37/10/70/24, none a multiple of 16, where
/// libtorch's oneDNN kernels went wrong on AVX-512 machines) written as a config file, its weights as safetensors, and
/// the real zfviz program run as child processes. Each output is checked against an independent float64 computation
/// in this process: the autograd projection, a brute-force top-k, a float64 forward pass.
/// </summary>
public sealed class ModelConfigCliTests : IDisposable
{
    const double Tolerance = 1e-4; // relative, float32 CLI against the float64 reference

    static readonly NetConfig WhatIf = Presets.ZfNetCifar.WithFc(64, 48) with
    {
        Name = "whatif-odd",
        Convs = Presets.ZfNetCifar.Convs.Zip(new[] { 100, 37, 10, 70, 24 }, (c, f) => c with { Filters = f }).ToArray(),
    };

    readonly string dir = Directory.CreateTempSubdirectory("zfviz-model-config").FullName;
    readonly string config, weights;
    readonly ConvNet reference; // the same weights in float64

    readonly ITestOutputHelper log;

    public ModelConfigCliTests(ITestOutputHelper log)
    {
        this.log = log;
        config = Path.Combine(dir, "whatif.json");
        File.WriteAllText(config, WhatIf.Validate().ToJson());
        torch.random.manual_seed(2026);
        reference = new ConvNet(WhatIf);
        weights = Path.Combine(dir, "w.safetensors");
        Safetensors.Save(weights, reference.CheckpointParameters().Select(p => (p.Name, (Tensor)p.Parameter)));
        reference.to(ScalarType.Float64);
        reference.eval();
    }

    public void Dispose()
    {
        reference.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    string P(string name) => Path.Combine(dir, name);

    string WriteNpy(string name, Tensor t)
    {
        ZfViz.IO.Npy.Write(P(name), t);
        return P(name);
    }

    static CliProcess.Result Ok(params string[] args)
    {
        var r = CliProcess.Run(args);
        Assert.True(r.ExitCode == 0, $"zfviz {string.Join(' ', args)} exited {r.ExitCode}: {r.All}");
        return r;
    }

    static void AssertClose(double expected, double actual, double scale, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Max(scale, 1e-30), $"{what}: expected {expected}, got {actual} (scale {scale})");

    /// <summary>Among a layer's last eight maps (the odd tail past the last multiple of 16), the one with the largest activation.</summary>
    static int LivelyTailFeature(Tensor activation)
    {
        long c = activation.shape[1];
        var peaks = activation[0].flatten(1).amax(1);
        int from = (int)Math.Max(0, c - 8);
        return (int)(from + peaks[from..].argmax().item<long>());
    }

    [Fact]
    public void ProjectOfAWhatIfConfigIsTheFloat64AutogradProjection()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(7);
        var x = randn(1, 3, 32, 32);
        var input = WriteNpy("x.npy", x);
        var x64 = x.to(ScalarType.Float64);
        foreach (var (layer, index) in new[] { ("conv1", 0), ("conv3", 2), ("conv5", 4) })
        {
            var act = AutogradProjection.Activation(reference, index, x64).detach();
            int feature = LivelyTailFeature(act);
            var map = act[0, feature];
            long flat = map.flatten().argmax().item<long>();
            int w = (int)map.shape[1];
            double peak = map.flatten()[flat].item<double>();
            Assert.True(peak > 0, $"{layer} map {feature} is dead; pick another seed");

            var output = P($"p-{layer}.npy");
            var r = Ok("project", "--model", config, "--weights", weights, "--input", input, "--layer", layer,
                "--feature", feature.ToString(), "--out", output);
            var m = System.Text.RegularExpressions.Regex.Match(r.Stdout, @"position y=(\d+) x=(\d+) value=(\S+)");
            Assert.True(m.Success, r.Stdout);
            Assert.Equal((flat / w, flat % w), (long.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value)));
            AssertClose(peak, double.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), peak, $"{layer} value");

            var signal = zeros_like(act);
            signal[0, feature, flat / w, flat % w] = peak;
            var expected = AutogradProjection.Project(reference, index, x64, signal)[0];
            var got = ZfViz.IO.Npy.ReadFloat32Tensor(output).to(ScalarType.Float64);
            Assert.Equal(new long[] { 3, 32, 32 }, got.shape);
            double scale = expected.abs().max().item<double>();
            Assert.True(scale > 0, $"{layer}: empty projection");
            double err = (got - expected).abs().max().item<double>();
            log.WriteLine($"project {layer} feature {feature}: max |CLI - float64| / max |float64| = {err / scale:E2}");
            Assert.True(err <= Tolerance * scale, $"{layer} feature {feature}: projection differs by {err} (scale {scale})");
        }
    }

    [Fact]
    public void TopNineOfAWhatIfConfigIsTheBruteForceTopK()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(8);
        var xs = randn(6, 3, 32, 32);
        var input = WriteNpy("xs.npy", xs);
        var act = AutogradProjection.Activation(reference, 3, xs.to(ScalarType.Float64)).detach(); // conv4: 70 maps
        int feature = LivelyTailFeature(act[..1]);
        var maps = act[.., feature].contiguous();
        long h = maps.shape[1], w = maps.shape[2];
        var v = maps.data<double>().ToArray();
        var expected = Enumerable.Range(0, v.Length).OrderByDescending(i => v[i]).ThenBy(i => i).Take(9).ToList();

        var r = Ok("top9", "--model", config, "--weights", weights, "--input", input, "--layer", "conv4", "--feature", feature.ToString(), "--json");
        using var doc = JsonDocument.Parse(r.Stdout);
        var top = doc.RootElement;
        Assert.Equal(9, top.GetArrayLength());
        log.WriteLine($"top9 conv4 feature {feature}: worst relative value error {Enumerable.Range(0, 9).Max(j => Math.Abs(top[j].GetProperty("value").GetDouble() - v[expected[j]])) / v[expected[0]]:E2}");
        for (int j = 0; j < 9; j++)
        {
            var e = top[j];
            int i = expected[j];
            Assert.Equal((i / (h * w), i % (h * w) / w, i % w),
                (e.GetProperty("image").GetInt64(), (long)e.GetProperty("y").GetInt32(), (long)e.GetProperty("x").GetInt32()));
            AssertClose(v[i], e.GetProperty("value").GetDouble(), v[expected[0]], $"top {j + 1} value");
        }
    }

    [Fact]
    public void FeaturesOccludeAndSummaryTakeTheConfig()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(9);
        var xs = randn(5, 3, 32, 32);
        var input = WriteNpy("xf.npy", xs);
        Ok("features", "--model", config, "--weights", weights, "--input", input, "--out", P("f.npy"), "--batch-size", "2");
        var got = ZfViz.IO.Npy.ReadFloat32Tensor(P("f.npy")).to(ScalarType.Float64);
        Tensor expected;
        using (no_grad()) expected = reference.ForwardLayers(xs.to(ScalarType.Float64))["fc7"];
        Assert.Equal(new long[] { 5, 48 }, got.shape);
        double err = (got - expected).abs().max().item<double>(), scale = expected.abs().max().item<double>();
        log.WriteLine($"features fc7: max |CLI - float64| / max |float64| = {err / scale:E2}");
        Assert.True(scale > 0 && err <= Tolerance * scale, $"fc7 features differ by {err} (scale {scale})");

        var occlusion = Ok("occlusion", "--model", config, "--weights", weights, "--input", WriteNpy("x1.npy", xs[..1]),
            "--size", "8", "--stride", "8", "--layer", "conv2", "--out", P("occ"));
        Assert.Contains("layer conv2", occlusion.Stdout);
        Assert.Equal(new long[] { 4, 4 }, ZfViz.IO.Npy.ReadFloat32Tensor(P("occ/activation.npy")).shape);

        var summary = Ok("summary", "--model", config, "--json");
        using var rows = JsonDocument.Parse(summary.Stdout);
        Assert.Equal(LayerSummary.Compute(WhatIf).Count, rows.RootElement.GetArrayLength());
        Assert.Contains(rows.RootElement.EnumerateArray(), row => row.GetRawText().Contains("92537")); // conv2: 37*100*25 + 37
    }

    [Fact]
    public void TrainWritesARunFolderWhoseConfigAndModelTheOtherCommandsTake()
    {
        var run = P("run");
        var r = CliProcess.Run(["train", "--model", config, "--data", "synthetic", "--profile", "quick", "--train-images", "32",
            "--eval-images", "16", "--epochs", "1", "--batch", "16", "--out", run], new Dictionary<string, string> { ["ZFVIZ_MODELS"] = dir });
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Contains("Training whatif-odd", r.Stdout);
        Assert.Equal(WhatIf, NetConfig.FromJson(File.ReadAllText(Path.Combine(run, "config.json"))));
        var model = Path.Combine(run, "model.safetensors");
        Assert.True(File.Exists(model));

        // The run folder's own config.json and model.safetensors (a checkpoint with pixel_mean) go straight back in.
        var input = WriteNpy("xt.npy", randn(1, 3, 32, 32));
        var p = Ok("project", "--model", Path.Combine(run, "config.json"), "--weights", model, "--input", input, "--layer", "conv5",
            "--feature", "23", "--out", P("pt.npy"));
        Assert.StartsWith("position y=", p.Stdout);
    }

    [Fact]
    public void BenchRunsAConfig()
    {
        var r = Ok("bench", "--model", config, "--batch-train", "2", "--batch-infer", "2", "--warmup", "0", "--repetitions", "1", "--json");
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("whatif-odd", doc.RootElement.GetProperty("model").GetString());
        Assert.True(doc.RootElement.GetProperty("train_images_per_s").GetDouble() > 0);
    }

    [Fact]
    public void BadConfigsAndUnknownNamesFailWithExitTwoNamingTheProblem()
    {
        var broken = P("broken.json");
        File.WriteAllText(broken, "{\"InputSize\": 32, \"Convs\": [");
        var r = CliProcess.Run("summary", "--model", broken);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"zfviz: error: {broken}: not valid JSON", r.Stderr.Trim());

        var impossible = P("impossible.json");
        var tooBig = WhatIf.ToJson().Replace("\"Filters\":10,\"Kernel\":3", "\"Filters\":10,\"Kernel\":9"); // conv3 9x9 on 4x4 maps
        Assert.Contains("\"Kernel\":9", tooBig);
        File.WriteAllText(impossible, tooBig.Replace("\"Name\":\"whatif-odd\",", ""));
        r = CliProcess.Run("project", "--model", impossible, "--weights", weights, "--input", P("none.npy"), "--layer", "conv1", "--feature", "0", "--out", P("o.npy"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{impossible}: impossible network: impossible: ", r.Stderr);
        Assert.Contains("would vanish", r.Stderr);
        Assert.False(File.Exists(P("o.npy")));

        r = CliProcess.Run("top9", "--model", P("absent.json"), "--weights", weights, "--input", P("none.npy"), "--layer", "conv1", "--feature", "0", "--json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{P("absent.json")}: no such network config file", r.Stderr);

        r = CliProcess.Run("bench", "--model", "zfnet-cfar");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--model: unknown model 'zfnet-cfar'", r.Stderr);
        Assert.Contains(string.Join(", ", Presets.Names), r.Stderr);
        Assert.Contains("path to a network config JSON", r.Stderr);

        // A config's weights must fit it: a preset's weights are refused naming the tensor and both shapes.
        using var preset = new ConvNet(Presets.ZfNetCifar);
        var presetWeights = P("preset.safetensors");
        Safetensors.Save(presetWeights, preset.CheckpointParameters().Select(p => (p.Name, (Tensor)p.Parameter)));
        r = CliProcess.Run("project", "--model", config, "--weights", presetWeights, "--input", WriteNpy("xb.npy", randn(1, 3, 32, 32)),
            "--layer", "conv1", "--feature", "0", "--out", P("o.npy"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("tensor 'conv1.weight' has shape [48,3,5,5], but whatif-odd expects [100,3,5,5]", r.Stderr);
        Assert.False(File.Exists(P("o.npy")));

        // top9 --data with a config and no weights: there is no trained model to fall back on.
        r = CliProcess.Run(["top9", "--model", config, "--data", "cifar10:test", "--out", P("sheets")], new Dictionary<string, string> { ["ZFVIZ_MODELS"] = dir });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--weights: is required for a network config", r.Stderr);
    }
}
