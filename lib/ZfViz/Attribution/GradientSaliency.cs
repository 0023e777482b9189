using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>Simonyan, Vedaldi &amp; Zisserman 2014: the gradient of the score with respect to the input pixels.</summary>
public sealed class GradientSaliency : IAttributionMethod
{
    public string Name => "gradient";

    public Tensor Explain(AttributionModel model, Tensor images, long[] targets) =>
        ReluBackprop.InputSignal(model, images, targets, ReluRule.Gradient);
}
