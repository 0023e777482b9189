using ZfViz.Runtime.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Models;

/// <summary>
/// Contrast normalisation across feature maps, the same function as torch.nn.LocalResponseNorm
/// (b_c = a_c / (k + alpha/n * sum_{c' in window(c)} a_c'^2)^beta, window of n maps centred on c, zero beyond the ends),
/// computed as one 1x1 convolution of a^2 with a fixed banded 0/1 matrix. libtorch's LocalResponseNorm goes through
/// 3-D average pooling and made training ~4x slower on a CPU; this gives the same numbers (see the tests).
/// </summary>
public sealed class CrossMapNorm : nn.Module<Tensor, Tensor>
{
    readonly NormSpec spec;
    readonly int channels;
    readonly Tensor band; // [C, C, 1, 1], not a parameter
    // Scalars kept as fields: a temporary Scalar can be finalised while libtorch still reads it.
    readonly Scalar alphaOverN, k, beta;

    public CrossMapNorm(int channels, NormSpec spec) : base("CrossMapNorm")
    {
        this.spec = spec; this.channels = channels;
        alphaOverN = (spec.Alpha / spec.Size).ToScalar(); k = spec.K.ToScalar(); beta = spec.Beta.ToScalar();
        // PyTorch's window for size n covers channels c - n/2 .. c + (n-1)/2.
        int before = spec.Size / 2, after = (spec.Size - 1) / 2;
        var m = new float[channels * channels];
        for (int c = 0; c < channels; c++)
            for (int d = Math.Max(0, c - before); d <= Math.Min(channels - 1, c + after); d++)
                m[c * channels + d] = 1f;
        using (var scope = NewDisposeScope()) band = tensor(m, [channels, channels, 1, 1]).MoveToOuterDisposeScope(); // tensor(array, shape) leaves a temporary
        register_buffer("band", band, persistent: false);
    }

    public NormSpec Spec => spec;

    public override Tensor forward(Tensor x)
    {
        if (x.shape[1] != channels) throw new ArgumentException($"CrossMapNorm was built for {channels} maps; got {x.shape[1]}.");
        using var scope = NewDisposeScope();
        var w = band.to(x.dtype, x.device);
        var sums = ConvChannelPadding.Conv2d(x * x, w, null, [1, 1], [0, 0]);
        var div = sums.mul(alphaOverN).add_(k, HeldScalars.One).pow_(beta); // add_(k) alone makes a temporary alpha
        return (x / div).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) { alphaOverN.Dispose(); k.Dispose(); beta.Dispose(); band.Dispose(); }
        base.Dispose(disposing);
    }
}
