using System.CommandLine;
using System.Text.Json;
using ZfViz.Cli.Commands;
using ZfViz.Deconv;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Cli;

/// <summary>
/// zfviz project / top9 with --model resnet18-imagenet (weights from the package) on a few random 224x224 inputs,
/// checked against the stage activations computed with ResNet18.ForwardTo and a brute-force top-k.
/// </summary>
[Collection(nameof(SharedTorchState))]
public class ResNet18CliTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("zfviz-resnet-cli").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string Npy(string name, Tensor t)
    {
        var path = Path.Combine(dir, name);
        ZfViz.IO.Npy.Write(path, t);
        return path;
    }

    static int Cli(params string[] args) => CliRunner.Invoke(new RootCommand { ProjectCommand.Create(), TopNineCommand.Create() }, args);

    /// <summary>Random inputs on the scale of the network's preprocessed photos (0..255 minus a mean).</summary>
    static Tensor Input(int n, int seed)
    {
        manual_seed(seed);
        return randn(n, 3, 224, 224) * 60f;
    }

    static Tensor Stage(Tensor x, string stage)
    {
        using var _ = no_grad();
        return ResNet18Cli.Model.ForwardTo(x, stage);
    }

    [Fact]
    public void ProjectPrintsTheStrongestActivationOfTheStage()
    {
        var x = Input(1, 3);
        var input = Npy("x.npy", x);
        var output = Path.Combine(dir, "p.npy");
        foreach (var (stage, feature) in new[] { ("conv1", 7), ("layer3", 100) })
        {
            File.Delete(output);
            var printed = ProjectCommand.Run(ResNet18Cli.ModelName, null, input, stage, feature, output);
            var map = Stage(x, stage)[0, feature];
            long flat = map.flatten().argmax().item<long>(), w = map.shape[1];
            Assert.Equal($"position y={flat / w} x={flat % w} value={map.flatten()[flat].item<float>():R}", printed);
            var got = ZfViz.IO.Npy.ReadFloat32Tensor(output);
            Assert.Equal(new long[] { 3, 224, 224 }, got.shape);
            var expected = ResNet18Deconv.Project(ResNet18Cli.Model, x, stage, feature, ((int)(flat / w), (int)(flat % w))).Image;
            Assert.True(got.allclose(expected), stage);
        }
    }

    [Fact]
    public void TopNineJsonIsTheBruteForceTopK()
    {
        var x = Input(3, 4);
        var input = Npy("xs.npy", x);
        var act = Stage(x, "layer2")[.., 9].contiguous(); // [3,28,28]
        long h = act.shape[1], w = act.shape[2];
        var v = act.data<float>().ToArray();
        var expected = Enumerable.Range(0, v.Length).OrderByDescending(i => v[i]).ThenBy(i => i).Take(9).ToList();
        var json = JsonDocument.Parse(TopNineCommand.ToJson(TopNineCommand.RunResNetOnInput(input, "layer2", 9, 9))).RootElement;
        Assert.Equal(9, json.GetArrayLength());
        for (int j = 0; j < 9; j++)
        {
            var e = json[j];
            Assert.Equal(expected[j] / (h * w), e.GetProperty("image").GetInt64());
            Assert.Equal(expected[j] % (h * w) / w, e.GetProperty("y").GetInt32());
            Assert.Equal(expected[j] % w, e.GetProperty("x").GetInt32());
            Assert.Equal(v[expected[j]], e.GetProperty("value").GetSingle());
        }
    }

    [Fact]
    public void TiesAreFirstInImageRowColumnOrder()
    {
        // Three copies of one image: every activation appears three times; the earlier image comes first.
        var one = Input(1, 5);
        var input = Npy("ties.npy", cat([one, one, one], 0));
        var top = TopNineCommand.RunResNetOnInput(input, "layer4", 3, 6);
        Assert.Equal(new long[] { 0, 1, 2, 0, 1, 2 }, top.Select(p => p.Image));
        Assert.Equal(top[0].Value, top[2].Value);
    }

    [Fact]
    public void BadInputFailsWithExitTwoAndWritesNothing()
    {
        var good = Npy("good.npy", Input(1, 6));
        var output = Path.Combine(dir, "out.npy");
        string[] Project(string input, string layer = "layer1", string feature = "1", params string[] extra) =>
            ["project", "--model", "resnet18-imagenet", "--input", input, "--layer", layer, "--feature", feature, "--out", output, .. extra];

        Assert.Equal(CliRunner.BadInput, Cli(Project(Npy("small.npy", randn(1, 3, 64, 64)))));
        Assert.Equal(CliRunner.BadInput, Cli(Project(Npy("two.npy", randn(2, 3, 224, 224)))));
        Assert.Equal(CliRunner.BadInput, Cli(Project(Npy("gray.npy", randn(1, 1, 224, 224)))));
        Assert.Equal(CliRunner.BadInput, Cli(Project(good, layer: "layer9")));
        Assert.Equal(CliRunner.BadInput, Cli(Project(good, layer: "avgpool")));
        Assert.Equal(CliRunner.BadInput, Cli(Project(good, layer: "conv1", feature: "64")));
        Assert.Equal(CliRunner.BadInput, Cli(Project(good, feature: "-1")));
        Assert.Equal(CliRunner.BadInput, Cli(Project(good, "layer1", "1", "--weights", Path.Combine(dir, "w.safetensors"))));
        Assert.False(File.Exists(output));

        string[] Top(string input, string layer = "layer4", string feature = "0") =>
            ["top9", "--model", "resnet18-imagenet", "--input", input, "--layer", layer, "--feature", feature, "--json"];
        Assert.Equal(CliRunner.BadInput, Cli(Top(Npy("bad.npy", randn(2, 3, 100, 100)))));
        Assert.Equal(CliRunner.BadInput, Cli(Top(good, layer: "conv5")));
        Assert.Equal(CliRunner.BadInput, Cli(Top(good, feature: "512")));
        var sheets = Path.Combine(dir, "sheets");
        Assert.Equal(CliRunner.BadInput, Cli("top9", "--model", "resnet18-imagenet", "--data", "imagenet-samples:all", "--layers", "conv1,layer7", "--out", sheets));
        Assert.False(Directory.Exists(sheets));
        Assert.Empty(Directory.GetDirectories(dir));
    }
}

/// <summary>zfviz top9 --model resnet18-imagenet --data: sheets and index.json for a tiny imagenet-samples folder of generated photos.</summary>
[Collection(nameof(SharedTorchState))]
public class ResNet18CliSheetTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("zfviz-resnet-sheets").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void WritesOneSheetPerStageAndTheSearchedActivations()
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "imagenet-samples")).FullName;
        var random = new Random(7);
        foreach (var (name, i) in new[] { "n00000001_red_thing", "n00000002_blue_thing", "n00000003_green_thing" }.Select((n, i) => (n, i)))
        {
            using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(300, 260);
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < image.Width; x++)
                    image[x, y] = new((byte)random.Next(256), (byte)((x * (i + 1)) % 256), (byte)((y * 3) % 256));
            SixLabors.ImageSharp.ImageExtensions.SaveAsJpeg(image, Path.Combine(folder, name + ".JPEG"));
        }
        var output = Path.Combine(root, "sheets");
        Assert.Equal(0, TopNineCommand.RunResNetOnData("imagenet-samples:all", "conv1,layer4", 2, 2, output, null, json: false, dataRoot: root));
        Assert.True(File.Exists(Path.Combine(output, "conv1.png")) && File.Exists(Path.Combine(output, "layer4.png")) && File.Exists(Path.Combine(output, "layer4.html")));
        var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "index.json"))).RootElement;
        Assert.Equal(3, index.GetProperty("images").GetInt32());

        // The same search directly: the photos as the command loads them, one pass over both stages.
        using var data = ZfViz.Data.Datasets.Load("imagenet-samples", "all", 224, new ZfViz.Data.DataLoadOptions(Channels: 3, DataRoot: root, UseCache: false));
        using var prep = ResNet18Preprocessing.Load();
        var top = ZfViz.Analysis.ResNet18TopNine.Search(ResNet18Cli.Model, data, prep, ["conv1", "layer4"], k: 2);
        foreach (var layer in index.GetProperty("layers").EnumerateArray())
        {
            var stage = layer.GetProperty("layer").GetString()!;
            Assert.Equal(stage == "conv1" ? 7 : 563, layer.GetProperty("receptive_field").GetProperty("size").GetInt32());
            foreach (var f in layer.GetProperty("features").EnumerateArray())
            {
                var expected = top[stage][f.GetProperty("feature").GetInt32()];
                Assert.Equal(expected.Select(a => (a.Image, a.Y, a.X)),
                    f.GetProperty("top").EnumerateArray().Select(c => (c.GetProperty("image").GetInt64(), c.GetProperty("y").GetInt32(), c.GetProperty("x").GetInt32())));
            }
        }
    }
}
