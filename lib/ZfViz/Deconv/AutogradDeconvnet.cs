using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// The deconvnet of Sec. 2.1 in its shortest form: back-propagation through the network's own modules, with one
/// change: each ReLU's backward rectifies the signal coming down (ReLU of the gradient) instead of masking it with
/// the forward pass. Everything else is autograd's ordinary backward: max pooling sends the signal to its argmax
/// (the switches of the forward pass; overlapping windows that share an argmax add), a convolution applies its
/// transposed filters (no bias). Contrast normalisation is passed through unchanged, as the paper does not invert it.
/// Works for <see cref="Models.ConvNet"/> and any module built the same way (blocks conv1.. of conv, relu, pool, norm).
/// Slow but readable: <see cref="Deconvnet"/> is the fast engine, and the tests hold the two to each other.
/// </summary>
public static class AutogradDeconvnet
{
    /// <summary>ReLU on the way up; on the way down, ReLU of the incoming signal (the deconvnet's rectification).</summary>
    sealed class RectifiedRelu : autograd.SingleTensorFunction<RectifiedRelu>
    {
        public override string Name => "RectifiedRelu";
        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars) => nn.functional.relu((Tensor)vars[0]);
        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad) => [nn.functional.relu(grad)];
    }

    /// <summary>The ReLU output of block <paramref name="layer"/> (e.g. "conv2") on the way up, wired for the way down.</summary>
    public static Tensor Activations(nn.Module net, Tensor x, string layer)
    {
        foreach (var (name, block) in net.named_children())
        {
            foreach (var (_, step) in block.named_children())
            {
                if (step is Linear && x.dim() > 2) x = x.flatten(1); // fc6 reads the flattened conv maps
                x = step switch
                {
                    ReLU => RectifiedRelu.apply(x),
                    LocalResponseNorm or Models.CrossMapNorm => x + (((nn.Module<Tensor, Tensor>)step).call(x) - x).detach(), // identity down
                    Conv2d conv => Runtime.Numerics.ConvChannelPadding.Conv2d(conv, x), // as the models run it (the numerics guard)
                    _ => ((nn.Module<Tensor, Tensor>)step).call(x),
                };
                if (step is ReLU && name == layer) return x;
            }
        }
        throw new ArgumentException($"The network has no block '{layer}'; it has {string.Join(", ", net.named_children().Select(c => c.name))}.", nameof(layer));
    }

    /// <summary>
    /// Projects one activation to input space: the activation at <paramref name="point"/> keeps its value, every other
    /// activation of the layer is zero, and that signal runs down. <paramref name="input"/> is [B,C,H,W] and
    /// <paramref name="point"/>.Image picks the image. Returns [C,H,W].
    /// </summary>
    public static Tensor Project(nn.Module net, Tensor input, string layer, ActivationPoint point)
    {
        using var scope = NewDisposeScope();
        var image = input[point.Image].unsqueeze(0);
        Tensor signal;
        using (no_grad()) signal = zeros_like(Activations(net, image, layer));
        signal[0, point.Feature, point.Y, point.X] = point.Value;
        return ProjectSignals(net, image, layer, signal)[0].MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Projects any signals on the layer's activations ([S,C_l,H_l,W_l], e.g. one whole map) for one image
    /// [1,C,H,W]: the gradient of sum(activations x signal) with the rectified backward. Returns [S,C,H,W].
    /// </summary>
    public static Tensor ProjectSignals(nn.Module net, Tensor image, string layer, Tensor signal)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = image.detach().expand(signal.shape[0], -1, -1, -1).clone().requires_grad_(true);
        var down = (Activations(net, x, layer) * signal).sum();
        // autograd.grad rather than backward(): the network's parameters collect no gradients on the way
        return autograd.grad([down], [x])[0].detach().clone().MoveToOuterDisposeScope();
    }
}
