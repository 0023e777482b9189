using TorchSharp;
using ZfViz.Attribution;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Attribution;

/// <summary>
/// One 1x1 conv of two filters (+1 and -1) + ReLU + a linear layer to two classes, on a 2x2 image: every method's
/// answer is worked out by hand. Flattened, the conv maps are A0 = relu(x), A1 = relu(-x), pixels in row-major order.
/// </summary>
public class HandComputedAttributionTests
{
    static readonly float[] Image = [1, -2, 3, -4];
    // class 0's weights on A0 (v0) and on A1 (v1); class 1's are arbitrary
    static readonly float[] V0 = [1, -1, -2, 2], V1 = [3, -1, 1, 3];

    static (ConvNet Net, Tensor X) Build()
    {
        var config = new NetConfig
        {
            Name = "hand", InputSize = 2, InputChannels = 1, Fc6 = 0, Fc7 = 0, Classes = 2, Dropout = 0,
            Convs = [new ConvLayer(2, 1)],
        }.Validate();
        var net = new ConvNet(config);
        net.eval();
        using (no_grad())
        {
            net.Conv("conv1").weight!.copy_(tensor(new float[] { 1, -1 }).view(2, 1, 1, 1));
            net.Conv("conv1").bias!.zero_();
            net.Fc("fc8").weight!.copy_(tensor(V0.Concat(V1).Concat(new float[] { 0.5f, 0, 0, 1, -1, 0, 2, 0 }).ToArray()).view(2, 8));
            net.Fc("fc8").bias!.zero_();
        }
        return (net, tensor(Image).view(1, 1, 2, 2));
    }

    static float[] Run(IAttributionMethod method)
    {
        var (net, x) = Build();
        using (net) using (x)
        {
            using var result = method.Explain(AttributionModel.Of(net), x, [0]);
            Assert.All(net.parameters(), p => Assert.True(p.grad is null, "explaining must leave the parameters without gradients"));
            return result.data<float>().ToArray();
        }
    }

    // Open ReLUs: A0 at pixels 0 and 2 (x > 0), A1 at pixels 1 and 3. Conv weight +1 for A0, -1 for A1.

    [Fact]
    public void GradientIsTheWeightThroughTheOpenReLU() =>
        // p0: +v0[0] = 1; p1: -v1[1] = 1; p2: +v0[2] = -2; p3: -v1[3] = -3
        Assert.Equal([1f, 1, -2, -3], Run(new GradientSaliency()));

    [Fact]
    public void DeconvnetRectifiesTheSignalAndIgnoresTheForwardMask() =>
        // every pixel: +relu(v0[p]) - relu(v1[p]): 1-3, 0-0, 0-1, 2-3
        Assert.Equal([-2f, 0, -1, -1], Run(new DeconvnetAttribution()));

    [Fact]
    public void GuidedBackpropIsTheGradientMaskedByBoth() =>
        // the gradient where both the ReLU was open and the signal positive: p0 (v0 = 1 > 0), p3 (v1 = 3 > 0)
        Assert.Equal([1f, 0, 0, -3], Run(new GuidedBackprop()));

    [Fact]
    public void GradCamIsTheMeanGradientWeightedSumOfTheMaps() =>
        // dy0/dA^k = v_k, so a_0 = mean(v0) = 0 and a_1 = mean(v1) = 1.5; ReLU(1.5 * A1) = 1.5 * [0,2,0,4]
        Assert.Equal([0f, 3, 0, 6], Run(new GradCam()));

    [Fact]
    public void RefusesATargetCountThatDoesNotMatchTheImages()
    {
        var (net, x) = Build();
        using (net) using (x)
            Assert.Throws<ArgumentException>(() => new GradientSaliency().Explain(AttributionModel.Of(net), x, [0, 1]));
    }
}
