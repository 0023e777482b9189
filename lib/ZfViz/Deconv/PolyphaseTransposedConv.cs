using ZfViz.Runtime.Numerics;
using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// The full (padding 0) transposed convolution of a strided layer, computed as one ordinary convolution. Output row
/// Y = s*q + r only receives the filter taps k = r + s*j, so each of the s*s output phases (r_y, r_x) is an ordinary
/// convolution of the signal with a sub-sampled, flipped filter; stacking the phases as extra output maps makes it a
/// single convolution with s*s times as many maps and a ceil(k/s) kernel, and interleaving those maps gives the result.
/// Why: oneDNN's transposed-convolution kernels are slow when the result has few maps (the deconvnet's conv1 reverse,
/// 96 maps down to 3 colours, ran at about 44 GFLOP/s here), while an ordinary convolution with 12 or more output maps
/// runs at its full speed. The same numbers up to float rounding: every product and sum is the transposed
/// convolution's, plus products with zero taps.
/// </summary>
public static class PolyphaseTransposedConv
{
    /// <summary>
    /// Whether this route serves a transposed convolution: strided, without groups, and down to few maps (image
    /// colours), where the plain transposed kernels are slow. Deeper strided layers (ZFNet's conv2: 256 to 96 maps) run
    /// at full speed as they are, and the phase split would add its zero taps for nothing.
    /// </summary>
    public static bool Serves(Tensor weight, long strideY, long strideX, long groups) =>
        groups == 1 && (strideY > 1 || strideX > 1) && weight.shape[1] <= ConvChannelPadding.SmallestPadded;

    /// <summary>
    /// conv_transpose2d(signal, weight, stride, padding 0) with a conv's weight [Cout, Cin, kh, kw]: the signal
    /// [N, Cout, h, w] gives [N, Cin, (h-1)*sy + kh, (w-1)*sx + kw].
    /// </summary>
    public static Tensor Apply(Tensor signal, Tensor weight, long strideY, long strideX)
    {
        if (signal.dim() != 4 || weight.dim() != 4 || signal.shape[1] != weight.shape[0])
            throw new ArgumentException(
                $"Expected a signal [N,{(weight.dim() == 4 ? weight.shape[0] : -1)},h,w] and a weight [Cout,Cin,kh,kw]; got [{string.Join(",", signal.shape)}] and [{string.Join(",", weight.shape)}].");
        long n = signal.shape[0], h = signal.shape[2], w = signal.shape[3];
        long cout = weight.shape[0], cin = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
        long jy = (kh + strideY - 1) / strideY, jx = (kw + strideX - 1) / strideX; // taps per phase
        using var scope = NewDisposeScope();
        var phaseWeight = PhaseWeight(weight.detach(), strideY, strideX, jy, jx);
        // Padding of jy-1 / jx-1 lets every phase reach the rows and columns where the windows only partly overlap.
        var phases = ConvChannelPadding.Conv2d(signal, phaseWeight, null, [1, 1], [jy - 1, jx - 1]);
        long qy = h + jy - 1, qx = w + jx - 1;
        // Map c*sy*sx + ry*sx + rx at (q_y, q_x) is result map c at (q_y*sy + ry, q_x*sx + rx).
        var interleaved = phases.reshape(n, cin, strideY, strideX, qy, qx).permute(0, 1, 4, 2, 5, 3)
            .reshape(n, cin, qy * strideY, qx * strideX);
        long oh = (h - 1) * strideY + kh, ow = (w - 1) * strideX + kw;
        return interleaved.narrow(2, 0, oh).narrow(3, 0, ow).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// [Cin*sy*sx, Cout, jy, jx]: phase (ry, rx) of result map c holds taps weight[:, c, ry + sy*(jy-1-ty), rx + sx*(jx-1-tx)]
    /// (zero past the kernel's edge). The flip turns the transposed convolution's x[q - j] into a correlation.
    /// </summary>
    static Tensor PhaseWeight(Tensor weight, long sy, long sx, long jy, long jx)
    {
        long cout = weight.shape[0], cin = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3];
        var padded = nn.functional.pad(weight, [0, jx * sx - kw, 0, jy * sy - kh]); // [Cout, Cin, jy*sy, jx*sx]
        return padded.view(cout, cin, jy, sy, jx, sx) // tap k = j*s + r
            .flip(2, 4) // index t = J-1-j
            .permute(1, 3, 5, 0, 2, 4) // [Cin, ry, rx, Cout, ty, tx]
            .reshape(cin * sy * sx, cout, jy, jx);
    }
}
