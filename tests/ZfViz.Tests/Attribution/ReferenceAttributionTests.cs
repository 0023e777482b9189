using TorchSharp;
using TorchSharp.Modules;
using ZfViz.Attribution;
using ZfViz.Deconv;
using ZfViz.Models;
using ZfViz.Tests.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Attribution;

/// <summary>
/// The methods on a real ConvNet (zfnet-cifar's geometry, few filters: pools, contrast normalisation, fc layers)
/// against independent computations: an explicit reverse pass in float64 that chains each module's own
/// vector-Jacobian product and applies the ReLU rule by hand; Grad-CAM from <see cref="ConvNet.ForwardLayers"/> in
/// float64; the deconvnet against <see cref="AutogradDeconvnet"/>; the ResNet-18's gradient against autograd through
/// the network's own forward.
/// </summary>
[Collection(nameof(SharedTorchState))]
public class ReferenceAttributionTests
{
    static (ConvNet Net, Tensor X) Build()
    {
        torch.random.manual_seed(12);
        var net = new ConvNet(TinyConfigs.ZfNetCifar());
        net.eval();
        return (net, randn(2, 3, 32, 32));
    }

    /// <summary>Module by module in float64, then back down: ReLUs by the rule, every other module by its own VJP.</summary>
    static Tensor ExplicitReversePass(ConvNet net, Tensor x, long[] targets, ReluRule rule)
    {
        using var scope = NewDisposeScope();
        var steps = new List<(nn.Module Module, Tensor Input)>();
        var h = x;
        using (no_grad())
            foreach (var name in net.BlockNames)
                foreach (var (_, module) in net.Block(name).named_children())
                {
                    steps.Add((module, h));
                    if (module is Linear && h.dim() > 2) h = h.flatten(1);
                    h = module is Dropout ? h : ((nn.Module<Tensor, Tensor>)module).call(h);
                }
        var g = zeros_like(h);
        for (int i = 0; i < targets.Length; i++) g[i, targets[i]] = 1;
        for (int s = steps.Count - 1; s >= 0; s--)
        {
            var (module, input) = steps[s];
            var open = (input > 0).to_type(input.dtype);
            g = module switch
            {
                ReLU => rule switch
                {
                    ReluRule.Gradient => g * open,
                    ReluRule.Deconvnet => nn.functional.relu(g),
                    _ => nn.functional.relu(g) * open,
                },
                Dropout => g,
                CrossMapNorm when rule == ReluRule.Deconvnet => g,
                _ => Vjp((nn.Module<Tensor, Tensor>)module, input, g),
            };
        }
        return g.MoveToOuterDisposeScope();
    }

    static Tensor Vjp(nn.Module<Tensor, Tensor> module, Tensor input, Tensor g)
    {
        using var grad = enable_grad();
        var leaf = input.detach().requires_grad_(true);
        var output = module.call(module is Linear ? leaf.flatten(1) : leaf);
        return autograd.grad([output], [leaf], [g])[0];
    }

    static void AssertClose(Tensor expected, Tensor actual, double relative = 1e-4)
    {
        using var e = expected.to_type(ScalarType.Float64);
        using var a = actual.to_type(ScalarType.Float64);
        double scale = e.abs().max().item<double>(), diff = (e - a).abs().max().item<double>();
        Assert.True(scale > 0, "the reference is all zero: the test would prove nothing");
        Assert.True(diff <= relative * scale, $"differs by {diff:g3} at a scale of {scale:g3}");
    }

    [Theory]
    [InlineData(ReluRule.Gradient)]
    [InlineData(ReluRule.Deconvnet)]
    [InlineData(ReluRule.Guided)]
    public void SignalMethodsMatchAFloat64ExplicitReversePass(ReluRule rule)
    {
        var (net, x) = Build();
        using (net) using (x)
        {
            IAttributionMethod method = rule switch
            {
                ReluRule.Gradient => new GradientSaliency(),
                ReluRule.Deconvnet => new DeconvnetAttribution(),
                _ => new GuidedBackprop(),
            };
            var model = AttributionModel.Of(net);
            long[] targets = [model.Ranked(x)[0], 3];
            using var actual = method.Explain(model, x, targets);
            net.to(ScalarType.Float64);
            using var x64 = x.to_type(ScalarType.Float64);
            using var expected = ExplicitReversePass(net, x64, targets, rule);
            AssertClose(expected, actual);
        }
    }

    [Fact]
    public void GuidedBackpropDiffersFromBothOnADeepNet()
    {
        // On one ReLU layer guided = gradient masked by the positive signal (the hand-computed tests); deeper, the masks compound.
        var (net, x) = Build();
        using (net) using (x)
        {
            var model = AttributionModel.Of(net);
            long[] targets = [1, 2];
            using var gradient = new GradientSaliency().Explain(model, x, targets);
            using var guided = new GuidedBackprop().Explain(model, x, targets);
            using var deconv = new DeconvnetAttribution().Explain(model, x, targets);
            Assert.False(guided.allclose(gradient), "guided backprop should differ from the gradient on a deep net");
            Assert.False(guided.allclose(deconv), "guided backprop should differ from the deconvnet on a deep net");
        }
    }

    [Fact]
    public void GradCamMatchesAFloat64ComputationFromForwardLayers()
    {
        var (net, x) = Build();
        using (net) using (x)
        {
            var model = AttributionModel.Of(net);
            Assert.Equal("conv5", model.CamLayer);
            long[] targets = [4, 7];
            using var actual = new GradCam().Explain(model, x, targets);
            net.to(ScalarType.Float64);
            using var scope = NewDisposeScope();
            using var grad = enable_grad();
            var layers = net.ForwardLayers(x.to_type(ScalarType.Float64).requires_grad_(true));
            var maps = layers["conv5.relu"];
            var picked = layers["fc8"][0, targets[0]] + layers["fc8"][1, targets[1]];
            var weights = autograd.grad([picked], [maps])[0].mean([2, 3], keepdim: true);
            var cam = nn.functional.relu((weights * maps).sum(1, keepdim: true)).detach();
            var expected = nn.functional.interpolate(cam, [32, 32], mode: InterpolationMode.Bilinear, align_corners: false);
            Assert.Equal(new long[] { 2, 1, 32, 32 }, actual.shape);
            AssertClose(expected, actual);
        }
    }

    [Theory]
    [InlineData("conv2")]
    [InlineData("conv5")]
    public void DeconvnetOfOneActivationIsTheAutogradDeconvnetProjection(string layer)
    {
        var (net, x) = Build();
        using (net) using (x)
        {
            using var image = x[1..2];
            ActivationPoint point;
            long target;
            using (no_grad())
            {
                using var acts = AutogradDeconvnet.Activations(net, image, layer);
                long flat = acts.flatten().argmax().item<long>(), h = acts.shape[2], w = acts.shape[3];
                point = new ActivationPoint(1, (int)(flat / (h * w)), (int)(flat / w % h), (int)(flat % w), acts.flatten()[flat].item<float>());
                target = point.Feature * h * w + point.Y * w + point.X; // the scores are the activations flattened
            }
            var model = AttributionModel.Of(net, upTo: layer);
            using var ours = new DeconvnetAttribution().Explain(model, image, [target]);
            using var reference = AutogradDeconvnet.Project(net, x, layer, point);
            // the projection carries the activation's value; ours is the signal of one unit at that activation
            AssertClose(reference, ours[0] * point.Value, 1e-5);
        }
    }

    [Fact]
    public void ConvNetScoresAreTheNetworksLogits()
    {
        var (net, x) = Build();
        using (net) using (x) using (no_grad())
        {
            using var logits = net.forward(x);
            AssertClose(logits, AttributionModel.Of(net).Forward(x, ReluRule.Guided).Scores, 1e-6);
        }
    }

    [Fact]
    public void ResNetGradientIsAutogradThroughTheNetworksOwnForward()
    {
        torch.random.manual_seed(5);
        using var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        using var x = randn(2, 3, 64, 64);
        var model = AttributionModel.Of(net);
        long[] targets = [10, 300];
        using var actual = new GradientSaliency().Explain(model, x, targets);
        using var scope = NewDisposeScope();
        using (no_grad()) AssertClose(net.forward(x), model.Forward(x, ReluRule.Deconvnet).Scores, 1e-6);
        using var grad = enable_grad();
        var leaf = x.clone().requires_grad_(true);
        var features = net.forward(leaf);
        var expected = autograd.grad([features[0, targets[0]] + features[1, targets[1]]], [leaf])[0];
        AssertClose(expected, actual);
        Assert.Equal(["layer4", "layer3", "layer2", "layer1", "conv1"], model.LayersTopDown.Select(l => l.Name));
    }
}
