using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Deconv;

/// <summary>
/// The deconvnet of Zeiler &amp; Fergus (2014, Sec. 2.1): an explicit reverse network attached to the convolutional
/// layers of a model. Up: each layer's steps run in order, recording ReLU outputs and max-pooling switches. Down,
/// from a chosen activation (its value kept, every other activation of the layer zero): unpool at the switches
/// (overlapping windows that share an argmax add), ReLU of the reconstructed signal, transposed convolution with
/// the layer's own filters (no bias); contrast normalisation is not inverted (identity), as in the paper.
/// The way down runs on receptive-field windows and batches any number of selections; how many go in one pass, and
/// what a pass costs, is the <see cref="Planner"/>'s business. <see cref="AutogradDeconvnet"/> is the same
/// computation in a few readable lines.
/// </summary>
public sealed class Deconvnet
{
    public Deconvnet(IReadOnlyList<DeconvLayer> layers)
    {
        if (layers.Count == 0) throw new ArgumentException("A deconvnet needs at least one convolutional layer.");
        Layers = layers;
        Planner = new ProjectionPlanner(this);
    }

    /// <summary>Chunk sizes of the batched way down and the FLOP count the benchmark reads.</summary>
    public ProjectionPlanner Planner { get; }

    /// <summary>When set, every reverse step adds its wall time here (the benchmark's per-step profile); null: not timed.</summary>
    public ReverseStepTimes? StepTimes { get; set; }

    public IReadOnlyList<DeconvLayer> Layers { get; }
    public int InputChannels => Layers[0].Conv.InChannels;

    /// <summary>The index of a layer by name (conv1 ...); unknown names fail with the list of known ones.</summary>
    public int IndexOf(string layer)
    {
        for (int i = 0; i < Layers.Count; i++)
            if (string.Equals(Layers[i].Name, layer, StringComparison.OrdinalIgnoreCase)) return i;
        throw new UserInputException($"Unknown layer '{layer}'. This network's convolutional layers: {string.Join(", ", Layers.Select(l => l.Name))}.");
    }

    /// <summary>
    /// Builds the deconvnet of a model whose convolutional layers are named child blocks (conv1 ... conv5), each a
    /// sequence of Conv2d, ReLU, MaxPool2d and LocalResponseNorm (or CrossMapNorm) modules in forward order (as Models.ConvNet builds
    /// them). Blocks without a Conv2d (the fully connected ones) are skipped. The steps share the model's parameters.
    /// </summary>
    public static Deconvnet FromModule(nn.Module model)
    {
        var layers = new List<DeconvLayer>();
        foreach (var (name, block) in model.named_children())
        {
            var children = block.named_children().Select(c => c.module).ToList();
            if (block is Conv2d) children = [block];
            if (!children.Any(c => c is Conv2d)) continue;
            layers.Add(new DeconvLayer(name, children.Select(c => ToStep(name, c)).OfType<DeconvStep>().ToList()));
        }
        if (layers.Count == 0) throw new ArgumentException("The model has no convolutional blocks (named children containing a Conv2d).");
        return new Deconvnet(layers);
    }

    static DeconvStep? ToStep(string layer, nn.Module m) => m switch
    {
        Conv2d c when c.dilation.Any(d => d != 1) => throw new NotSupportedException($"{layer}: dilated convolutions are not supported."),
        Conv2d c when c.padding_type is not null || c.padding_mode != PaddingModes.Zeros =>
            throw new NotSupportedException($"{layer}: only explicit zero padding is supported."),
        Conv2d c => new ConvStep(c.weight!, c.bias, (int)c.stride[0], (int)c.stride[^1], (int)c.padding![0], (int)c.padding![^1], (int)c.groups),
        ReLU => new ReluStep(),
        MaxPool2d p when p.dilation is not null && p.dilation.Any(d => d != 1) => throw new NotSupportedException($"{layer}: dilated pooling is not supported."),
        MaxPool2d p => new MaxPoolStep((int)p.kernel_size[0], (int)p.kernel_size[^1],
            (int)(p.stride ?? p.kernel_size)[0], (int)(p.stride ?? p.kernel_size)[^1],
            (int)(p.padding ?? [0])[0], (int)(p.padding ?? [0])[^1], p.ceil_mode),
        LocalResponseNorm n => new ContrastNormStep(n.size, n.alpha, n.beta, n.k),
        Models.CrossMapNorm n => new ContrastNormStep(x => n.call(x)),
        Dropout or Identity => null,
        _ => throw new NotSupportedException($"{layer}: the deconvnet has no reverse for {m.GetType().Name}."),
    };

    /// <summary>
    /// Runs layers 0..<paramref name="lastLayer"/> up on an input [B,C,H,W]. With <paramref name="record"/>, keeps
    /// the switches the way down needs; without, it is a plain forward pass that keeps only the activations.
    /// </summary>
    public ForwardTrace Forward(Tensor input, int lastLayer, bool record = true)
    {
        if (lastLayer < 0 || lastLayer >= Layers.Count) throw new ArgumentOutOfRangeException(nameof(lastLayer), $"Layer index {lastLayer} is not in 0..{Layers.Count - 1}.");
        if (input.dim() != 4 || input.shape[1] != InputChannels)
            throw new ArgumentException($"The network expects input [N,{InputChannels},H,W]; got [{string.Join(",", input.shape)}].");
        using var noGrad = no_grad();
        // Intermediate outputs (conv before ReLU, pooled and normalised maps) are freed here; the trace owns the
        // activations and switches it returns, which move out of the scope.
        using var scope = NewDisposeScope();
        var activations = new List<Tensor>();
        var traces = new List<IReadOnlyList<StepTrace>>();
        var x = input;
        for (int l = 0; l <= lastLayer; l++)
        {
            var layer = Layers[l];
            var steps = new List<StepTrace>();
            for (int i = 0; i < layer.Steps.Count; i++)
            {
                var trace = new StepTrace((int)x.shape[2], (int)x.shape[3]);
                x = layer.Steps[i].Forward(x, trace, record);
                trace.Switches?.MoveToOuterDisposeScope();
                steps.Add(trace);
                if (i == layer.TapIndex) activations.Add(x.MoveToOuterDisposeScope());
            }
            traces.Add(steps);
        }
        return new ForwardTrace((int)input.shape[1], (int)input.shape[2], (int)input.shape[3], activations, traces);
    }

    /// <summary>The receptive field of one activation of a layer (equal to the support of its projection).</summary>
    public ReceptiveField ReceptiveField(int layer)
    {
        long ay = 1, ax = 1, by = 0, bx = 0, sy = 1, sx = 1;
        foreach (var step in StepsDown(layer))
        {
            var g = step.Geometry;
            by = by * g.StrideY - g.PadY;
            bx = bx * g.StrideX - g.PadX;
            ay *= g.StrideY;
            ax *= g.StrideX;
            sy = (sy - 1) * g.StrideY + g.KernelY;
            sx = (sx - 1) * g.StrideX + g.KernelX;
        }
        return new ReceptiveField((int)sy, (int)sx, (int)ay, (int)ax, (int)by, (int)bx);
    }

    /// <summary>The steps the way down runs from layer <paramref name="layer"/>'s activation, in order, with their (layer, step) index.</summary>
    IEnumerable<DeconvStep> StepsDown(int layer) => StepIndicesDown(layer).Select(p => Layers[p.Layer].Steps[p.Step]);

    /// <summary>(layer, step) indices of the way down from layer <paramref name="layer"/>'s activation, in order.</summary>
    internal IEnumerable<(int Layer, int Step)> StepIndicesDown(int layer)
    {
        for (int l = layer; l >= 0; l--)
            for (int i = l == layer ? Layers[l].TapIndex : Layers[l].Steps.Count - 1; i >= 0; i--)
                yield return (l, i);
    }

    /// <summary>
    /// Projects single activations of one layer to pixel space, all in batched passes (chunked by the
    /// <see cref="Planner"/>). Each keeps the given value, with every other activation of the layer zero.
    /// Image indices refer to the batch of <paramref name="trace"/>, which must have been recorded.
    /// </summary>
    public ProjectionBatch Project(ForwardTrace trace, int layer, IReadOnlyList<ActivationPoint> points)
    {
        CheckTrace(trace, layer);
        var act = trace.Activations[layer];
        int c = (int)act.shape[1], h = (int)act.shape[2], w = (int)act.shape[3];
        foreach (var p in points)
        {
            if (p.Image < 0 || p.Image >= trace.BatchSize) throw new ArgumentOutOfRangeException(nameof(points), $"Image {p.Image} is not in the traced batch of {trace.BatchSize}.");
            if (p.Feature < 0 || p.Feature >= c) throw new ArgumentOutOfRangeException(nameof(points), $"Feature {p.Feature} is not in 0..{c - 1} for {Layers[layer].Name}.");
            if (p.Y < 0 || p.Y >= h || p.X < 0 || p.X >= w) throw new ArgumentOutOfRangeException(nameof(points), $"Position ({p.Y},{p.X}) is outside the {h}x{w} map of {Layers[layer].Name}.");
        }
        int chunk = Planner.SelectionsPerCall(trace, layer);
        var parts = new List<ProjectionBatch>();
        for (int start = 0; start < points.Count; start += chunk)
        {
            var part = points.Skip(start).Take(chunk).ToList();
            using var scope = NewDisposeScope();
            var signal = new WindowedSignal(
                zeros(part.Count, c, 1, 1, device: act.device),
                part.Select(p => (long)p.Y).ToArray(), part.Select(p => (long)p.X).ToArray(),
                part.Select(p => p.Image).ToArray(), h, w);
            var values = tensor(part.Select(p => p.Value).ToArray(), device: act.device);
            var result = Reverse(trace, layer, signal, part.Select(p => (long)p.Feature).ToArray(), values);
            parts.Add(new ProjectionBatch(result.Values.cpu().MoveToOuterDisposeScope(), result.Top, result.Left, trace.InputHeight, trace.InputWidth));
        }
        return Concat(parts, trace);
    }

    /// <summary>
    /// Projects a set of activations of one image together: the layer's activation times <paramref name="mask"/>
    /// ([C,H,W] of the layer; 1 keeps an activation, 0 drops it). A whole feature map is the mask of that one map.
    /// </summary>
    public ProjectionBatch ProjectMasked(ForwardTrace trace, int layer, long image, Tensor mask)
    {
        CheckTrace(trace, layer);
        var act = trace.Activations[layer];
        if (!mask.shape.SequenceEqual(act.shape.Skip(1)))
            throw new ArgumentException($"The mask must be [{string.Join(",", act.shape.Skip(1))}] for {Layers[layer].Name}; got [{string.Join(",", mask.shape)}].");
        using var scope = NewDisposeScope();
        var values = (act[image] * mask.to(act.device).to_type(act.dtype)).unsqueeze(0);
        var signal = new WindowedSignal(values, [0], [0], [image], (int)act.shape[2], (int)act.shape[3]);
        var result = Reverse(trace, layer, signal, null, null);
        return new ProjectionBatch(result.Values.cpu().MoveToOuterDisposeScope(), result.Top, result.Left, trace.InputHeight, trace.InputWidth);
    }

    /// <summary>Projects whole feature maps (every activation of the map at once), one per (image, feature) pair, in batched passes.</summary>
    public ProjectionBatch ProjectMaps(ForwardTrace trace, int layer, IReadOnlyList<(long Image, int Feature)> maps)
    {
        CheckTrace(trace, layer);
        var act = trace.Activations[layer];
        int c = (int)act.shape[1], h = (int)act.shape[2], w = (int)act.shape[3];
        foreach (var (image, feature) in maps)
        {
            if (image < 0 || image >= trace.BatchSize) throw new ArgumentOutOfRangeException(nameof(maps), $"Image {image} is not in the traced batch of {trace.BatchSize}.");
            if (feature < 0 || feature >= c) throw new ArgumentOutOfRangeException(nameof(maps), $"Feature {feature} is not in 0..{c - 1} for {Layers[layer].Name}.");
        }
        int chunk = Planner.ChunkSize(trace, layer, c, h, w);
        var parts = new List<ProjectionBatch>();
        for (int start = 0; start < maps.Count; start += chunk)
        {
            var part = maps.Skip(start).Take(chunk).ToList();
            using var scope = NewDisposeScope();
            var images = tensor(part.Select(m => m.Image).ToArray(), device: act.device);
            var keep = nn.functional.one_hot(tensor(part.Select(m => (long)m.Feature).ToArray(), device: act.device), c).to_type(act.dtype);
            var values = act.index_select(0, images) * keep.view(part.Count, c, 1, 1);
            var signal = new WindowedSignal(values, new long[part.Count], new long[part.Count], part.Select(m => m.Image).ToArray(), h, w);
            var result = Reverse(trace, layer, signal, null, null);
            parts.Add(new ProjectionBatch(result.Values.cpu().MoveToOuterDisposeScope(), result.Top, result.Left, trace.InputHeight, trace.InputWidth));
        }
        return Concat(parts, trace);
    }

    /// <summary>
    /// The strongest activation of one feature map for a single image [1,C,H,W] and its projection [C,H,W].
    /// Strongest: the largest value; on ties the first in row-major order (y, then x).
    /// </summary>
    public (ActivationPoint Point, Tensor Projection) ProjectStrongest(Tensor input, int layer, int feature)
    {
        if (input.dim() != 4 || input.shape[0] != 1) throw new ArgumentException($"Expected one image [1,C,H,W]; got [{string.Join(",", input.shape)}].");
        if (layer < 0 || layer >= Layers.Count) throw new ArgumentOutOfRangeException(nameof(layer), $"Layer index {layer} is not in 0..{Layers.Count - 1}.");
        if (feature < 0 || feature >= Layers[layer].Channels)
            throw new ArgumentOutOfRangeException(nameof(feature), $"Feature {feature} is not in 0..{Layers[layer].Channels - 1} for {Layers[layer].Name}.");
        using var trace = Forward(input, layer);
        var point = Strongest(trace.Activations[layer], 0, feature);
        using var batch = Project(trace, layer, [point]);
        return (point, batch.FullImage(0));
    }

    /// <summary>The strongest activation of map <paramref name="feature"/> of image <paramref name="image"/>: largest value, first in row-major order on ties.</summary>
    public static ActivationPoint Strongest(Tensor activations, long image, int feature)
    {
        using var scope = NewDisposeScope();
        var map = activations[image, feature].cpu().contiguous();
        int w = (int)map.shape[1];
        var data = map.data<float>();
        int best = 0;
        for (int i = 1; i < data.Count; i++)
            if (data[i] > data[best]) best = i; // strict: the first maximum wins
        return new ActivationPoint(image, feature, best / w, best % w, data[best]);
    }

    /// <summary>
    /// The way down for one activation, step by step (for teaching, Fig. 1): after every reverse step, the signal of
    /// selection 0 on that step's whole input map ([C,H,W], CPU), named like "conv2.pool (unpool)".
    /// </summary>
    public IReadOnlyList<(string Step, Tensor Signal)> ProjectSteps(ForwardTrace trace, int layer, ActivationPoint point)
    {
        CheckTrace(trace, layer);
        var stages = new List<(string, Tensor)>();
        var act = trace.Activations[layer];
        var signal = new WindowedSignal(zeros(1, act.shape[1], act.shape[2], act.shape[3], device: act.device), [0], [0], [point.Image], (int)act.shape[2], (int)act.shape[3]);
        signal.Values[0, point.Feature, point.Y, point.X] = tensor(point.Value);
        stages.Add(($"{Layers[layer].Name} (selected activation)", signal.Values[0].cpu()));
        Reverse(trace, layer, signal, null, null, (l, i, s) =>
        {
            var step = Layers[l].Steps[i];
            string what = step switch { MaxPoolStep => "unpool", ReluStep => "rectify", ConvStep => "filter (transposed)", _ => "identity" };
            var map = zeros(s.Values.shape[1], s.MapHeight, s.MapWidth);
            var w = new PixelWindow((int)s.Top[0], (int)s.Left[0], s.Height, s.Width);
            var clip = w.Clip(s.MapHeight, s.MapWidth);
            map[.., clip.Top..clip.Bottom, clip.Left..clip.Right] =
                s.Values[0, .., (clip.Top - w.Top)..(clip.Bottom - w.Top), (clip.Left - w.Left)..(clip.Right - w.Left)].cpu();
            stages.Add(($"{Layers[l].Name}.{step.Kind} ({what})", map));
        });
        return stages;
    }

    /// <summary>
    /// The switches of a pooling step as a map over its input [H,W]: how many pooling windows chose each position as
    /// their maximum (2 or more where overlapping windows share an argmax). Image index into the trace's batch.
    /// </summary>
    public Tensor SwitchMap(ForwardTrace trace, int layer, long image, int channel)
    {
        int step = Layers[layer].Steps.ToList().FindIndex(s => s is MaxPoolStep);
        if (step < 0) throw new ArgumentException($"{Layers[layer].Name} has no max pooling.");
        var t = trace.Steps[layer][step];
        if (t.Switches is null) throw new InvalidOperationException("The forward trace has no switches: run Forward with record: true.");
        long per = (long)t.OutputHeight * t.OutputWidth;
        var idx = t.Switches[image, channel].reshape(per).cpu();
        return zeros(t.InputHeight * t.InputWidth).index_add_(0, idx, ones(per), HeldScalars.One).view(t.InputHeight, t.InputWidth);
    }

    /// <summary>
    /// The way down from a signal at layer <paramref name="layer"/>'s activation to the input, the paper's three
    /// reverse steps per layer in reverse order: unpool at the switches, rectify, filter with the transposed filters.
    /// <paramref name="observe"/> sees the signal after each step; <paramref name="beforeConv"/> the input of each
    /// transposed convolution run (the planner counts its FLOPs).
    /// </summary>
    internal WindowedSignal Reverse(ForwardTrace trace, int layer, WindowedSignal signal, long[]? pointFeatures, Tensor? pointValues,
        Action<int, int, WindowedSignal>? observe = null, Action<ConvStep, WindowedSignal>? beforeConv = null)
    {
        using var noGrad = no_grad();
        var steps = StepIndicesDown(layer).ToArray();
        int next = 0;
        // Single activations: elementwise steps act on the values alone until the first convolution.
        for (; next < steps.Length && pointFeatures is not null; next++)
        {
            var (l, i) = steps[next];
            var step = Layers[l].Steps[i];
            long started = StepTimes is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            if (step is ReluStep) pointValues = nn.functional.relu(pointValues!);
            else if (step is ContrastNormStep) { }
            else if (step is ConvStep conv)
            {
                signal = conv.ReversePoints(signal, pointFeatures, pointValues!, trace.Steps[l][i]);
                StepTimes?.Add($"{Layers[l].Name} {step.Kind}", started);
                pointFeatures = null;
            }
            else
            {
                signal = Densify(signal, pointFeatures, pointValues!);
                pointFeatures = null;
                break; // the step itself runs on the dense signal below
            }
        }
        if (pointFeatures is not null) throw new InvalidOperationException("The way down never reached a convolution.");
        return ReverseWindows(trace, steps, next, signal, observe, beforeConv);
    }

    /// <summary>
    /// Steps <paramref name="next"/>.. of the way down on a windowed signal. Before a step whose output would pass
    /// <see cref="ProjectionPlanner.ChunkElements"/>, the selections are split into passes that fit and each goes on
    /// alone: windows grow on the way down, so the small steps near the top run on many selections at once (few,
    /// large calls) and the large ones near the image on few (tensors that stay in cache).
    /// </summary>
    WindowedSignal ReverseWindows(ForwardTrace trace, (int Layer, int Step)[] steps, int next, WindowedSignal signal,
        Action<int, int, WindowedSignal>? observe, Action<ConvStep, WindowedSignal>? beforeConv)
    {
        for (; next < steps.Length; next++)
        {
            var (l, i) = steps[next];
            var step = Layers[l].Steps[i];
            int fits = Planner.SelectionsPerPass(step, signal);
            if (signal.Count > fits)
            {
                var parts = new List<WindowedSignal>();
                for (int start = 0; start < signal.Count; start += fits)
                    parts.Add(ReverseWindows(trace, steps, next, signal.Slice(start, Math.Min(fits, signal.Count - start)), observe, beforeConv));
                return WindowedSignal.Concat(parts);
            }
            long started = StepTimes is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            if (step is ConvStep c) beforeConv?.Invoke(c, signal);
            signal = step.Reverse(signal, trace.Steps[l][i]);
            StepTimes?.Add($"{Layers[l].Name} {step.Kind}", started);
            observe?.Invoke(l, i, signal);
        }
        return signal;
    }

    static WindowedSignal Densify(WindowedSignal signal, long[] features, Tensor values)
    {
        var oneHot = nn.functional.one_hot(tensor(features, device: values.device), signal.Values.shape[1]).to_type(values.dtype);
        return signal.With((oneHot * values.unsqueeze(1)).view(signal.Count, -1, 1, 1));
    }

    internal void CheckTrace(ForwardTrace trace, int layer)
    {
        if (layer < 0 || layer >= trace.LayerCount) throw new ArgumentOutOfRangeException(nameof(layer), $"Layer {layer} was not traced (traced: 0..{trace.LayerCount - 1}).");
        if (trace.Steps.SelectMany(s => s).Zip(Layers.SelectMany(l => l.Steps)).Any(p => p.Second is MaxPoolStep && p.First.Switches is null))
            throw new InvalidOperationException("The forward trace has no switches: run Forward with record: true before projecting.");
    }

    static ProjectionBatch Concat(List<ProjectionBatch> parts, ForwardTrace trace)
    {
        if (parts.Count == 1) return parts[0];
        if (parts.Count == 0) return new ProjectionBatch(zeros(0, trace.InputChannels, 1, 1), [], [], trace.InputHeight, trace.InputWidth);
        var all = new ProjectionBatch(cat(parts.Select(p => p.Values).ToArray(), 0), parts.SelectMany(p => p.Top).ToArray(),
            parts.SelectMany(p => p.Left).ToArray(), trace.InputHeight, trace.InputWidth);
        foreach (var p in parts) p.Dispose();
        return all;
    }
}
