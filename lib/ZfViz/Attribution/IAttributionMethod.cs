using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>One way of explaining a score in input space.</summary>
public interface IAttributionMethod
{
    string Name { get; }

    /// <summary>
    /// Explains, for each image of <paramref name="images"/> [N,C,H,W], the score <paramref name="targets"/>[n] of
    /// the model. Returns [N,C',H,W] in input space (C' = C for the signal methods, 1 for Grad-CAM).
    /// </summary>
    Tensor Explain(AttributionModel model, Tensor images, long[] targets);
}
