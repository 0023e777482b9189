using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ZfViz.Runtime.Numerics;

/// <summary>
/// The ways round oneDNN 3.7.1's wrong kernels that keep its fast code. Padding: the kernels fail mostly when a
/// channel count is not a multiple of 16, so a convolution whose channels are padded with zeros to the next multiple
/// (zero input maps, zero filters, outputs sliced off) computes the same numbers. Exact in real arithmetic: the padded
/// terms are all zero. Counts of <see cref="SmallestPadded"/> or fewer (image inputs: 1 or 3 maps) are left alone,
/// because padding them would multiply conv1's cost. Layout: the wrong kernels found so far are the NCHW ones, so
/// <see cref="ConvLayout.ChannelsLast"/> runs every convolution on channels-last (NHWC) copies of signal and filters
/// (same values, other strides: libtorch then picks oneDNN's NHWC kernels) and hands the result back in the layout
/// the signal came in. <c>zfviz doctor</c> enables either only where its probe shows it right, and every
/// convolution ZFViz runs goes through <see cref="Conv2d(Tensor,Tensor,Tensor?,long[],long[],long,bool?)"/> or
/// <see cref="ConvTranspose2d"/>; with both off they are the plain libtorch calls.
/// </summary>
public static class ConvChannelPadding
{
    public const int Multiple = 16;
    public const int SmallestPadded = 4;

    /// <summary>$ZFVIZ_CONV_PADDING=1|0 overrides the verdict (the doctor's probes use it).</summary>
    public const string Variable = "ZFVIZ_CONV_PADDING";

    /// <summary>$ZFVIZ_CONV_LAYOUT=channels-last|default overrides the verdict's layout (the doctor's probes use it).</summary>
    public const string LayoutVariable = "ZFVIZ_CONV_LAYOUT";

    /// <summary>Set once by the numerics guard before any convolution runs.</summary>
    public static bool Enabled { get; internal set; }

    /// <summary>The layout convolutions run in; set once by the numerics guard before any convolution runs.</summary>
    public static ConvLayout Layout { get; internal set; }

    /// <summary>Whether a convolution needs more than the plain libtorch call (padding or a layout).</summary>
    public static bool Active => Enabled || Layout != ConvLayout.Default;

    /// <summary>The channel count a convolution runs with: the next multiple of 16 above 4, else unchanged.</summary>
    public static long Padded(long channels) =>
        channels <= SmallestPadded || channels % Multiple == 0 ? channels : (channels + Multiple - 1) / Multiple * Multiple;

    /// <param name="pad">Pad odd channel counts; null: as the guard decided (<see cref="Enabled"/>).</param>
    /// <param name="layout">The layout to run in; null: as the guard decided (<see cref="Layout"/>).</param>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, long[] strides, long[] padding, long groups = 1, bool? pad = null,
        ConvLayout? layout = null)
    {
        long cout = weight.shape[0], cin = weight.shape[1];
        long pin = Padded(cin), pout = Padded(cout);
        bool padding16 = (pad ?? Enabled) && groups == 1 && (pin != cin || pout != cout);
        bool channelsLast = (layout ?? Layout) == ConvLayout.ChannelsLast;
        if (!padding16 && !channelsLast)
            return nn.functional.conv2d(x, weight, bias, strides: strides, padding: padding, groups: groups);
        using var scope = NewDisposeScope();
        var xp = padding16 ? PadDim(x, 1, pin - cin) : x;
        var wp = padding16 ? nn.functional.pad(weight, [0, 0, 0, 0, 0, pin - cin, 0, pout - cout]) : weight;
        var bp = bias is null || !padding16 ? bias : PadDim(bias, 0, pout - cout);
        var y = !channelsLast ? nn.functional.conv2d(xp, wp, bp, strides: strides, padding: padding, groups: groups)
            : IsOneByOne(wp, groups) ? OneByOneChannelsLast(xp, wp.flatten(1), bp, strides, padding)
            : nn.functional.conv2d(ToChannelsLast(xp), ToChannelsLast(wp), bp, strides: strides, padding: padding, groups: groups);
        if (padding16 && pout != cout) y = y.narrow(1, 0, cout);
        return InLayoutOf(x, y).MoveToOuterDisposeScope();
    }

    /// <summary>A conv module's convolution through <see cref="Conv2d(Tensor,Tensor,Tensor?,long[],long[],long,bool?,ConvLayout?)"/>.</summary>
    public static Tensor Conv2d(Conv2d conv, Tensor x) =>
        Active
            ? Conv2d(x, conv.weight!, conv.bias, conv.stride, conv.padding ?? [0, 0], conv.groups)
            : conv.forward(x);

    /// <summary>
    /// conv_transpose2d with a conv's weight [Cout, Cin, kh, kw]: the signal has Cout maps, the result Cin.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor signal, Tensor weight, long[] strides, long[] padding, long[]? outputPadding = null,
        long groups = 1, bool? pad = null, ConvLayout? layout = null)
    {
        long cout = weight.shape[0], cin = weight.shape[1];
        long pin = Padded(cin), pout = Padded(cout);
        bool padding16 = (pad ?? Enabled) && groups == 1 && (pin != cin || pout != cout);
        bool channelsLast = (layout ?? Layout) == ConvLayout.ChannelsLast;
        if (!padding16 && !channelsLast)
            return nn.functional.conv_transpose2d(signal, weight, null, strides: strides, padding: padding,
                output_padding: outputPadding ?? [0, 0], groups: groups);
        using var scope = NewDisposeScope();
        var sp = padding16 ? PadDim(signal, 1, pout - cout) : signal;
        var wp = padding16 ? nn.functional.pad(weight, [0, 0, 0, 0, 0, pin - cin, 0, pout - cout]) : weight;
        var plainOutput = outputPadding is null || outputPadding.All(p => p == 0);
        var y = !channelsLast
            ? nn.functional.conv_transpose2d(sp, wp, null, strides: strides, padding: padding, output_padding: outputPadding ?? [0, 0], groups: groups)
            : IsOneByOne(wp, groups) && strides.All(s => s == 1) && padding.All(p => p == 0) && plainOutput
                ? OneByOneChannelsLast(sp, wp.flatten(1).t(), null, [1, 1], [0, 0])
            : nn.functional.conv_transpose2d(ToChannelsLast(sp), ToChannelsLast(wp), null, strides: strides, padding: padding,
                output_padding: outputPadding ?? [0, 0], groups: groups);
        if (padding16 && pin != cin) y = y.narrow(1, 0, cin);
        return InLayoutOf(signal, y).MoveToOuterDisposeScope();
    }

    /// <summary>A 1x1 convolution without groups: a matrix product over the channels (of every stride-th pixel).</summary>
    static bool IsOneByOne(Tensor weight, long groups) => groups == 1 && weight.shape[2] == 1 && weight.shape[3] == 1;

    /// <summary>
    /// A 1x1 convolution as a matrix product on channels-last maps: the zero-padded map's every stride-th pixel
    /// [N,H',W',Cin] times [Cout,Cin]^T. oneDNN's NHWC 1x1 forward kernels were wrong here (70->70, 80->80 and ResNet's
    /// 256->512 1x1/2: 0.5-0.9 relative) while its other NHWC kernels, and its 1x1 gradients, were right; a matrix
    /// product does not go through the convolution kernels at all. Differentiable: autograd gives both gradients.
    /// </summary>
    static Tensor OneByOneChannelsLast(Tensor x, Tensor matrix, Tensor? bias, long[] strides, long[] padding)
    {
        if (padding.Any(p => p != 0)) x = nn.functional.pad(x, [padding[^1], padding[^1], padding[0], padding[0]]);
        long sy = strides[0], sx = strides[^1];
        if (sy != 1) x = x.slice(2, 0, x.shape[2], sy);
        if (sx != 1) x = x.slice(3, 0, x.shape[3], sx);
        return nn.functional.linear(x.permute(0, 2, 3, 1), matrix, bias).permute(0, 3, 1, 2);
    }

    /// <summary>
    /// Whether libtorch reads a 4-d tensor as channels-last (its suggest_memory_format): channels innermost, then width,
    /// height, batch; a dimension of size 1 may have any stride, and ambiguous strides count as NCHW, as in libtorch.
    /// </summary>
    public static bool IsChannelsLast(Tensor t)
    {
        if (t.dim() != 4 || t.stride(1) == 0) return false;
        long min = 0;
        foreach (var d in new[] { 1, 3, 2, 0 })
        {
            long size = t.shape[d], stride = t.stride(d);
            if (size == 0 || stride < min) return false;
            if (d == 0 && min == t.stride(1)) return false;
            min = size > 1 ? stride * size : stride;
        }
        return true;
    }

    /// <summary>
    /// The same values with libtorch's canonical channels-last strides (a differentiable copy), or the tensor itself if
    /// libtorch already reads it as channels-last. The strides are set explicitly because permuting a tensor with one
    /// channel (or 1x1 maps) to NHWC and back leaves its strides, and libtorch's choice of kernels, as they were.
    /// </summary>
    public static Tensor ToChannelsLast(Tensor t)
    {
        if (t.dim() != 4 || IsChannelsLast(t)) return t.alias();
        long n = t.shape[0], c = t.shape[1], h = t.shape[2], w = t.shape[3];
        var nhwc = t.permute(0, 2, 3, 1).contiguous();
        return nhwc.as_strided([n, c, h, w], [h * w * c, 1, w * c, c], nhwc.storage_offset());
    }

    /// <summary>The result in the layout its input came in: channels-last input, channels-last result; else contiguous NCHW.</summary>
    static Tensor InLayoutOf(Tensor input, Tensor result) => IsChannelsLast(input) ? result.alias() : result.contiguous();

    /// <summary>Appends <paramref name="extra"/> zero slices along <paramref name="dim"/> (0 or 1); differentiable.</summary>
    static Tensor PadDim(Tensor t, int dim, long extra)
    {
        if (extra == 0) return t.alias();
        var pad = new long[2 * (t.dim() - dim)];
        pad[^1] = extra; // functional.pad counts from the last dimension: (last_lo, last_hi, ..., dim_lo, dim_hi)
        return nn.functional.pad(t, pad);
    }
}
