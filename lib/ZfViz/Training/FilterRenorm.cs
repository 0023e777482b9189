using TorchSharp;
using ZfViz.Models;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Training;

/// <summary>
/// The paper's fix against a few dominating layer-1 filters (Sec. 3, Fig. 6a): after each update, every conv filter
/// whose RMS exceeds a fixed radius (1e-1) is scaled back to that radius. RMS = sqrt(mean of the filter's squared
/// weights over [in, kh, kw]); smaller filters are left untouched.
/// </summary>
public static class FilterRenorm
{
    public const double PaperRadius = 0.1;

    /// <summary>Renormalises one conv weight [out,in,kh,kw] in place; returns how many filters were scaled.</summary>
    public static int Apply(Tensor weight, double radius = PaperRadius)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // Scalars are held in variables: a temporary Scalar can be finalised while libtorch still reads it
        // (seen as "INTERNAL ASSERT FAILED at c10/core/Scalar.h" after minutes of training).
        using var r = radius.ToScalar();
        var rms = weight.pow(HeldScalars.Two).mean([1, 2, 3], keepdim: true).sqrt(); // square() makes a temporary Scalar
        var over = rms.gt(r);
        int count = (int)over.sum().item<long>();
        if (count > 0) weight.mul_(where(over, rms.reciprocal().mul_(r), ones_like(rms)));
        return count;
    }

    /// <summary>Renormalises every conv layer of the network; returns the number of filters scaled.</summary>
    public static int Apply(ConvNet net, double radius = PaperRadius) =>
        net.ConvStages.Sum(s => Apply(net.Conv(s.Name).weight!, radius));

    /// <summary>Per-filter RMS of a conv weight, [out] (for plots of Fig. 6a).</summary>
    public static Tensor FilterRms(Tensor weight)
    {
        using var _ = no_grad();
        return weight.detach().pow(HeldScalars.Two).mean([1, 2, 3]).sqrt();
    }
}
