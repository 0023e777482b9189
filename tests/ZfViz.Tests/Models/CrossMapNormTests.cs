using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Models;

public class CrossMapNormTests
{
    [Theory]
    [InlineData(5, 7)]
    [InlineData(4, 6)]
    [InlineData(5, 3)]
    public void EqualsTorchLocalResponseNormForwardAndBackward(int size, int channels)
    {
        var spec = new NormSpec(size, Alpha: 0.3, Beta: 0.75, K: 2);
        var ours = new CrossMapNorm(channels, spec);
        var reference = nn.LocalResponseNorm(size, spec.Alpha, spec.Beta, spec.K);
        var x1 = randn(2, channels, 4, 5).mul(3).requires_grad_();
        var x2 = x1.detach().clone().requires_grad_();
        var y1 = ours.forward(x1);
        var y2 = reference.forward(x2);
        Assert.True(y1.allclose(y2, rtol: 1e-5, atol: 1e-6));
        var g = randn_like(y1);
        (y1 * g).sum().backward();
        (y2 * g).sum().backward();
        Assert.True(x1.grad!.allclose(x2.grad!, rtol: 1e-4, atol: 1e-6));
    }
}
