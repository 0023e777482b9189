using TorchSharp;
using TorchSharp.Modules;
using ZfViz.Analysis;
using ZfViz.Data;
using ZfViz.Deconv;
using ZfViz.Models;
using ZfViz.Training;
using ZfViz.Tests.Models;
using ZfViz.Viz;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

[Collection(nameof(SharedTorchState))]
public sealed class FeatureEvolutionTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("zfviz-evo-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>The CIFAR ZFNet's geometry (as TestNets.CifarSmall) with few filters, so checkpoints are real ConvNet files.</summary>
    static readonly NetConfig Tiny = TinyConfigs.ZfNetCifar();

    /// <summary>Two checkpoints of differently seeded weights (epochs 1 and 3) in the temp folder.</summary>
    List<(int Epoch, string Path)> Checkpoints()
    {
        var list = new List<(int, string)>();
        foreach (var (epoch, seed) in new[] { (1, 21L), (3, 22L) })
        {
            torch.random.manual_seed(seed);
            using var net = new ConvNet(Tiny);
            var path = Path.Combine(dir, $"epoch-{epoch:D3}.safetensors");
            Checkpoint.SaveModel(path, net, new InputNorm(zeros(3, 32, 32), 1f), epoch);
            list.Add((epoch, path));
        }
        return list;
    }

    static Tensor Input(int n = 12, long seed = 5)
    {
        torch.random.manual_seed(seed);
        return randn(n, 3, 32, 32);
    }

    /// <summary>
    /// Independent reference: the ReLU output of a conv block, by calling the model's modules in order, on the same
    /// batches the trace streams (convolution results can differ in the last bit between batch sizes).
    /// </summary>
    static Tensor Activation(ConvNet net, Tensor input, string layer, int batchSize) =>
        cat(Enumerable.Range(0, (int)((input.shape[0] + batchSize - 1) / batchSize))
            .Select(b => Activation(net, input[(b * batchSize)..(int)Math.Min(input.shape[0], (b + 1) * batchSize)], layer)).ToArray(), 0);

    static Tensor Activation(ConvNet net, Tensor input, string layer)
    {
        using var _ = no_grad();
        var x = input;
        foreach (var name in net.BlockNames.Where(b => b.StartsWith("conv")))
            foreach (var (child, module) in net.Block(name).named_children())
            {
                x = ((nn.Module<Tensor, Tensor>)module).call(x);
                if (child == "relu" && name == layer) return x;
            }
        throw new ArgumentException(layer);
    }

    /// <summary>Brute force: the largest value of map f over all images and positions, the first in (image, y, x) order.</summary>
    static ActivationPoint Strongest(Tensor act, int f)
    {
        var map = act[.., f].contiguous();
        long n = map.shape[0], h = map.shape[1], w = map.shape[2];
        var v = map.data<float>().ToArray();
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return new ActivationPoint(best / (h * w), f, (int)(best / w % h), (int)(best % w), v[best]);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(5)]
    public void EveryCheckpointMatchesABruteForceSearchAndASingleImageProjection(int batchSize)
    {
        var checkpoints = Checkpoints();
        var input = Input();
        torch.random.manual_seed(99);
        using var model = new ConvNet(Tiny);
        var before = model.CheckpointParameters().Select(p => p.Parameter.detach().clone()).ToList();
        var maps = new Dictionary<string, IReadOnlyList<int>> { ["conv3"] = [0, 7, 2] };
        var log = new StringWriter();

        var result = FeatureEvolution.Trace(model, checkpoints, input, ["conv1", "conv3", "conv5"], mapsPerLayer: 3, maps: maps, log: log, batchSize: batchSize);

        Assert.Equal([1, 3], result.Epochs);
        Assert.Equal(12, result.Images);
        Assert.Equal(2, log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal([0, 7, 2], result.Layer("conv3").Maps.Select(m => m.Feature));
        // The model gets its own weights back.
        foreach (var ((name, p), saved) in model.CheckpointParameters().Zip(before)) Assert.True(p.eq(saved).all().item<bool>(), name);

        using var last = Checkpoint.LoadModel(checkpoints[^1].Path);
        foreach (var layer in new[] { "conv1", "conv5" })
        {
            // Default choice: the 3 maps with the largest strongest activation at the last checkpoint, ties by index.
            var act = Activation(last.Net, input, layer, batchSize);
            var expected = Enumerable.Range(0, (int)act.shape[1]).Select(f => (f, v: Strongest(act, f).Value))
                .OrderByDescending(t => t.v).ThenBy(t => t.f).Take(3).Select(t => t.f);
            Assert.Equal(expected, result.Layer(layer).Maps.Select(m => m.Feature));
        }

        for (int c = 0; c < checkpoints.Count; c++)
        {
            using var trained = Checkpoint.LoadModel(checkpoints[c].Path);
            var deconv = Deconvnet.FromModule(trained.Net);
            foreach (var traced in result.Layers)
            {
                var act = Activation(trained.Net, input, traced.Name, batchSize);
                foreach (var map in traced.Maps)
                {
                    var cell = map.Cells[c];
                    Assert.Equal(checkpoints[c].Epoch, cell.Epoch);
                    Assert.Equal(Strongest(act, map.Feature), cell.Point);
                    var (point, projection) = deconv.ProjectStrongest(input[(int)cell.Point.Image..(int)(cell.Point.Image + 1)], traced.LayerIndex, map.Feature);
                    Assert.Equal((cell.Point.Y, cell.Point.X), (point.Y, point.X));
                    Assert.Equal([3L, 32, 32], cell.Projection.shape);
                    Assert.True(projection.allclose(cell.Projection, rtol: 1e-5, atol: 1e-5), $"{traced.Name} map {map.Feature} epoch {cell.Epoch}");
                }
            }
        }
        // The last epoch compared with itself.
        Assert.All(result.Layers, l => Assert.Equal(1.0, result.SimilarityToLast(l.Name)[^1], 6));
    }

    [Fact]
    public void ADataSetGivesTheSameTraceAsItsPreprocessedTensor()
    {
        var checkpoints = Checkpoints();
        torch.random.manual_seed(7);
        var images = randint(0, 256, [10, 3, 32, 32]).to_type(ScalarType.Byte);
        using var data = new ImageDataset("t", images, arange(10, dtype: ScalarType.Int64), Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray());
        Tensor Prep(Tensor u8) => u8.to_type(ScalarType.Float32) / 255f - 0.5f;
        using var model = new ConvNet(Tiny);

        var fromData = FeatureEvolution.Trace(model, checkpoints, data, Prep, ["conv2"], mapsPerLayer: 2, batchSize: 64);
        var fromTensor = FeatureEvolution.Trace(model, checkpoints, Prep(images), ["conv2"], mapsPerLayer: 2, batchSize: 64);

        foreach (var (a, b) in fromData.Layer("conv2").Maps.Zip(fromTensor.Layer("conv2").Maps))
        {
            Assert.Equal(a.Feature, b.Feature);
            foreach (var (x, y) in a.Cells.Zip(b.Cells))
            {
                Assert.Equal(x.Point, y.Point);
                Assert.True(x.Projection.eq(y.Projection).all().item<bool>());
                Assert.Equal(x.Point.Image, x.Cell.Label); // the labels are the image indices here
                // The patch is the image / 255 on the receptive-field window.
                var clip = x.Cell.Window.Clip(32, 32);
                var expected = images[(int)x.Point.Image, .., clip.Top..clip.Bottom, clip.Left..clip.Right].to_type(ScalarType.Float32) / 255f;
                Assert.True(x.Cell.Patch[.., x.Cell.Inside.Top..x.Cell.Inside.Bottom, x.Cell.Inside.Left..x.Cell.Inside.Right].allclose(expected));
            }
        }
    }

    [Fact]
    public void MapChoiceTakesTheStrongestMapsWithTiesByIndex()
    {
        ActivationPoint P(int f, float v) => new(0, f, 0, 0, v);
        var found = new TopKResult(1, TopKRule.DistinctImages, ["conv1"], [[[P(0, 1f)], [P(1, 3f)], [P(2, 0f)], [P(3, 3f)], [P(4, 2f)]]], 1);
        Assert.Equal([1, 3, 4], FeatureEvolution.ChooseMaps(found, 3)["conv1"]);
        Assert.Equal([1, 3, 4, 0, 2], FeatureEvolution.ChooseMaps(found, 9)["CONV1"]);
        Assert.Throws<ArgumentException>(() => FeatureEvolution.ChooseMaps(found, 0));
    }

    [Fact]
    public void BadInputsFailClearly()
    {
        var checkpoints = Checkpoints();
        var input = Input(4);
        using var model = new ConvNet(Tiny);
        FeatureEvolutionResult Trace(IReadOnlyList<(int, string)> c, string[] layers, Dictionary<string, IReadOnlyList<int>>? maps = null) =>
            FeatureEvolution.Trace(model, c, input, layers, maps: maps);

        Assert.Contains("No checkpoints", Assert.Throws<ArgumentException>(() => Trace([], ["conv1"])).Message);
        Assert.Contains("conv9", Assert.Throws<UserInputException>(() => Trace(checkpoints, ["conv9"])).Message);
        Assert.Contains("map 6", Assert.Throws<ArgumentException>(() => Trace(checkpoints, ["conv1"], new() { ["conv1"] = [6] })).Message);
        Assert.Contains("map -1", Assert.Throws<ArgumentException>(() => Trace(checkpoints, ["conv1"], new() { ["conv1"] = [-1] })).Message);
        Assert.Contains("conv2", Assert.Throws<ArgumentException>(() => Trace(checkpoints, ["conv1"], new() { ["conv2"] = [0] })).Message);
        Assert.Contains("order", Assert.Throws<ArgumentException>(() => Trace([checkpoints[1], checkpoints[0]], ["conv1"])).Message);
        var missing = Path.Combine(dir, "epoch-007.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => Trace([checkpoints[0], (7, missing)], ["conv1"]));
        Assert.Contains(missing, e.Message);
        Assert.Equal(missing, e.FileName);
    }

    [Fact]
    public void SimilarityIsTheCosineOfWholeInputProjections()
    {
        Assert.Equal(1 / Math.Sqrt(2), FeatureEvolutionResult.Cosine(tensor(new[] { 1f, 0f }), tensor(new[] { 1f, 1f })), 9);
        Assert.Equal(-1, FeatureEvolutionResult.Cosine(tensor(new[] { 2f, -1f }), tensor(new[] { -4f, 2f })), 9);
        Assert.Equal(0, FeatureEvolutionResult.Cosine(zeros(3), tensor(new[] { 1f, 2f, 3f })));
    }

    [Fact]
    public void AlignedSimilarityComparesPatternsWholeInputSimilarityAlsoPlaces()
    {
        // One map, a 2x2 field on a 3x3 image: the same pattern found at (0,0) at epoch 1 and at (1,1) at epoch 2, and
        // a map whose pattern turns from [1,0,0,0] into [1,1,0,0] at the same place.
        FeatureEvolutionCell Cell(int epoch, int at, float[] pattern)
        {
            var window = new PixelWindow(at, at, 2, 2);
            var projection = tensor(pattern).reshape(1, 2, 2);
            var full = zeros(1, 3, 3);
            full[.., at..(at + 2), at..(at + 2)] = projection;
            var top = new TopKCell(new ActivationPoint(0, 0, at, at, 1f), projection, zeros(1, 2, 2), window, new PixelWindow(0, 0, 2, 2), false, -1);
            return new FeatureEvolutionCell(epoch, top.Point, full, top);
        }
        var moved = new FeatureEvolutionMap(0, [Cell(1, 0, [1, 2, 0, 0]), Cell(2, 1, [1, 2, 0, 0])]);
        var changed = new FeatureEvolutionMap(1, [Cell(1, 0, [1, 0, 0, 0]), Cell(2, 0, [1, 1, 0, 0])]);
        var result = new FeatureEvolutionResult([1, 2], [new FeatureEvolutionLayer("conv1", 0, new ReceptiveField(2, 2, 1, 1, 0, 0), [moved, changed])], 1, 3, 3);

        var aligned = result.SimilarityToLast("conv1");
        Assert.Equal((1 + 1 / Math.Sqrt(2)) / 2, aligned[0], 6); // moved: 1, changed: 1/sqrt(2)
        Assert.Equal(1, aligned[1], 6);
        // Whole input: the moved pattern (pixels (0,0),(0,1) -> (1,1),(1,2)) does not overlap itself: 0.
        Assert.Equal((0 + 1 / Math.Sqrt(2)) / 2, result.SimilarityToLast("conv1", aligned: false)[0], 6);
    }

    [Fact]
    public void SheetHasACellPerMapAndEpochPlusLabels()
    {
        var checkpoints = Checkpoints();
        using var model = new ConvNet(Tiny);
        var result = FeatureEvolution.Trace(model, checkpoints, Input(6), ["conv1", "conv5"], mapsPerLayer: 3);

        // conv1: 5x5 field -> 20x upscaling to reach 96 px -> 100 px cells. Row labels "map F" (one digit): 19 dots x 2
        // + 8 = 46 px. Width: margins 2x6 + 46 + 2 columns of 100 + 1 gap of 4; height: 2x6 + header 16 + 3 rows of 100 + 2 gaps.
        using var sheet = FeatureEvolutionSheet.Render(result, "conv1");
        Assert.Equal((12 + 46 + 200 + 4, 12 + 16 + 300 + 8), (sheet.Width, sheet.Height));
        // conv5's field is larger than the 32x32 image: whole-image cells, 3x -> 96 px.
        using var deep = FeatureEvolutionSheet.Render(result, "conv5");
        Assert.Equal((12 + 46 + 192 + 4, 12 + 16 + 288 + 8), (deep.Width, deep.Height));

        // The first cell of conv1 shows the projection of epoch 1's strongest activation, scaled as TopNineSheet scales it.
        var cell = result.Layer("conv1").Maps[0].Cells[0];
        var w = cell.Cell.Window; // inside the image or moved into it
        int top = Math.Clamp(w.Top, 0, 27), left = Math.Clamp(w.Left, 0, 27);
        var (pixels, _, _) = TopNineSheet.ProjectionPixels(cell.Projection[.., top..(top + 5), left..(left + 5)]);
        int x0 = 6 + 46, y0 = 6 + 16;
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
            {
                int o = (y * 5 + x) * 3;
                Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(pixels[o], pixels[o + 1], pixels[o + 2]), sheet[x0 + x * 20 + 10, y0 + y * 20 + 10]);
            }
        // Labels are drawn in black in the header strip and the label column.
        bool AnyBlack(int x1, int y1, int x2, int y2)
        {
            for (int y = y1; y < y2; y++) for (int x = x1; x < x2; x++) if (sheet[x, y].R == 0 && sheet[x, y].G == 0 && sheet[x, y].B == 0) return true;
            return false;
        }
        Assert.True(AnyBlack(x0, 6, x0 + 100, 16));       // "epoch 1"
        Assert.True(AnyBlack(6, y0, x0, y0 + 100));       // "map F"
        Assert.Throws<ArgumentException>(() => FeatureEvolutionSheet.Render(result, "conv2"));
    }
}
