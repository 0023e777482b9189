using ZfViz.Runtime.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// Convolution with the layer's filters. Down: the transposed convolution with the same filters (the paper's
/// "flipped filters"), same stride and groups, no bias.
/// </summary>
public sealed class ConvStep : DeconvStep
{
    /// <param name="weight">[Cout, Cin/groups, kh, kw] (kept by reference: the model's own parameter).</param>
    /// <param name="bias">[Cout] or null; used on the way up only.</param>
    public ConvStep(Tensor weight, Tensor? bias, int strideY, int strideX, int padY, int padX, int groups = 1)
    {
        if (weight.dim() != 4) throw new ArgumentException($"Convolution weight must be [Cout,Cin/groups,kh,kw]; got [{string.Join(",", weight.shape)}].");
        if (groups < 1 || weight.shape[0] % groups != 0) throw new ArgumentException($"{weight.shape[0]} filters cannot be split into {groups} groups.");
        Weight = weight;
        Bias = bias;
        Groups = groups;
        Geometry = new WindowMap((int)weight.shape[2], (int)weight.shape[3], strideY, strideX, padY, padX);
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public int Groups { get; }
    public override WindowMap Geometry { get; }
    public override string Kind => "conv";

    public int OutChannels => (int)Weight.shape[0];
    public int InChannels => (int)Weight.shape[1] * Groups;

    public override Tensor Forward(Tensor x, StepTrace trace, bool record)
    {
        if (x.shape[1] != InChannels)
            throw new ArgumentException($"conv expects {InChannels} input channels; got {x.shape[1]}.");
        var g = Geometry;
        var y = ConvChannelPadding.Conv2d(x, Weight, Bias, [g.StrideY, g.StrideX], [g.PadY, g.PadX], Groups);
        trace.OutputHeight = (int)y.shape[2];
        trace.OutputWidth = (int)y.shape[3];
        return y;
    }

    public override WindowedSignal Reverse(WindowedSignal signal, StepTrace trace)
    {
        var g = Geometry;
        // Padding 0: the full transposed convolution of the window; its top-left sits at top*stride - pad on the input.
        var y = PolyphaseTransposedConv.Serves(Weight, g.StrideY, g.StrideX, Groups)
            ? PolyphaseTransposedConv.Apply(signal.Values, Weight, g.StrideY, g.StrideX, Groups)
            : ConvChannelPadding.ConvTranspose2d(signal.Values, Weight, [g.StrideY, g.StrideX], [0, 0], groups: Groups);
        return Shift(signal, y, trace);
    }

    /// <summary>
    /// The way down from single activations (one feature, one position, one value per selection): the transposed
    /// convolution of a one-hot signal is just the feature's filter scaled by the value, so no convolution is run.
    /// </summary>
    public WindowedSignal ReversePoints(WindowedSignal signal, long[] features, Tensor values, StepTrace trace)
    {
        var device = Weight.device;
        var idx = tensor(features, device: device);
        var filters = Weight.detach().index_select(0, idx) * values.to(device).view(-1, 1, 1, 1); // [S, Cin/g, kh, kw]
        Tensor y;
        if (Groups == 1) y = filters;
        else
        {
            long perGroupOut = OutChannels / Groups, s = features.Length;
            using var perGroup = perGroupOut.ToScalar();
            var group = idx.div(perGroup, rounding_mode: RoundingMode.floor);
            var oneHot = nn.functional.one_hot(group, Groups).to_type(filters.dtype).view(s, Groups, 1, 1, 1);
            y = (filters.unsqueeze(1) * oneHot).reshape(s, InChannels, filters.shape[2], filters.shape[3]);
        }
        return Shift(signal, y, trace);
    }

    /// <summary>Places the full transposed-convolution output of each window on the input map and zeroes what falls outside it.</summary>
    WindowedSignal Shift(WindowedSignal signal, Tensor y, StepTrace trace)
    {
        var g = Geometry;
        var top = signal.Top.Select(t => t * g.StrideY - g.PadY).ToArray();
        var left = signal.Left.Select(l => l * g.StrideX - g.PadX).ToArray();
        return signal.With(y, top, left, trace.InputHeight, trace.InputWidth).FittedToMap();
    }
}
