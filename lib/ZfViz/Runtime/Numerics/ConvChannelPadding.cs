using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZfViz.Runtime.Numerics;

/// <summary>
/// The cheap way round oneDNN 3.7.1's wrong kernels: they fail only when a channel count is not a multiple of 16, so
/// a convolution whose channels are padded with zeros to the next multiple (zero input maps, zero filters, outputs
/// sliced off) computes the same numbers on the fast kernels. Exact in real arithmetic: the padded terms are all zero.
/// Counts of <see cref="SmallestPadded"/> or fewer (image inputs: 1 or 3 maps) are left alone, because padding them
/// would multiply conv1's cost. <c>zfviz doctor</c> enables this only where its probe shows it right, and every
/// convolution ZFViz runs goes through <see cref="Conv2d(Tensor,Tensor,Tensor?,long[],long[],long)"/> or
/// <see cref="ConvTranspose2d"/>; with padding off they are the plain libtorch calls.
/// </summary>
public static class ConvChannelPadding
{
    public const int Multiple = 16;
    public const int SmallestPadded = 4;

    /// <summary>$ZFVIZ_CONV_PADDING=1|0 overrides the verdict (the doctor's probes use it).</summary>
    public const string Variable = "ZFVIZ_CONV_PADDING";

    /// <summary>Set once by the numerics guard before any convolution runs.</summary>
    public static bool Enabled { get; internal set; }

    /// <summary>The channel count a convolution runs with: the next multiple of 16 above 4, else unchanged.</summary>
    public static long Padded(long channels) =>
        channels <= SmallestPadded || channels % Multiple == 0 ? channels : (channels + Multiple - 1) / Multiple * Multiple;

    /// <param name="pad">Pad odd channel counts; null: as the guard decided (<see cref="Enabled"/>).</param>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, long[] strides, long[] padding, long groups = 1, bool? pad = null)
    {
        long cout = weight.shape[0], cin = weight.shape[1];
        long pin = Padded(cin), pout = Padded(cout);
        if (!(pad ?? Enabled) || groups != 1 || (pin == cin && pout == cout))
            return nn.functional.conv2d(x, weight, bias, strides: strides, padding: padding, groups: groups);
        using var scope = NewDisposeScope();
        var xp = PadDim(x, 1, pin - cin);
        var wp = nn.functional.pad(weight, [0, 0, 0, 0, 0, pin - cin, 0, pout - cout]);
        var bp = bias is null ? null : PadDim(bias, 0, pout - cout);
        var y = nn.functional.conv2d(xp, wp, bp, strides: strides, padding: padding);
        return (pout == cout ? y : y.narrow(1, 0, cout)).MoveToOuterDisposeScope();
    }

    /// <summary>A conv module's convolution through <see cref="Conv2d(Tensor,Tensor,Tensor?,long[],long[],long)"/>.</summary>
    public static Tensor Conv2d(Conv2d conv, Tensor x) =>
        Enabled
            ? Conv2d(x, conv.weight!, conv.bias, conv.stride, conv.padding ?? [0, 0], conv.groups)
            : conv.forward(x);

    /// <summary>
    /// conv_transpose2d with a conv's weight [Cout, Cin, kh, kw]: the signal has Cout maps, the result Cin.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor signal, Tensor weight, long[] strides, long[] padding, long[]? outputPadding = null,
        long groups = 1, bool? pad = null)
    {
        long cout = weight.shape[0], cin = weight.shape[1];
        long pin = Padded(cin), pout = Padded(cout);
        if (!(pad ?? Enabled) || groups != 1 || (pin == cin && pout == cout))
            return nn.functional.conv_transpose2d(signal, weight, null, strides: strides, padding: padding,
                output_padding: outputPadding ?? [0, 0], groups: groups);
        using var scope = NewDisposeScope();
        var sp = PadDim(signal, 1, pout - cout);
        var wp = nn.functional.pad(weight, [0, 0, 0, 0, 0, pin - cin, 0, pout - cout]);
        var y = nn.functional.conv_transpose2d(sp, wp, null, strides: strides, padding: padding, output_padding: outputPadding ?? [0, 0]);
        return (pin == cin ? y : y.narrow(1, 0, cin)).MoveToOuterDisposeScope();
    }

    /// <summary>Appends <paramref name="extra"/> zero slices along <paramref name="dim"/> (0 or 1); differentiable.</summary>
    static Tensor PadDim(Tensor t, int dim, long extra)
    {
        if (extra == 0) return t.alias();
        var pad = new long[2 * (t.dim() - dim)];
        pad[^1] = extra; // functional.pad counts from the last dimension: (last_lo, last_hi, ..., dim_lo, dim_hi)
        return nn.functional.pad(t, pad);
    }
}
