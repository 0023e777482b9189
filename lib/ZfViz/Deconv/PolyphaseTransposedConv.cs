using ZfViz.Runtime.Numerics;
using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// The full (padding 0) transposed convolution of a layer, computed as one ordinary convolution. Output row
/// Y = s*q + r only receives the filter taps k = r + s*j, so each of the s*s output phases (r_y, r_x) is an ordinary
/// convolution of the signal with a sub-sampled, flipped filter; stacking the phases as extra output maps makes it a
/// single convolution with s*s times as many maps and a ceil(k/s) kernel, and interleaving those maps gives the result.
/// At stride 1 there is one phase: the flipped filters with input and output maps swapped.
/// Why: oneDNN's transposed-convolution kernels run well below its ordinary ones here (the deconvnet's conv1 reverse,
/// 96 maps down to 3 colours, at about 44 GFLOP/s; stride-1 reverses at 0.5-0.7 times the ordinary convolution's
/// speed). The same numbers up to float rounding: every product and sum is the transposed convolution's, plus
/// products with zero taps.
/// </summary>
public static class PolyphaseTransposedConv
{
    /// <summary>
    /// Whether this route is the faster one for a layer's reverse: always at stride 1; at larger strides when the result
    /// has few maps (image colours). There the phase split's zero taps (ZFNet's 7x7/2: 4x4 taps per phase, 1.3 times
    /// the arithmetic) cost less than the transposed kernel loses; for deeper strided layers (ZFNet's conv2, 256 to 96
    /// maps, 5x5/2: 1.4 times the arithmetic) they do not.
    /// </summary>
    public static bool Serves(Tensor weight, long strideY, long strideX, long groups) =>
        strideY == 1 && strideX == 1 || weight.shape[1] * groups <= ConvChannelPadding.SmallestPadded;

    /// <summary>
    /// conv_transpose2d(signal, weight, stride, padding 0, groups) with a conv's weight [Cout, Cin/groups, kh, kw]: the
    /// signal [N, Cout, h, w] gives [N, Cin, (h-1)*sy + kh, (w-1)*sx + kw].
    /// </summary>
    public static Tensor Apply(Tensor signal, Tensor weight, long strideY, long strideX, long groups = 1)
    {
        if (signal.dim() != 4 || weight.dim() != 4 || signal.shape[1] != weight.shape[0] || groups < 1 || weight.shape[0] % groups != 0)
            throw new ArgumentException(
                $"Expected a signal [N,Cout,h,w] and a weight [Cout,Cin/{groups},kh,kw] with Cout divisible by {groups}; got [{string.Join(",", signal.shape)}] and [{string.Join(",", weight.shape)}].");
        long n = signal.shape[0], h = signal.shape[2], w = signal.shape[3];
        long cin = weight.shape[1] * groups, kh = weight.shape[2], kw = weight.shape[3];
        long jy = (kh + strideY - 1) / strideY, jx = (kw + strideX - 1) / strideX; // taps per phase
        using var scope = NewDisposeScope();
        var phaseWeight = PhaseWeight(weight.detach(), strideY, strideX, jy, jx, groups);
        // Padding of jy-1 / jx-1 lets every phase reach the rows and columns where the windows only partly overlap.
        var phases = ConvChannelPadding.Conv2d(signal, phaseWeight, null, [1, 1], [jy - 1, jx - 1], groups);
        if (strideY == 1 && strideX == 1) return phases.MoveToOuterDisposeScope();
        long qy = h + jy - 1, qx = w + jx - 1;
        // Map c*sy*sx + ry*sx + rx at (q_y, q_x) is result map c at (q_y*sy + ry, q_x*sx + rx).
        var interleaved = phases.reshape(n, cin, strideY, strideX, qy, qx).permute(0, 1, 4, 2, 5, 3)
            .reshape(n, cin, qy * strideY, qx * strideX);
        long oh = (h - 1) * strideY + kh, ow = (w - 1) * strideX + kw;
        return interleaved.narrow(2, 0, oh).narrow(3, 0, ow).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// [Cin*sy*sx, Cout/groups, jy, jx]: phase (ry, rx) of result map c holds taps weight[:, c, ry + sy*(jy-1-ty), rx + sx*(jx-1-tx)]
    /// of its group's filters (zero past the kernel's edge). The flip turns the transposed convolution's x[q - j] into a
    /// correlation. Result maps are group-major, as the grouped convolution's outputs are.
    /// </summary>
    static Tensor PhaseWeight(Tensor weight, long sy, long sx, long jy, long jx, long groups)
    {
        long cout = weight.shape[0], cinPerGroup = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
        var padded = nn.functional.pad(weight, [0, jx * sx - kw, 0, jy * sy - kh]); // [Cout, Cin/g, jy*sy, jx*sx]
        return padded.view(groups, cout / groups, cinPerGroup, jy, sy, jx, sx) // tap k = j*s + r
            .flip(3, 5) // index t = J-1-j
            .permute(0, 2, 4, 6, 1, 3, 5) // [g, Cin/g, ry, rx, Cout/g, ty, tx]
            .reshape(groups * cinPerGroup * sy * sx, cout / groups, jy, jx);
    }
}
