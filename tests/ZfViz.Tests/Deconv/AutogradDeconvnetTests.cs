using TorchSharp;
using ZfViz.Deconv;
using ZfViz.Models;
using ZfViz.Tests.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Deconv;

public class AutogradDeconvnetTests
{
    /// <summary>
    /// conv1 (one 2x2 filter) + ReLU + 2x2 max pooling with stride 1 (overlapping windows), then conv2 (one 2x2
    /// filter) + ReLU, on a 4x4 input; no biases. Every number below is worked out by hand in the comments.
    /// </summary>
    [Fact]
    public void ProjectsAHandComputedExample()
    {
        var net = TestNets.Build(1, [new(1, 2, 1, 0, Pool: (2, 1, 0)), new(1, 2, 1, 0)]);
        using (no_grad())
        {
            net.get_parameter("conv1.conv.weight")!.copy_(tensor(new float[] { 1, -1, 0, 2 }).view(1, 1, 2, 2));
            net.get_parameter("conv2.conv.weight")!.copy_(tensor(new float[] { 1, -1.5f, 0.5f, 1 }).view(1, 1, 2, 2));
            foreach (var name in new[] { "conv1.conv.bias", "conv2.conv.bias" }) net.get_parameter(name)!.zero_();
        }
        var x = tensor(new float[] { 1, 0, 2, 1, 0, 3, 1, 0, 2, 1, 0, 4, 1, 0, 1, 2 }).view(1, 1, 4, 4);
        // Up. conv1[i,j] = x[i,j] - x[i,j+1] + 2 x[i+1,j+1] = [[7,0,1],[-1,2,9],[1,3,0]]; ReLU: [[7,0,1],[0,2,9],[1,3,0]].
        // Pool (2x2, stride 1): [[7,9],[3,9]] with switches (0,0), (1,2), (2,1), (1,2): two windows share (1,2).
        // conv2 = 7*1 + 9*(-1.5) + 3*0.5 + 9*1 = 4.
        var act = AutogradDeconvnet.Activations(net, x, "conv2").detach();
        Assert.Equal(4f, act.item<float>(), 5);
        // Down from that activation (value 4). ReLU of 4 = 4. Transposed conv2: 4 * w2 = [[4,-6],[2,4]].
        // Unpool at the switches: (0,0) = 4, (2,1) = 2, (1,2) = -6 + 4 = -2 (the shared argmax adds).
        // Rectify: (1,2) becomes 0 (plain back-propagation would keep -2: the forward ReLU was open there).
        // Transposed conv1 of [[4,0,0],[0,0,0],[0,2,0]]: 4*w1 at rows 0-1, cols 0-1 and 2*w1 at rows 2-3, cols 1-2.
        var expected = tensor(new float[]
        {
            4, -4, 0, 0,
            0, 8, 0, 0,
            0, 2, -2, 0,
            0, 0, 4, 0,
        }).view(1, 4, 4);
        var projection = AutogradDeconvnet.Project(net, x, "conv2", new ActivationPoint(0, 0, 0, 0, 4f));
        Assert.Equal(expected.data<float>().ToArray(), projection.data<float>().ToArray());
        Assert.All(net.parameters(), p => Assert.True(p.grad is null, "projecting must leave the network's parameters without gradients"));
        // The fast engine agrees on the same example.
        var fast = Deconvnet.FromModule(net);
        using var trace = fast.Forward(x, 1);
        using var batch = fast.Project(trace, 1, [new ActivationPoint(0, 0, 0, 0, 4f)]);
        Assert.Equal(expected.data<float>().ToArray(), batch.FullImage(0).data<float>().ToArray());
    }

    /// <summary>A real ConvNet (zfnet-cifar's geometry, few filters): every layer's strongest activations, three images, to 1e-5 of the fast engine.</summary>
    [Fact]
    public void AgreesWithTheFastDeconvnetOnAConvNet()
    {
        torch.random.manual_seed(21);
        using var net = new ConvNet(TinyConfigs.ZfNetCifar());
        net.eval();
        var input = randn(3, 3, 32, 32);
        var fast = Deconvnet.FromModule(net);
        using var trace = fast.Forward(input, fast.Layers.Count - 1);
        for (int layer = 0; layer < fast.Layers.Count; layer++)
        {
            var points = Enumerable.Range(0, 3).SelectMany(image =>
                Enumerable.Range(0, (int)trace.Activations[layer].shape[1]).Where(f => f % 2 == image % 2)
                    .Select(f => Deconvnet.Strongest(trace.Activations[layer], image, f))).ToList();
            using var batch = fast.Project(trace, layer, points);
            for (int s = 0; s < points.Count; s++)
            {
                var expected = AutogradDeconvnet.Project(net, input, fast.Layers[layer].Name, points[s]);
                double scale = expected.abs().max().item<float>(), diff = (expected - batch.FullImage(s)).abs().max().item<float>();
                Assert.True(diff <= 1e-5 * Math.Max(scale, 1e-30), $"{fast.Layers[layer].Name} {points[s]}: {diff:g3} vs {scale:g3}");
            }
        }
    }

    [Fact]
    public void NamesTheBlocksWhenTheLayerIsUnknown()
    {
        using var net = new ConvNet(TinyConfigs.ZfNetCifar());
        var error = Assert.Throws<ArgumentException>(() => AutogradDeconvnet.Project(net, randn(1, 3, 32, 32), "conv9", new ActivationPoint(0, 0, 0, 0, 1f)));
        Assert.Contains("conv9", error.Message);
        Assert.Contains("conv1, conv2", error.Message);
    }
}
