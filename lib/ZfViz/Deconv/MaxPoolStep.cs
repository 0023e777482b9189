using TorchSharp;
using static TorchSharp.torch;
using ZfViz.Runtime;
using ZfViz.Runtime.Numerics;

namespace ZfViz.Deconv;

/// <summary>
/// Max pooling. Up: records the switches (argmax of every pooling window). Down: unpooling places each value at its
/// switch; where overlapping windows share an argmax their contributions add (scatter-add).
/// </summary>
public sealed class MaxPoolStep : DeconvStep
{
    public MaxPoolStep(int kernelY, int kernelX, int strideY, int strideX, int padY, int padX, bool ceilMode = false)
    {
        Geometry = new WindowMap(kernelY, kernelX, strideY, strideX, padY, padX);
        CeilMode = ceilMode;
    }

    public bool CeilMode { get; }
    public override WindowMap Geometry { get; }
    public override string Kind => "pool";

    public override Tensor Forward(Tensor x, StepTrace trace, bool record)
    {
        var g = Geometry;
        long[] kernel = [g.KernelY, g.KernelX], stride = [g.StrideY, g.StrideX], pad = [g.PadY, g.PadX];
        Tensor y;
        if (record)
        {
            var (pooled, indices) = nn.functional.max_pool2d_with_indices(x, kernel, stride, pad, ceil_mode: CeilMode);
            y = pooled;
            trace.Switches = indices;
        }
        else y = nn.functional.max_pool2d(x, kernel, stride, pad, ceil_mode: CeilMode);
        trace.OutputHeight = (int)y.shape[2];
        trace.OutputWidth = (int)y.shape[3];
        return y;
    }

    public override WindowedSignal Reverse(WindowedSignal signal, StepTrace trace)
    {
        if (trace.Switches is null) throw new InvalidOperationException("Unpooling needs the switches: run the forward pass with recording on.");
        var g = Geometry;
        var device = signal.Values.device;
        long s = signal.Count, c = signal.Values.shape[1], h = signal.Height, w = signal.Width;
        int hp = trace.OutputHeight, wp = trace.OutputWidth;
        if (signal.Top.All(t => t == 0) && signal.Left.All(l => l == 0) && h == hp && w == wp)
        {
            // Whole pooled maps (deep layers of small networks): the switches are the output positions themselves.
            var whole = trace.Switches.to(device).index_select(0, tensor(signal.Image, device: device)).view(s, c, hp * wp);
            var unpooled = zeros(new long[] { s, c, (long)trace.InputHeight * trace.InputWidth }, dtype: signal.Values.dtype, device: device)
                .scatter_add_(2, whole, signal.Values.reshape(s, c, hp * wp))
                .view(s, c, trace.InputHeight, trace.InputWidth);
            return signal.With(unpooled, new long[s], new long[s], trace.InputHeight, trace.InputWidth);
        }
        var (outH, outW) = g.MapSize((int)h, (int)w);
        var top = signal.Top.Select(t => t * g.StrideY - g.PadY).ToArray();
        var left = signal.Left.Select(l => l * g.StrideX - g.PadX).ToArray();

        // Which pooled positions each window covers, clamped into the map (positions outside carry a zero signal).
        // Scalars held in variables: temporaries can be freed by the finalizer while libtorch reads them.
        using var hpS = hp.ToScalar();
        using var wpS = wp.ToScalar();
        using var hpLast = (hp - 1).ToScalar();
        using var wpLast = (wp - 1).ToScalar();
        var one = HeldScalars.One;
        var rows = tensor(signal.Top, device: device).view(s, 1, 1).add(HeldScalars.Arange(h, device: device).view(1, h, 1), one);
        var cols = tensor(signal.Left, device: device).view(s, 1, 1).add(HeldScalars.Arange(w, device: device).view(1, 1, w), one);
        var inside = rows.ge(HeldScalars.Zero).logical_and(rows.lt(hpS)).logical_and(cols.ge(HeldScalars.Zero)).logical_and(cols.lt(wpS)); // [S,h,w]
        var image = tensor(signal.Image, device: device).view(s, 1, 1);
        var row = image.mul(hpS).add(rows.clamp(HeldScalars.Zero, hpLast), one).mul(wpS).add(cols.clamp(HeldScalars.Zero, wpLast), one);
        // Each covered position's switch, as its place inside its own pooling window (ky * kernelX + kx)...
        var offsets = trace.SwitchOffsetsChannelsLast(g).to(device).index_select(0, row.view(-1)); // [S*h*w, C]
        // ...looked up as an index into this selection's output window: window (i, j) starts at row i * strideY and
        // column j * strideX of it, and the switch lies (ky, kx) further on.
        var place = tensor(Enumerable.Range(0, g.KernelY * g.KernelX).Select(k => (long)(k / g.KernelX) * outW + k % g.KernelX).ToArray(), device: device);
        var windowStart = tensor(Enumerable.Range(0, (int)(h * w)).Select(p => (long)(p / w) * g.StrideY * outW + p % w * g.StrideX).ToArray(), device: device).view(1, h * w, 1);
        var local = place.index_select(0, offsets.flatten().to_type(ScalarType.Int32)).view(s, h * w, c).add_(windowStart, one);
        // Positions outside the pooled map carry no signal (their clamped switches point at real, other windows).
        var values = signal.InsideMap ? signal.Values : signal.Values * inside.unsqueeze(1).to_type(signal.Values.dtype);

        // Channels last throughout ([S, positions, C]): the switches are gathered that way, and the transposed
        // convolutions next to this step run on channels-last maps, so no layout copy is made unless the maps
        // arrive or must leave in the other layout.
        var nhwc = zeros(new long[] { s, outH * outW, c }, dtype: signal.Values.dtype, device: device)
            .scatter_add_(1, local, values.permute(0, 2, 3, 1).reshape(s, h * w, c))
            .view(s, outH, outW, c).permute(0, 3, 1, 2);
        var output = ConvChannelPadding.Layout == ConvLayout.ChannelsLast || ConvChannelPadding.IsChannelsLast(signal.Values)
            ? nhwc : nhwc.contiguous();
        return signal.With(output, top, left, trace.InputHeight, trace.InputWidth).FittedToMap();
    }
}
