using ZfViz.Analysis;
using ZfViz.Deconv;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

/// <summary>The two ranking rules of <see cref="TopK"/> against hand-built maps and a brute force over the ResNet-18.</summary>
[Collection(nameof(SharedTorchState))]
public class TopKRuleTests
{
    /// <summary>
    /// Four 2x2 one-map "images" (the identity probe reads them as the map): image 0 holds the three largest values
    /// (9, 8, 7); image 1 has two equal maxima (5 at (0,0) and (0,1)); images 2 and 3 tie at 6.
    /// </summary>
    static Tensor HandBuilt() => tensor(new float[]
    {
        9, 8,
        7, 0,

        5, 5,
        0, 1,

        6, 0,
        0, 2,

        0, 0,
        6, 1,
    }).view(4, 1, 2, 2);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void AllPositionsKeepsTheThreeValuesOfOneImage(int batch)
    {
        using var maps = HandBuilt();
        var top = TopK.Search(TestProbes.Identity(), Split(maps, batch), k: 3, TopKRule.AllPositions).For("id", 0);
        Assert.Equal([new(0, 0, 0, 0, 9), new(0, 0, 0, 1, 8), new ActivationPoint(0, 0, 1, 0, 7)], top);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void DistinctImagesTakesEachImageOnceAtItsFirstMaximumTiesToTheEarlierImage(int batch)
    {
        using var maps = HandBuilt();
        var result = TopK.Search(TestProbes.Identity(), Split(maps, batch), k: 3);
        Assert.Equal(TopKRule.DistinctImages, result.Rule);
        Assert.Equal(4, result.Images);
        // 9 from image 0 (its 8 and 7 are not offered), then the two 6s, image 2's before image 3's.
        Assert.Equal([new(0, 0, 0, 0, 9), new(2, 0, 0, 0, 6), new ActivationPoint(3, 0, 1, 0, 6)], result.For("id", 0));
        Assert.Equal(result.For("id", 0), result["id"][0]);
        // With room for two, image 3's 6 loses the tie to the earlier image 2.
        Assert.Equal([0L, 2], TopK.Search(TestProbes.Identity(), Split(maps, batch), k: 2).For("id", 0).Select(p => p.Image));
        // All four: image 1 last, at the first (row-major) of its two equal maxima.
        var four = TopK.Search(TestProbes.Identity(), Split(maps, batch), k: 9).For("id", 0);
        Assert.Equal([0L, 2, 3, 1], four.Select(p => p.Image));
        Assert.Equal(new ActivationPoint(1, 0, 0, 0, 5), four[3]);
    }

    [Fact]
    public void ProbeSearchOnTheResNetMatchesBruteForceAcrossBatches()
    {
        manual_seed(5);
        var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        using var images = randn(7, 3, 64, 64);
        var batches = new[] { images[..3], images[3..5], images[5..] };
        var top = TopK.Search(ModelProbe.Of(net, ["layer2"]), batches, k: 4)["layer2"];
        Assert.Equal(128, top.Count);

        using var _ = no_grad();
        using var a = net.ForwardTo(images, "layer2"); // [7,128,8,8]
        var v = a.data<float>().ToArray();
        for (int f = 0; f < 128; f++)
        {
            // Brute force: per image, the first maximum in row-major order; images by value, earlier first on ties.
            var perImage = Enumerable.Range(0, 7).Select(i =>
            {
                int bestPos = 0;
                for (int p = 1; p < 64; p++) if (v[(i * 128 + f) * 64 + p] > v[(i * 128 + f) * 64 + bestPos]) bestPos = p;
                return (Image: i, Pos: bestPos, Value: v[(i * 128 + f) * 64 + bestPos]);
            }).OrderByDescending(t => t.Value).ThenBy(t => t.Image).Take(4).ToList();
            Assert.Equal(perImage.Select(t => (long)t.Image), top[f].Select(t => t.Image));
            Assert.Equal(perImage.Select(t => (t.Pos / 8, t.Pos % 8)), top[f].Select(t => (t.Y, t.X)));
            for (int j = 0; j < 4; j++) Assert.Equal(perImage[j].Value, top[f][j].Value, 1e-5f);
        }
    }

    [Fact]
    public void IdenticalImagesTieToTheEarlierImage()
    {
        var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        using var image = randn(1, 3, 64, 64);
        var batches = new[] { image, image.clone(), image.clone() };
        var top = TopK.Search(ModelProbe.Of(net, ["layer1"]), batches, k: 2)["layer1"];
        Assert.All(top, f => Assert.Equal(new long[] { 0, 1 }, f.Select(a => a.Image)));
    }

    static IEnumerable<Tensor> Split(Tensor x, int batch)
    {
        for (long i = 0; i < x.shape[0]; i += batch) yield return x[(int)i..(int)Math.Min(x.shape[0], i + batch)];
    }
}
