using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZfViz.Tests.Deconv;

/// <summary>
/// An independent deconvnet: the gradient of the selected activations with respect to the input, with every ReLU's
/// backward replaced by a ReLU of the incoming gradient and contrast normalisation's backward by the identity.
/// Runs the model's own modules (call) and lets autograd do the way down.
/// </summary>
static class AutogradProjection
{
    sealed class DeconvRelu : autograd.SingleTensorFunction<DeconvRelu>
    {
        public override string Name => "DeconvRelu";
        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars) => nn.functional.relu((Tensor)vars[0]);
        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad) => [nn.functional.relu(grad)];
    }

    /// <summary>Activation of block <paramref name="layer"/> (ReLU output) for input x, with the deconvnet's backward.</summary>
    public static Tensor Activation(nn.Module model, int layer, Tensor x)
    {
        int l = 0;
        foreach (var (_, block) in model.named_children())
        {
            foreach (var (_, m) in block.named_children())
            {
                switch (m)
                {
                    case ReLU:
                        x = DeconvRelu.apply(x);
                        if (l == layer) return x;
                        break;
                    case Conv2d conv: // the guarded convolution, as the models run it (see ConvChannelPadding)
                        x = ZfViz.Runtime.Numerics.ConvChannelPadding.Conv2d(conv, x);
                        break;
                    case LocalResponseNorm or ZfViz.Models.CrossMapNorm:
                        x = x + (((nn.Module<Tensor, Tensor>)m).call(x) - x).detach();
                        break;
                    case nn.Module<Tensor, Tensor> mod:
                        x = mod.call(x);
                        break;
                }
            }
            l++;
        }
        throw new ArgumentException($"No layer {layer}.");
    }

    /// <summary>
    /// For each selection s: input [1,C,H,W] copied, gradient of sum(activation * signal[s]) with the deconvnet backward.
    /// <paramref name="signal"/> is [S, C_l, H_l, W_l]. Returns [S,C,H,W].
    /// </summary>
    public static Tensor Project(nn.Module model, int layer, Tensor input, Tensor signal)
    {
        var x = input.expand(signal.shape[0], -1, -1, -1).clone().requires_grad_(true);
        var act = Activation(model, layer, x);
        (act * signal).sum().backward();
        return x.grad!.detach().clone();
    }
}
