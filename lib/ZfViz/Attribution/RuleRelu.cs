using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>
/// A ReLU whose forward is always relu(x) and whose backward follows a <see cref="ReluRule"/>. Built from one custom
/// autograd step, <see cref="RectifyGradient"/> (identity up, relu(g) down), and two ordinary pieces:
/// <list type="bullet">
/// <item>Gradient: relu(x): autograd masks g by [x &gt; 0].</item>
/// <item>Guided: RectifyGradient(relu(x)): g is rectified, then masked by [x &gt; 0].</item>
/// <item>Deconvnet: RectifyGradient(x + (relu(x) - x).detach()): the value is relu(x), but g passes the ReLU
/// unmasked (the detached part has no gradient), only rectified.</item>
/// </list>
/// </summary>
public static class RuleRelu
{
    /// <summary>Identity on the way up; ReLU of the incoming gradient on the way down.</summary>
    sealed class RectifyGradient : autograd.SingleTensorFunction<RectifyGradient>
    {
        public override string Name => "RectifyGradient";
        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars) => ((Tensor)vars[0]).clone();
        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad) => [nn.functional.relu(grad)];
    }

    public static Tensor Apply(Tensor x, ReluRule rule) => rule switch
    {
        ReluRule.Gradient => nn.functional.relu(x),
        ReluRule.Guided => RectifyGradient.apply(nn.functional.relu(x)),
        ReluRule.Deconvnet => RectifyGradient.apply(x + (nn.functional.relu(x) - x).detach()),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };
}
