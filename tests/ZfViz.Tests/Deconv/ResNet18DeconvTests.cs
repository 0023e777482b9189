using TorchSharp;
using Xunit.Abstractions;
using ZfViz.Deconv;
using ZfViz.Models;
using ZfViz.Tests.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Deconv;

[Collection(nameof(SharedTorchState))]
public class ResNet18DeconvTests(ITestOutputHelper output)
{
    /// <summary>Forward: ReLU. Backward: a ReLU of the incoming gradient (the deconvnet's rule), whatever the forward input was.</summary>
    sealed class DeconvRelu : autograd.SingleTensorFunction<DeconvRelu>
    {
        public override string Name => "DeconvRelu";
        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars) => nn.functional.relu((Tensor)vars[0]);
        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput) => [nn.functional.relu(gradOutput)];
    }

    static Tensor Relu(Tensor x) => DeconvRelu.apply(x);

    /// <summary>The stage's output, computed from the model's own layers (eval-mode batch norm) with <see cref="DeconvRelu"/>.</summary>
    static Tensor ReferenceForward(ResNet18 m, Tensor x, string stage)
    {
        var h = Relu(m.Bn1.call(m.Conv1.call(m.Conv1Pad.call(x))));
        if (stage == "conv1") return h;
        h = m.Pool1.forward(h);
        if (stage == "pool1") return h;
        for (int l = 0; l < m.Layers.Count; l++)
        {
            foreach (var b in m.Layers[l])
            {
                var r = Relu(b.Bn1.call(b.Conv1.call(b.Pad1 is null ? h : b.Pad1.call(h))));
                r = b.Bn2.call(b.Conv2.call(r));
                var sc = b.DownsampleConv is null ? h : b.DownsampleBn!.call(b.DownsampleConv.call(h));
                h = Relu(r + sc);
            }
            if (stage == $"layer{l + 1}") return h;
        }
        return h.mean([2, 3]);
    }

    /// <summary>d(activation · value)/d(input) with the deconvnet ReLU rule, for the activation the projection chose.</summary>
    static Tensor Reference(ResNet18 m, Tensor image, ResNet18Projection p)
    {
        using var scope = NewDisposeScope();
        var x = image.unsqueeze(0).detach().requires_grad_(true);
        var a = ReferenceForward(m, x, p.Stage);
        var seed = zeros_like(a);
        if (p.Stage == "avgpool") seed[0, p.Feature] = p.Value;
        else seed[0, p.Feature, p.Y, p.X] = p.Value;
        var g = autograd.grad([a], [x], [seed])[0];
        return g[0].detach().cpu().MoveToOuterDisposeScope();
    }

    /// <summary>max |a - b| / max |b|; when the reference is all zero (a dead activation), max |a| itself.</summary>
    static double RelativeError(Tensor actual, Tensor expected)
    {
        double diff = (actual - expected).abs().max().item<float>(), scale = expected.abs().max().item<float>();
        return scale == 0 ? diff : diff / scale;
    }

    /// <summary>A small random network whose batch norms are far from the identity, so folding matters.</summary>
    static ResNet18 RandomNet(long seed)
    {
        manual_seed(seed);
        var net = new ResNet18([1, 1, 2, 1]);
        using (no_grad())
            foreach (var (name, buffer) in net.named_buffers())
            {
                if (name.EndsWith("running_mean")) buffer.copy_(randn_like(buffer) * 0.1);
                if (name.EndsWith("running_var")) buffer.copy_(rand_like(buffer) + 0.5);
            }
        using (no_grad())
            foreach (var (name, p) in net.named_parameters())
                if (name.Contains("bn") && name.EndsWith("weight")) p.copy_(rand_like(p) + 0.5);
        net.eval();
        return net;
    }

    [Theory]
    [InlineData("conv1")]
    [InlineData("pool1")]
    [InlineData("layer1")]
    [InlineData("layer2")]
    [InlineData("layer3")]
    [InlineData("layer4")]
    [InlineData("avgpool")]
    public void MatchesAutogradOnRandomNetworkWithOddSizes(string stage)
    {
        // 65x97: odd input sizes exercise the stem's asymmetric paddings, crops and output paddings
        // (maps entering layer2..4 must be even with these paddings: 16x24 after the stem).
        var net = RandomNet(1);
        using var images = randn(2, 3, 65, 97);
        int channels = ResNet18.StageChannels[stage];
        var selections = new[] { new ResNet18Selection(0, 3), new ResNet18Selection(1, channels - 1), new ResNet18Selection(1, 0) };
        var projections = ResNet18Deconv.ProjectMany(net, images, stage, selections, batchSize: 2);
        foreach (var p in projections)
        {
            Assert.Equal(new long[] { 3, 65, 97 }, p.Image.shape);
            var expected = Reference(net, images[p.ImageIndex], p);
            double err = RelativeError(p.Image, expected);
            output.WriteLine($"{stage} image {p.ImageIndex} feature {p.Feature} at ({p.Y},{p.X}) value {p.Value:F3}: relative error {err:E2}");
            if (p.Value > 0) Assert.True(expected.abs().max().item<float>() > 0, "reference projection is all zero");
            Assert.True(err < 1e-5, $"{stage}: relative error {err:E2}");
        }
    }

    [Fact]
    public void MaxPoolTiesAgreeWithTheGradient()
    {
        // A constant image makes the stem's maps constant away from the border: every pool window is a tie and
        // overlapping windows pick the same input, so unpooling must add what they send, as the gradient does.
        var net = RandomNet(2);
        using var image = full(3, 64, 64, 0.5f);
        foreach (var stage in new[] { "pool1", "layer1" })
        {
            int feature;
            using (no_grad()) feature = (int)net.ForwardTo(image.unsqueeze(0), stage)[0].amax([1, 2]).argmax().item<long>();
            var p = ResNet18Deconv.Project(net, image.unsqueeze(0), stage, feature, (6, 7));
            Assert.True(p.Value > 0);
            var expected = Reference(net, image, p);
            double err = RelativeError(p.Image, expected);
            output.WriteLine($"ties, {stage}: value {p.Value:F3}, relative error {err:E2}");
            Assert.True(err < 1e-5, $"{stage}: relative error {err:E2}");
        }
    }

    [Fact]
    public void BatchedEqualsOneAtATime()
    {
        var net = RandomNet(3);
        using var images = randn(3, 3, 64, 64);
        var selections = new[] { new ResNet18Selection(2, 7), new ResNet18Selection(0, 1, (2, 3)), new ResNet18Selection(1, 9) };
        var batched = ResNet18Deconv.ProjectMany(net, images, "layer2", selections, batchSize: 3);
        for (int i = 0; i < selections.Length; i++)
        {
            var s = selections[i];
            var single = ResNet18Deconv.Project(net, images[s.Image].unsqueeze(0), "layer2", s.Feature, s.Position is { } q ? (q.Y, q.X) : null);
            Assert.Equal(single.Value, batched[i].Value, 1e-5f);
            Assert.Equal((single.Y, single.X), (batched[i].Y, batched[i].X));
            Assert.True(RelativeError(batched[i].Image, single.Image) < 1e-5);
        }
        Assert.Equal((2, 3), (batched[1].Y, batched[1].X));
    }

    [Fact]
    public void RejectsBadSelections()
    {
        var net = RandomNet(4);
        using var images = randn(1, 3, 64, 64);
        Assert.Throws<ArgumentException>(() => ResNet18Deconv.Project(net, images, "layer5", 0));
        Assert.Throws<ArgumentException>(() => ResNet18Deconv.Project(net, randn(1, 3, 69, 64), "layer1", 0));
        Assert.Throws<ArgumentException>(() => ResNet18Deconv.Project(net, images, "layer1", 64));
        Assert.Throws<ArgumentException>(() => ResNet18Deconv.Project(net, images, "layer1", 0, (16, 0)));
        Assert.Throws<ArgumentException>(() => ResNet18Deconv.Project(net, images, "avgpool", 0, (0, 0)));
    }

    [PhotoFact]
    public void MatchesAutogradOnImageNetNetworkAndRealPhoto()
    {
        var net = ResNet18TestData.ImageNet;
        var photo = ResNet18TestData.SamplePhotos(2)[1];
        using var input = ResNet18TestData.Preprocessing.FromFile(photo);
        double worst = 0;
        foreach (var stage in ResNet18.StageNames)
        {
            var p = ResNet18Deconv.Project(net, input.unsqueeze(0), stage, 11);
            var expected = Reference(net, input, p);
            double err = RelativeError(p.Image, expected);
            output.WriteLine($"{Path.GetFileName(photo)} {stage} feature 11 at ({p.Y},{p.X}) value {p.Value:F3}: relative error {err:E2}");
            worst = Math.Max(worst, err);
        }
        Assert.True(worst < 1e-5, $"worst relative error {worst:E2}");
    }
}
