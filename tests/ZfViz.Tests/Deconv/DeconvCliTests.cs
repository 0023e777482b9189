using System.CommandLine;
using System.Text.Json;
using TorchSharp;
using ZfViz.Cli.Commands;
using ZfViz.IO;
using ZfViz.Models;
using ZfViz.Tests.Cli;
using static TorchSharp.torch;

namespace ZfViz.Tests.Deconv;

/// <summary>zfviz project / top9 on random inputs, checked against the autograd projection and a brute-force top-k.</summary>
[Collection(nameof(SharedTorchState))]
public class DeconvCliTests : IDisposable
{
    readonly PresetWeightsFolder folder = new("zfviz-deconv-cli", 31);
    string dir => folder.Dir;
    ConvNet model => folder.Model;
    string weights => folder.Weights;

    public void Dispose() => folder.Dispose();

    string Npy(string name, Tensor t) => folder.Npy(name, t);

    static int Cli(params string[] args)
    {
        var root = new RootCommand { ProjectCommand.Create(), TopNineCommand.Create() };
        return CliRunner.Invoke(root, args);
    }

    [Fact]
    public void ProjectWritesTheAutogradProjectionOfTheStrongestActivation()
    {
        var x = randn(1, 3, 32, 32);
        var input = Npy("x.npy", x);
        var output = Path.Combine(dir, "p.npy");
        foreach (var (layer, index, feature) in new[] { ("conv1", 0, 3), ("conv3", 2, 17), ("conv5", 4, 40) })
        {
            var printed = ProjectCommand.Run("zfnet-cifar", weights, input, layer, feature, output);
            var act = AutogradProjection.Activation(model, index, x).detach();
            var map = act[0, feature];
            long flat = map.flatten().argmax().item<long>(); // torch: first maximum
            int w = (int)map.shape[1];
            Assert.Equal($"position y={flat / w} x={flat % w} value={map.flatten()[flat].item<float>():R}", printed);
            var signal = zeros_like(act);
            signal[0, feature, flat / w, flat % w] = map.flatten()[flat];
            var expected = AutogradProjection.Project(model, index, x, signal)[0];
            var got = ZfViz.IO.Npy.ReadFloat32Tensor(output);
            Assert.Equal(new long[] { 3, 32, 32 }, got.shape);
            Assert.True((got - expected).abs().max().item<float>() <= 1e-5 * Math.Max(1e-30, expected.abs().max().item<float>()), layer);
        }
    }

    [Fact]
    public void TopNineJsonIsTheBruteForceTopK()
    {
        var x = randn(5, 3, 32, 32);
        var input = Npy("xs.npy", x);
        var top = TopNineCommand.RunOnInput("zfnet-cifar", weights, input, "conv2", 5, 9);
        var json = JsonDocument.Parse(TopNineCommand.ToJson(top)).RootElement;
        Assert.Equal(9, json.GetArrayLength());
        var act = AutogradProjection.Activation(model, 1, x).detach()[.., 5].contiguous();
        long h = act.shape[1], w = act.shape[2];
        var v = act.data<float>().ToArray();
        var expected = Enumerable.Range(0, v.Length).OrderByDescending(i => v[i]).ThenBy(i => i).Take(9).ToList();
        for (int j = 0; j < 9; j++)
        {
            var e = json[j];
            Assert.Equal(expected[j] / (h * w), e.GetProperty("image").GetInt64());
            Assert.Equal(expected[j] % (h * w) / w, e.GetProperty("y").GetInt32());
            Assert.Equal(expected[j] % w, e.GetProperty("x").GetInt32());
            Assert.Equal(v[expected[j]], e.GetProperty("value").GetSingle(), 5);
        }
    }

    [Fact]
    public void TopNineDistinctImagesPrintsOneActivationPerImage()
    {
        var x = randn(6, 3, 32, 32);
        var input = Npy("xd.npy", x);
        var output = new StringWriter();
        var old = Console.Out;
        Console.SetOut(output);
        int code;
        try
        {
            code = Cli("top9", "--model", "zfnet-cifar", "--weights", weights, "--input", input, "--layer", "conv2", "--feature", "5",
                "--k", "4", "--json", "--distinct-images");
        }
        finally { Console.SetOut(old); }
        Assert.Equal(0, code);
        var json = JsonDocument.Parse(output.ToString()).RootElement;
        // Brute force of the sheets' rule: each image's first maximum (row-major), the 4 largest, earlier image on ties.
        var act = AutogradProjection.Activation(model, 1, x).detach()[.., 5].contiguous();
        long hw = act.shape[1] * act.shape[2], w = act.shape[2];
        var v = act.data<float>().ToArray();
        var expected = Enumerable.Range(0, 6).Select(i => Enumerable.Range(0, (int)hw).Select(p => i * hw + p).MaxBy(j => v[j]))
            .OrderByDescending(j => v[j]).ThenBy(j => j).Take(4).ToList();
        Assert.Equal(4, json.GetArrayLength());
        Assert.Equal(4, json.EnumerateArray().Select(e => e.GetProperty("image").GetInt64()).Distinct().Count());
        for (int j = 0; j < 4; j++)
        {
            var e = json[j];
            Assert.Equal(expected[j] / hw, e.GetProperty("image").GetInt64());
            Assert.Equal(expected[j] % hw / w, e.GetProperty("y").GetInt32());
            Assert.Equal(expected[j] % w, e.GetProperty("x").GetInt32());
            Assert.Equal(v[expected[j]], e.GetProperty("value").GetSingle(), 5);
        }
    }

    [Fact]
    public void BadInputFailsClearlyAndWritesNothing()
    {
        var good = Npy("good.npy", randn(1, 3, 32, 32));
        var output = Path.Combine(dir, "out.npy");
        string[] Project(string input, string layer = "conv5", string feature = "1", string w = "") =>
            ["project", "--model", "zfnet-cifar", "--weights", w == "" ? weights : w, "--input", input, "--layer", layer, "--feature", feature, "--out", output];

        Assert.Equal(CliRunner.BadInput, Cli(Project(good, layer: "conv9")));
        Assert.Equal(CliRunner.BadInput, Cli(Project(good, feature: "999")));
        Assert.Equal(CliRunner.BadInput, Cli(Project(Npy("gray.npy", randn(1, 1, 32, 32)))));
        Assert.Equal(CliRunner.BadInput, Cli(Project(Npy("big.npy", randn(1, 3, 40, 40)))));
        Assert.Equal(CliRunner.BadInput, Cli(Project(Npy("f64.npy", randn(1, 3, 32, 32, dtype: ScalarType.Float64)))));
        Assert.Equal(CliRunner.BadInput, Cli(Project(Path.Combine(dir, "missing.npy"))));
        // weights without conv3.weight, and with a mis-shaped conv1.weight
        var missing = Path.Combine(dir, "missing.safetensors");
        Safetensors.Save(missing, model.CheckpointParameters().Where(p => p.Name != "conv3.weight").Select(p => (p.Name, (Tensor)p.Parameter)));
        var ex = Assert.Throws<UserInputException>(() => ProjectCommand.Run("zfnet-cifar", missing, good, "conv1", 0, output));
        Assert.Contains("conv3.weight", ex.Message);
        var misshaped = Path.Combine(dir, "misshaped.safetensors");
        Safetensors.Save(misshaped, model.CheckpointParameters().Select(p => (p.Name, p.Name == "conv1.weight" ? zeros(8, 3, 5, 5) : (Tensor)p.Parameter)));
        Assert.Contains("conv1.weight", Assert.Throws<UserInputException>(() => ProjectCommand.Run("zfnet-cifar", misshaped, good, "conv1", 0, output)).Message);
        Assert.Equal(CliRunner.BadInput, Cli(Project(good, w: misshaped)));
        Assert.Equal(CliRunner.BadInput, Cli(Project(good, w: Path.Combine(dir, "nope.safetensors"))));
        Assert.False(File.Exists(output));

        Assert.Equal(CliRunner.BadInput, Cli("top9", "--model", "zfnet-cifar", "--weights", weights, "--input", Npy("bad.npy", randn(2, 1, 32, 32)), "--layer", "conv2", "--feature", "0", "--json"));
        Assert.Equal(CliRunner.BadInput, Cli("top9", "--model", "zfnet-cifar", "--weights", weights, "--input", good, "--layer", "conv2", "--feature", "-1", "--json"));
        Assert.Equal(0, Cli("project", "--model", "zfnet-cifar", "--weights", weights, "--input", good, "--layer", "conv2", "--feature", "0", "--out", output));
        Assert.True(File.Exists(output));
    }
}
