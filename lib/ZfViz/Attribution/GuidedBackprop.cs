using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>
/// Springenberg et al. 2015: back-propagation in which each ReLU passes the signal only where both its forward input
/// and the signal are positive (<see cref="ReluRule.Guided"/>): the gradient's mask and the deconvnet's together.
/// </summary>
public sealed class GuidedBackprop : IAttributionMethod
{
    public string Name => "guided backprop";

    public Tensor Explain(AttributionModel model, Tensor images, long[] targets) =>
        ReluBackprop.InputSignal(model, images, targets, ReluRule.Guided);
}
