using ZfViz.Models;
using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Models;

public class ForwardLayersTests
{
    [Fact]
    public void IntermediateActivationsChainToTheSameLogits()
    {
        using var net = new ConvNet(Presets.ZfNetCifar);
        net.eval();
        using var _ = no_grad();
        var x = randn(3, 3, 32, 32);
        var acts = net.ForwardLayers(x);
        var logits = net.forward(x);
        Assert.True(acts["fc8"].allclose(logits, rtol: 1e-5, atol: 1e-6));
        // Resuming from a block's input reproduces the logits (occlusion and probes rely on it).
        Assert.True(net.ForwardFrom("conv3", acts["conv2"]).allclose(logits, rtol: 1e-5, atol: 1e-6));
        Assert.True(net.ForwardFrom("fc6", acts["conv5"]).allclose(logits, rtol: 1e-5, atol: 1e-6));
        // The ReLU output is the rectified conv output; the block output is after pool and norm.
        Assert.True(acts["conv1.relu"].eq(acts["conv1.conv"].relu()).all().item<bool>());
        Assert.Equal(["conv1.conv", "conv1.relu", "conv1.pool", "conv1.norm", "conv1"], acts.Keys.Take(5));
        Assert.Same(acts["conv1.norm"], acts["conv1"]);
        var partial = net.ForwardLayers(x, stopAfter: "conv2");
        Assert.DoesNotContain("conv3", partial.Keys);
    }

    [Fact]
    public void ChannelsLastInputGivesTheSameOutput()
    {
        using var net = new ConvNet(Presets.AlexNetCifar);
        net.eval();
        using var _ = no_grad();
        var x = randn(4, 3, 32, 32);
        Assert.True(net.forward(ChannelsLast.Of(x)).allclose(net.forward(x), rtol: 1e-4, atol: 1e-5));
    }
}
