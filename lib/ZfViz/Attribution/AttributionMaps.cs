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

    /// <summary>Of |values| per image, the value at this fraction of the sorted list: displays are scaled by it, not by the maximum.</summary>
    public const double DisplayQuantile = 0.995;

    /// <summary>
    /// A signed signal [N,C,H,W] ready for <see cref="Viz.ImageGrid"/> with <see cref="Viz.Scaling.None"/>: zero at
    /// mid-grey, each image scaled so that its <see cref="DisplayQuantile"/> of |value| reaches white or black (the
    /// few larger values clip; scaling by the maximum would let a handful of pixels turn the rest grey).
    /// </summary>
    public static Tensor SignedImage(Tensor signal)
    {
        using var scope = NewDisposeScope();
        return (signal / DisplayScale(signal) * 0.5 + 0.5).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>A non-negative map [N,H,W] or [N,1,H,W] as [N,1,H,W] in 0..1, scaled like <see cref="SignedImage"/>.</summary>
    public static Tensor UnitImage(Tensor map)
    {
        using var scope = NewDisposeScope();
        var m = map.dim() == 3 ? map.unsqueeze(1) : map;
        return (m / DisplayScale(m)).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Per image [N,1,1,1]: the <see cref="DisplayQuantile"/> of |values| (at least a tiny positive number).</summary>
    static Tensor DisplayScale(Tensor x)
    {
        var flat = x.abs().flatten(1);
        long k = Math.Max(1, (long)Math.Ceiling(DisplayQuantile * flat.shape[1]));
        return flat.kthvalue(k, 1).values.clamp_min(1e-12).view(-1, 1, 1, 1);
    }
}
