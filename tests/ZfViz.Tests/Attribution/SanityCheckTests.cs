using TorchSharp;
using ZfViz.Attribution;
using ZfViz.Models;
using ZfViz.Tests.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Attribution;

[Collection(nameof(SharedTorchState))]
public class SanityCheckTests
{
    /// <summary>A "method" that ignores the model and returns the image: an edge detector would behave alike.</summary>
    sealed class ImageItself : IAttributionMethod
    {
        public string Name => "the image";
        public Tensor Explain(AttributionModel model, Tensor images, long[] targets) => images.clone();
    }

    static (ConvNet Net, Tensor X) Build()
    {
        torch.random.manual_seed(3);
        var net = new ConvNet(TinyConfigs.ZfNetCifar());
        net.eval();
        return (net, randn(2, 3, 32, 32));
    }

    [Fact]
    public void CascadingRandomisationRestoresTheWeightsAndSeparatesAModelIndependentMap()
    {
        var (net, x) = Build();
        using (net) using (x)
        {
            var before = net.parameters().Select(p => p.detach().clone()).ToList();
            var model = AttributionModel.Of(net);
            var result = SanityCheck.Randomise(model, [new ImageItself(), new GradientSaliency()], x, model.Ranked(x), seed: 1);
            Assert.Equal(["fc8", "fc7", "fc6", "conv5", "conv4", "conv3", "conv2", "conv1"], result.Depths);
            Assert.All(Enumerable.Range(0, result.Depths.Count), d => Assert.Equal(1.0, result.Mean("the image", d), 12));
            Assert.True(result.FullyRandomised("gradient") < 0.9, $"the gradient of a random network should not rank like the trained one's ({result.FullyRandomised("gradient"):0.000})");
            Assert.All(net.parameters().Zip(before), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>(), "the trained weights must come back exactly"));
            foreach (var b in before) b.Dispose();
        }
    }

    [Fact]
    public void ClassChangeIsOneForAMapThatIgnoresTheTargetAndBelowOneForTheGradient()
    {
        var (net, x) = Build();
        using (net) using (x)
        {
            var model = AttributionModel.Of(net);
            var result = SanityCheck.ChangeTarget(model, [new ImageItself(), new GradientSaliency()], x, model.Ranked(x, 0), model.Ranked(x, 1));
            Assert.Equal(1.0, result.Mean("the image"), 12);
            Assert.True(result.Mean("gradient") < 0.999);
            Assert.NotEqual(result.Targets, result.OtherTargets);
        }
    }

    [Fact]
    public void ReadsACorrelationInThreeBands()
    {
        Assert.Equal("barely changes", SanityCheck.Reading(0.7));
        Assert.Equal("changes partly", SanityCheck.Reading(0.69));
        Assert.Equal("changes partly", SanityCheck.Reading(0.3));
        Assert.Equal("changes a lot", SanityCheck.Reading(-0.2));
        Assert.StartsWith("cannot", SanityCheck.Reading(double.NaN));
    }

    [Fact]
    public void ObserveSeesTheTrainedResultThenEveryDepth()
    {
        var (net, x) = Build();
        using (net) using (x)
        {
            var model = AttributionModel.Of(net, upTo: "conv2");
            var seen = new List<(int Depth, string Method, long[] Shape)>();
            SanityCheck.Randomise(model, [new GradCam()], x, [0, 1], observe: (d, m, r) => seen.Add((d, m.Name, r.shape)));
            Assert.Equal([-1, 0, 1], seen.Select(s => s.Depth));
            Assert.All(seen, s => Assert.Equal(new long[] { 2, 1, 32, 32 }, s.Shape));
        }
    }

    [Fact]
    public void ResNetRandomisationReinitialisesBatchNormStatisticsAndRestoresThem()
    {
        torch.random.manual_seed(8);
        using var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        using (no_grad()) foreach (var b in net.buffers()) if (b.is_floating_point()) b.add_(0.5); // "trained" statistics
        var before = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var x = randn(1, 3, 64, 64);
        var model = AttributionModel.Of(net);
        var seenMeans = new List<double>();
        SanityCheck.Randomise(model, [new ImageItself()], x, [0], observe: (d, _, _) =>
        {
            if (d == model.LayersTopDown.Count - 1) seenMeans.Add(net.Bn1.running_mean!.mean().item<float>()); // conv1 re-initialised: mean 0
        });
        Assert.Equal(0.0, Assert.Single(seenMeans), 6);
        foreach (var (name, value) in net.state_dict())
            Assert.True(value.eq(before[name]).all().item<bool>(), $"{name} must come back exactly");
        foreach (var t in before.Values) t.Dispose();
    }
}
