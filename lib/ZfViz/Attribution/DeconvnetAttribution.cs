using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>
/// Zeiler &amp; Fergus's deconvnet as an attribution of a score: back-propagation with each ReLU rectifying the signal
/// coming down and ignoring its forward input (<see cref="ReluRule.Deconvnet"/>). For a <see cref="ConvNet"/>
/// attribution model up to a conv block this is <see cref="Deconv.AutogradDeconvnet"/>'s projection of one activation.
/// </summary>
public sealed class DeconvnetAttribution : IAttributionMethod
{
    public string Name => "deconvnet";

    public Tensor Explain(AttributionModel model, Tensor images, long[] targets) =>
        ReluBackprop.InputSignal(model, images, targets, ReluRule.Deconvnet);
}
