using TorchSharp;
using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Training;

// LinearProbe and torch.optim run TorchSharp optimizers, which make temporary Scalars internally: run alone.
[Collection(nameof(SharedTorchState))]
public class SgdMomentumTests
{
    [Fact]
    public void MatchesTorchSgdWithMomentum()
    {
        // Second implementation: libtorch's own SGD (momentum 0.9, no dampening, weight decay) on a copy of the same layer.
        var a = nn.Linear(5, 3, hasBias: false);
        var b = nn.Linear(5, 3, hasBias: false);
        using (no_grad()) b.weight!.copy_(a.weight!);
        var mine = new SgdMomentum(a.named_parameters(), 0.9, 1e-3);
        var reference = optim.SGD(b.parameters(), 0.05, momentum: 0.9, weight_decay: 1e-3);
        var x = randn(8, 5);
        var y = randn(8, 3);
        for (int step = 0; step < 5; step++)
        {
            mine.ZeroGrad();
            nn.functional.mse_loss(a.forward(x), y).backward();
            mine.Step(0.05);
            reference.zero_grad();
            nn.functional.mse_loss(b.forward(x), y).backward();
            reference.step();
        }
        Assert.True(a.weight!.allclose(b.weight!, rtol: 1e-5, atol: 1e-7));
    }
}
