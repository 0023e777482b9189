using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// The tuning of the fast <see cref="Deconvnet"/>, kept apart from its reverse steps: how many selections go down in
/// one batched pass (so that no intermediate tensor exceeds <see cref="ChunkElements"/>), and how many floating-point
/// operations a projection costs (what the benchmark divides by).
/// </summary>
public sealed class ProjectionPlanner
{
    readonly Deconvnet net;

    internal ProjectionPlanner(Deconvnet net) => this.net = net;

    /// <summary>
    /// Largest number of elements of one intermediate tensor on the way down; bigger batches are chunked. Measured
    /// (bench-deconv, CPU): 2M elements (8 MB of float32) is several times faster than 16M, whose tensors spill the
    /// caches on every pass of the index arithmetic; much smaller chunks pay per-call overhead again.
    /// </summary>
    public long ChunkElements { get; set; } = 2L << 20;

    /// <summary>
    /// Selections per pass for signals that start as [channels, height, width] windows at <paramref name="layer"/>
    /// (1x1 for single activations, the whole map for whole maps): the largest intermediate tensor of one selection on
    /// the way down, divided into <see cref="ChunkElements"/>.
    /// </summary>
    public int ChunkSize(ForwardTrace trace, int layer, int channels, int height, int width) =>
        Fit(WindowSizes(trace, layer, channels, height, width).Largest);

    /// <summary>
    /// Selections per pass of <see cref="Deconvnet.Project"/> from single activations of <paramref name="layer"/>: as
    /// many as keep the projections it returns within <see cref="ChunkElements"/>. The way down splits them further
    /// wherever a step's output would not fit (<see cref="SelectionsPerPass"/>).
    /// </summary>
    public int SelectionsPerCall(ForwardTrace trace, int layer) =>
        Fit(WindowSizes(trace, layer, trace.Activations[layer].shape[1], 1, 1).Final);

    /// <summary>
    /// How many selections of <paramref name="signal"/> <paramref name="step"/>'s reverse takes in one pass: its output
    /// (before fitting to the map) for that many stays within <see cref="ChunkElements"/>; at least one.
    /// </summary>
    public int SelectionsPerPass(DeconvStep step, WindowedSignal signal) =>
        Fit(OutputElements(step, signal.Values.shape[1], signal.Height, signal.Width));

    /// <summary>
    /// Elements of one selection's signal on the way down from [channels, height, width] windows at
    /// <paramref name="layer"/>: the largest a step makes, and the projection it ends as.
    /// </summary>
    (long Largest, long Final) WindowSizes(ForwardTrace trace, int layer, long channels, long height, long width)
    {
        long c = channels, h = height, w = width, largest = c * h * w;
        foreach (var (l, i) in net.StepIndicesDown(layer))
        {
            var step = net.Layers[l].Steps[i];
            largest = Math.Max(largest, OutputElements(step, c, h, w));
            // the way down keeps windows no larger than the map (WindowedSignal.FittedToMap); before fitting they are full size
            var (nh, nw) = step.Geometry.MapSize((int)h, (int)w);
            h = Math.Min(nh, trace.Steps[l][i].InputHeight);
            w = Math.Min(nw, trace.Steps[l][i].InputWidth);
            if (step is ConvStep conv) c = conv.InChannels;
        }
        return (largest, c * h * w);
    }

    /// <summary>Elements of one selection's output of <paramref name="step"/>'s reverse, before it is fitted to the map.</summary>
    static long OutputElements(DeconvStep step, long channels, long height, long width)
    {
        var (h, w) = step.Geometry.MapSize((int)height, (int)width);
        return (step is ConvStep conv ? conv.InChannels : channels) * h * w;
    }

    /// <summary>Selections whose tensors of <paramref name="perSelection"/> elements each fit in <see cref="ChunkElements"/>; at least one.</summary>
    int Fit(long perSelection) => (int)Math.Clamp(ChunkElements / Math.Max(1, perSelection), 1, int.MaxValue);

    /// <summary>
    /// Floating-point operations of the transposed convolutions that projecting one activation of
    /// <paramref name="layer"/> runs on its windows (2 per multiply-add; the elementwise steps are not counted). Every
    /// selection of a batched <see cref="Deconvnet.Project"/> call runs on windows of the same size, so a batch of S
    /// costs S times this: what a benchmark needs to tell a compute-bound pass from one that pays per-call overhead.
    /// </summary>
    public double ProjectionFlops(ForwardTrace trace, int layer, ActivationPoint point)
    {
        net.CheckTrace(trace, layer);
        using var scope = NewDisposeScope();
        var act = trace.Activations[layer];
        var signal = new WindowedSignal(zeros(1, act.shape[1], 1, 1, device: act.device), [point.Y], [point.X], [point.Image], (int)act.shape[2], (int)act.shape[3]);
        double flops = 0;
        net.Reverse(trace, layer, signal, [point.Feature], tensor(new[] { point.Value }, device: act.device),
            beforeConv: (conv, s) => flops += 2.0 * s.Count * s.Height * s.Width * conv.Weight.numel());
        return flops;
    }
}
