using TorchSharp;
using ZfViz.Analysis;
using ZfViz.Deconv;
using ZfViz.Tests.Deconv;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

[Collection(nameof(SharedTorchState))]
public class TopKTests
{
    /// <summary>Brute force: every activation of the layer over all images, sorted by (value desc, image, y, x).</summary>
    static List<ActivationPoint> Expected(Tensor act, int feature, int k)
    {
        var all = new List<ActivationPoint>();
        var map = act[.., feature].contiguous();
        long n = map.shape[0], h = map.shape[1], w = map.shape[2];
        var v = map.data<float>().ToArray();
        for (long i = 0; i < n; i++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    all.Add(new ActivationPoint(i, feature, y, x, v[(i * h + y) * w + x]));
        return all.OrderByDescending(p => p.Value).ThenBy(p => p.Image).ThenBy(p => p.Y).ThenBy(p => p.X).Take(k).ToList();
    }

    /// <summary>Brute force of the sheets' rule: each image's first maximum (row-major), the k largest, earlier image first on ties.</summary>
    static List<ActivationPoint> ExpectedDistinct(Tensor act, int feature, int k)
    {
        var map = act[.., feature].contiguous();
        long n = map.shape[0], h = map.shape[1], w = map.shape[2];
        var v = map.data<float>().ToArray();
        var perImage = new List<ActivationPoint>();
        for (long i = 0; i < n; i++)
        {
            long best = 0;
            for (long p = 1; p < h * w; p++)
                if (v[i * h * w + p] > v[i * h * w + best]) best = p;
            perImage.Add(new ActivationPoint(i, feature, (int)(best / w), (int)(best % w), v[i * h * w + best]));
        }
        return perImage.OrderByDescending(p => p.Value).ThenBy(p => p.Image).Take(k).ToList();
    }

    static IEnumerable<Tensor> Split(Tensor x, int batch)
    {
        for (long i = 0; i < x.shape[0]; i += batch) yield return x[(int)i..(int)Math.Min(x.shape[0], i + batch)];
    }

    [Theory]
    [InlineData(1, 9, false)]
    [InlineData(3, 9, false)]
    [InlineData(7, 4, true)]
    [InlineData(20, 30, true)]
    [InlineData(20, 9, false)]
    [InlineData(10, 2, true)]
    public void StreamingSearchEqualsBruteForceIncludingTies(int batch, int k, bool quantised)
    {
        var model = TestNets.CifarSmall(seed: 8);
        torch.random.manual_seed(9);
        using (no_grad())
        {
            if (quantised)
                foreach (var p in model.parameters()) p.copy_(randint(-1, 2, p.shape).to_type(ScalarType.Float32) * 0.25f);
            // A dead map in conv2 (all zero): its top-k is the first k positions in (image, y, x) order.
            var conv2 = model.named_parameters().First(p => p.name == "conv2.conv.bias").parameter;
            conv2[2] = tensor(-1e6f);
        }
        var input = quantised ? randint(0, 3, [20, 3, 32, 32]).to_type(ScalarType.Float32) : randn(20, 3, 32, 32);
        var net = Deconvnet.FromModule(model);
        // Expected from the same batches: convolution results may differ in the last bit between batch sizes.
        var acts = Split(input, batch).Select(b => net.Forward(b, 4, record: false)).ToList();
        var all = Enumerable.Range(0, 5).Select(l => cat(acts.Select(a => a.Activations[l]).ToArray(), 0)).ToList();
        var result = TopK.Search(net, Split(input, batch), ["conv2", "conv5"], k, TopKRule.AllPositions);
        var distinct = TopK.Search(net, Split(input, batch), ["conv2", "conv5"], k);
        Assert.Equal(20, result.Images);
        foreach (var (name, layer) in new[] { ("conv2", 1), ("conv5", 4) })
            for (int f = 0; f < net.Layers[layer].Channels; f++)
            {
                Assert.Equal(Expected(all[layer], f, k), result.For(name, f));
                Assert.Equal(ExpectedDistinct(all[layer], f, k), distinct.For(name, f));
            }
        Assert.All(result.For("conv2", 2), p => Assert.Equal(0f, p.Value));
        Assert.Equal(Enumerable.Range(0, Math.Min(k, 4)), result.For("conv2", 2).Take(4).Select(p => p.X));
        // The sheets' rule on the dead map: one (the first) position of each of the first k images.
        Assert.Equal(Enumerable.Range(0, Math.Min(k, 20)).Select(i => (long)i), distinct.For("conv2", 2).Select(p => p.Image));
        Assert.All(distinct.For("conv2", 2), p => Assert.Equal((0, 0), (p.Y, p.X)));
    }

    [Fact]
    public void ProjectionsAndPatchesSitOnTheReceptiveField()
    {
        var model = TestNets.CifarSmall(seed: 10);
        torch.random.manual_seed(11);
        var raw = randint(0, 256, [6, 3, 32, 32]).to_type(ScalarType.Byte);
        Tensor Prep(Tensor u8) => u8.to_type(ScalarType.Float32) / 255f - 0.5f;
        var net = Deconvnet.FromModule(model);
        var result = TopK.Search(net, Split(Prep(raw), 4), ["conv3"], 9, TopKRule.AllPositions);
        var labels = arange(6, dtype: ScalarType.Int64) + 100;
        var features = TopKProjection.Project(net, result, "conv3", [0, 5], idx => Prep(raw.index_select(0, tensor(idx))),
            idx => raw.index_select(0, tensor(idx)).to_type(ScalarType.Float32) / 255f, idx => idx.Select(i => i + 100).ToArray(), imageBatch: 2);
        Assert.Equal(2, features.Count);
        var rf = net.ReceptiveField(2);
        using var trace = net.Forward(Prep(raw), 2);
        foreach (var feature in features)
        {
            Assert.Equal(9, feature.Cells.Count);
            Assert.Equal(result.For("conv3", feature.Feature), feature.Cells.Select(c => c.Point));
            foreach (var cell in feature.Cells)
            {
                var p = cell.Point;
                Assert.Equal(rf.At(p.Y, p.X), cell.Window);
                Assert.Equal(p.Image + 100, cell.Label);
                // the projection equals the single projection of that activation on its own image
                var clip = cell.Window.Clip(32, 32);
                using var one = net.Project(trace, 2, [p]);
                Assert.True((one.OnWindow(0, cell.Window) - cell.Projection).abs().max().item<float>() < 1e-6f);
                var full = one.FullImage(0).clone();
                full[.., clip.Top..clip.Bottom, clip.Left..clip.Right] = zeros(3, clip.Height, clip.Width);
                Assert.Equal(0f, full.abs().max().item<float>()); // nothing outside the receptive field
                // the patch is the image inside the window, zero outside
                var img = raw[p.Image].to_type(ScalarType.Float32) / 255f;
                var inside = cell.Patch[.., cell.Inside.Top..cell.Inside.Bottom, cell.Inside.Left..cell.Inside.Right];
                Assert.True((inside - img[.., clip.Top..clip.Bottom, clip.Left..clip.Right]).abs().max().item<float>() == 0f);
                Assert.Equal(cell.Window.Top < 0 || cell.Window.Left < 0 || cell.Window.Bottom > 32 || cell.Window.Right > 32, cell.Clipped);
                var outside = cell.Patch.clone();
                outside[.., cell.Inside.Top..cell.Inside.Bottom, cell.Inside.Left..cell.Inside.Right] = zeros(3, cell.Inside.Height, cell.Inside.Width);
                Assert.Equal(0f, outside.abs().max().item<float>());
            }
        }
    }
}
