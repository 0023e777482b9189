using ZfViz.Deconv;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Deconv;

[Collection(nameof(SharedTorchState))]
public class ResNet18TopKTests
{
    [Fact]
    public void MatchesBruteForceAcrossBatches()
    {
        manual_seed(5);
        var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        using var images = randn(7, 3, 64, 64);
        var batches = new[] { images[..3], images[3..5], images[5..] };
        var top = ResNet18TopK.Search(net, batches, "layer2", k: 4);
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
    public void TiesGoToTheEarlierImage()
    {
        var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        using var image = randn(1, 3, 64, 64);
        var batches = new[] { image, image.clone(), image.clone() };
        var top = ResNet18TopK.Search(net, batches, "layer1", k: 2);
        Assert.All(top, f => Assert.Equal(new long[] { 0, 1 }, f.Select(a => a.Image)));
    }
}
