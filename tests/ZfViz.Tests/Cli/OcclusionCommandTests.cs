using System.CommandLine;
using TorchSharp;
using ZfViz.Analysis;
using ZfViz.Cli.Commands;
using ZfViz.IO;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Cli;

/// <summary>zfviz occlusion: the arrays it writes equal the library's result; bad input exits 2 and writes nothing.</summary>
[Collection(nameof(SharedTorchState))]
public class OcclusionCommandTests : IDisposable
{
    readonly PresetWeightsFolder folder = new("zfviz-occlusion-cli", 41);
    string dir => folder.Dir;
    ConvNet model => folder.Model;
    string weights => folder.Weights;

    public void Dispose() => folder.Dispose();

    string Input(string name, Tensor t) => folder.Npy(name, t);

    static int Cli(params string[] args) => CliRunner.Invoke(new RootCommand { OcclusionCommand.Create() }, args);

    [Fact]
    public void WritesTheLibrarysArrays()
    {
        var x = randn(1, 3, 32, 32);
        var input = Input("x.npy", x);
        var outDir = Path.Combine(dir, "out");
        Assert.Equal(0, Cli("occlusion", "--model", "zfnet-cifar", "--weights", weights, "--input", input, "--size", "8", "--stride", "4",
            "--layer", "conv4", "--feature", "7", "--class", "2", "--out", outDir));
        var expected = Occlusion.Measure(model, x, 8, 4, "conv4", 7, 2);
        Assert.Equal(7, expected.GridHeight);

        var activation = Npy.ReadFloat32(Path.Combine(outDir, "activation.npy"));
        var probability = Npy.ReadFloat32(Path.Combine(outDir, "probability.npy"));
        var topClass = Npy.ReadFloat32(Path.Combine(outDir, "top_class.npy"));
        foreach (var a in new[] { activation, probability, topClass }) Assert.Equal(new long[] { 7, 7 }, a.Shape);
        Assert.Equal(expected.Activation.Cast<float>(), (float[])activation.Data);
        Assert.Equal(expected.Classifier!.Probability.Cast<float>(), (float[])probability.Data);
        Assert.Equal(expected.Classifier.TopClass.Cast<int>().Select(k => (float)k), (float[])topClass.Data);
        Assert.True(new FileInfo(Path.Combine(outDir, "occlusion.png")).Length > 0);

        // Defaults: the strongest conv5 map and the top class; an existing folder gets its files replaced.
        var printed = OcclusionCommand.Run("zfnet-cifar", weights, input, 8, 2, null, null, null, outDir);
        var defaults = Occlusion.Measure(model, x, 8, 2);
        Assert.Contains($"layer conv5 feature {defaults.Feature} ", printed);
        Assert.Contains("grid 13x13", printed);
        Assert.Contains($"class {defaults.Classifier!.TargetClass} ", printed);
        Assert.Equal(new long[] { 13, 13 }, Npy.ReadFloat32(Path.Combine(outDir, "activation.npy")).Shape);
        Assert.Equal(defaults.Activation.Cast<float>(), (float[])Npy.ReadFloat32(Path.Combine(outDir, "activation.npy")).Data);
        Assert.Equal(4, Directory.GetFiles(outDir).Length);
        Assert.Equal(0, Cli("occlusion", "--model", "zfnet-cifar", "--weights", weights, "--input", input, "--stride", "8", "--strongest", "peak", "--out", outDir));
        var peak = Occlusion.Measure(model, x, 8, 8, strongest: MapStrength.Peak);
        Assert.Equal(peak.Activation.Cast<float>(), (float[])Npy.ReadFloat32(Path.Combine(outDir, "activation.npy")).Data);
    }

    [Fact]
    public void BadInputExitsTwoAndWritesNothing()
    {
        var good = Input("good.npy", randn(1, 3, 32, 32));
        var outDir = Path.Combine(dir, "bad-out");
        string[] Args(string input, params string[] extra) =>
            ["occlusion", "--model", "zfnet-cifar", "--weights", weights, "--input", input, "--out", outDir, .. extra];

        Assert.Equal(CliRunner.BadInput, Cli(Args(good, "--layer", "conv9")));
        Assert.Equal(CliRunner.BadInput, Cli(Args(good, "--feature", "999")));
        Assert.Equal(CliRunner.BadInput, Cli(Args(good, "--class", "10")));
        Assert.Equal(CliRunner.BadInput, Cli(Args(good, "--size", "33")));
        Assert.Equal(CliRunner.BadInput, Cli(Args(good, "--stride", "0")));
        Assert.Equal(CliRunner.BadInput, Cli(Args(good, "--strongest", "loudest")));
        Assert.Equal(CliRunner.BadInput, Cli(Args(Input("gray.npy", randn(1, 1, 32, 32)))));
        Assert.Equal(CliRunner.BadInput, Cli(Args(Input("two.npy", randn(2, 3, 32, 32)))));
        Assert.Equal(CliRunner.BadInput, Cli(Args(Input("f64.npy", randn(1, 3, 32, 32, dtype: ScalarType.Float64)))));
        var misshaped = Path.Combine(dir, "misshaped.safetensors");
        Safetensors.Save(misshaped, model.CheckpointParameters().Select(p => (p.Name, p.Name == "conv1.weight" ? zeros(8, 3, 5, 5) : (Tensor)p.Parameter)));
        Assert.Equal(CliRunner.BadInput, Cli(["occlusion", "--model", "zfnet-cifar", "--weights", misshaped, "--input", good, "--out", outDir]));
        Assert.Equal(CliRunner.BadInput, Cli(["occlusion", "--model", "zfnet-cifar", "--input", good, "--out", outDir]));
        Assert.Equal(CliRunner.BadInput, Cli(["occlusion", "--model", "zfnet-cifar", "--weights", weights, "--input", good, "--out", Path.Combine(dir, "no", "such")]));
        Assert.False(Directory.Exists(outDir));
        Assert.Empty(Directory.GetDirectories(dir));
    }
}
