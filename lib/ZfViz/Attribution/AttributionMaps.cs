using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>Turning a method's result into what is compared and shown.</summary>
public static class AttributionMaps
{
    /// <summary>
    /// The usual saliency map: the maximum over channels of |result|, [N,C,H,W] -> [N,H,W] (Grad-CAM's single
    /// non-negative channel is unchanged).
    /// </summary>
    public static Tensor Heat(Tensor result) => result.abs().amax([1]);

    /// <summary>Per image, the heat map as numbers (row-major), for rank correlations.</summary>
    public static double[][] HeatValues(Tensor result)
    {
        using var heat = Heat(result.detach()).cpu().to_type(ScalarType.Float64).flatten(1);
        return Enumerable.Range(0, (int)heat.shape[0]).Select(i => { using var row = heat[i]; return row.data<double>().ToArray(); }).ToArray();
    }

    /// <summary>
    /// A signed signal [N,C,H,W] ready for <see cref="Viz.ImageGrid"/> with <see cref="Viz.Scaling.None"/>: zero at
    /// mid-grey, each image scaled by its own largest |value| (as the deconvnet images of notebooks 01-07).
    /// </summary>
    public static Tensor SignedImage(Tensor signal)
    {
        using var scope = NewDisposeScope();
        var peak = signal.abs().amax([1, 2, 3], keepdim: true).clamp_min(1e-12);
        return (signal / peak * 0.5 + 0.5).MoveToOuterDisposeScope();
    }

    /// <summary>A non-negative map [N,H,W] or [N,1,H,W] as [N,1,H,W] in 0..1, each image scaled by its own maximum.</summary>
    public static Tensor UnitImage(Tensor map)
    {
        using var scope = NewDisposeScope();
        var m = map.dim() == 3 ? map.unsqueeze(1) : map;
        return (m / m.amax([1, 2, 3], keepdim: true).clamp_min(1e-12)).MoveToOuterDisposeScope();
    }
}
