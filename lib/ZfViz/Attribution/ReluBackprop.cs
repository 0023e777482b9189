using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>The three signal methods' common step: d score / d input with every ReLU's backward following a rule.</summary>
static class ReluBackprop
{
    public static Tensor InputSignal(AttributionModel model, Tensor images, long[] targets, ReluRule rule)
    {
        CheckTargets(images, targets);
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = images.detach().clone().requires_grad_(true);
        var (scores, _) = model.Forward(x, rule);
        var picked = Picked(scores, targets).sum();
        // autograd.grad rather than backward(): the network's parameters collect no gradients
        return autograd.grad([picked], [x])[0].detach().clone().MoveToOuterDisposeScope();
    }

    /// <summary>scores[n, targets[n]] for every image: [N].</summary>
    public static Tensor Picked(Tensor scores, long[] targets)
    {
        using var index = tensor(targets, device: scores.device).unsqueeze(1);
        return scores.gather(1, index).squeeze(1);
    }

    public static void CheckTargets(Tensor images, long[] targets)
    {
        if (images.dim() != 4) throw new ArgumentException($"Expected images [N,C,H,W]; got [{string.Join(",", images.shape)}].", nameof(images));
        if (targets.Length != images.shape[0])
            throw new ArgumentException($"One target per image: {images.shape[0]} images, {targets.Length} targets.", nameof(targets));
    }
}
