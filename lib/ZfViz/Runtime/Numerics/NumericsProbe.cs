using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Runtime.Numerics;

/// <summary>
/// Checks this process's libtorch convolutions against float64. float64 convolutions do not go through oneDNN, so
/// they are an independent reference for the float32 (and bfloat16) kernels that oneDNN picks for this CPU and its
/// ISA cap. Runs the forward, the input gradient, the weight gradient and the transposed convolution (the deconvnet's
/// reverse step) on <see cref="Cases"/>, several times each, because wrong kernels read uninitialised memory and
/// are wrong by different amounts on every call. Also times a small training step, for the cost of a cap.
/// Call it in a process whose oneDNN ISA was set before libtorch loaded (zfviz doctor runs one child per setting).
/// </summary>
public static class NumericsProbe
{
    /// <summary>Largest error of a float32 kernel, relative to the reference's largest magnitude. Right kernels: ~1e-6.</summary>
    public const double Float32Tolerance = 1e-4;

    /// <summary>bfloat16 keeps 8 significant bits (0.4 %); with float32 accumulation sums stay near 1 % of their scale.</summary>
    public const double BFloat16Tolerance = 3e-2;

    /// <summary>
    /// Channel counts that are and are not multiples of 16 (oneDNN 3.7.1's AVX2/AVX-512 kernels fail on the latter on
    /// some CPUs), the presets' own shapes, a what-if network's, one-channel images and the 1x1 band of contrast
    /// normalisation. Small images keep the check to seconds.
    /// </summary>
    static readonly ConvCase[] OddCases =
    [
        new(3, 6, 5, 1, 2, 12), new(3, 20, 5, 1, 2, 12), new(3, 50, 5, 1, 2, 12),
        new(48, 100, 3, 1, 1, 9), new(100, 60, 3, 1, 1, 9), new(64, 70, 3, 1, 1, 9),
        new(100, 37, 3, 1, 1, 9), new(37, 10, 3, 1, 1, 9), new(10, 70, 3, 1, 1, 9), new(70, 24, 3, 1, 1, 9),
        new(3, 16, 5, 1, 2, 12), new(1, 96, 5, 1, 2, 12), new(64, 64, 3, 1, 1, 9), new(70, 70, 1, 1, 0, 9),
    ];

    /// <summary>
    /// ResNet-18's convolutions at 224 (Sec. 5's comparison network): the stem (padded beforehand, so unpadded here),
    /// 3x3 convolutions of 64-512 maps, stride-2 ones (padded top/left beforehand) and the 1x1 stride-2 shortcuts,
    /// which no other network has and which oneDNN runs on its own 1x1 kernels.
    /// </summary>
    static readonly ConvCase[] ResNetCases =
    [
        new(3, 64, 7, 2, 0, 229, Batch: 1), new(64, 64, 3, 1, 1, 56),
        new(64, 128, 3, 2, 0, 57), new(128, 128, 3, 1, 1, 28), new(64, 128, 1, 2, 0, 56),
        new(128, 256, 3, 2, 0, 29), new(256, 256, 3, 1, 1, 14), new(128, 256, 1, 2, 0, 28),
        new(256, 512, 3, 2, 0, 15), new(512, 512, 3, 1, 1, 7), new(256, 512, 1, 2, 0, 14),
    ];

    // Declared after OddCases and ResNetCases: static fields initialise in text order.
    public static IReadOnlyList<ConvCase> Cases { get; } = OddCases.Concat(PresetCases()).Concat(ResNetCases).Distinct().ToList();

    /// <summary>Every conv layer of every preset at its own input size: the kernels are not only wrong on odd counts
    /// (48->96 5x5/2 at 16x16, zfnet-cifar's conv2, is wrong here under the default kernels too).</summary>
    static IEnumerable<ConvCase> PresetCases()
    {
        foreach (var config in Models.Presets.All)
        {
            int channels = config.InputChannels, size = config.InputSize;
            foreach (var stage in config.Stages())
            {
                if (stage.Kind == Models.StageKind.Conv)
                {
                    var c = config.Convs[stage.Index];
                    yield return new ConvCase(channels, c.Filters, c.Kernel, c.Stride, c.Padding, size, c.Groups, size > 64 ? 1 : 4);
                    channels = c.Filters;
                }
                size = stage.Size;
            }
        }
    }


    /// <summary>Fresh random draws per case and dtype in the doctor's probe.</summary>
    public const int DefaultRepeats = 2;

    /// <summary>
    /// With a batch override, a case's batch is capped so that one of its convolutions stays under this many
    /// multiply-adds (the float64 reference of a 224-pixel layer at batch 128 would take minutes).
    /// </summary>
    public const double MaxMultiplyAddsPerCall = 1e9;

    /// <param name="isa">The setting this process runs under, for the record (with "+pad16" where channels are padded).</param>
    /// <param name="repeats">Fresh random draws per case and dtype.</param>
    /// <param name="batch">Every case's batch (capped by <see cref="MaxMultiplyAddsPerCall"/>); null: the cases' own.</param>
    /// <param name="seed">The random draws' seed (a repeated investigation varies it).</param>
    public static NumericsProbeResult Run(string isa, bool includeBFloat16 = true, bool timeStep = true, int repeats = DefaultRepeats,
        int? batch = null, ulong seed = 20141112)
    {
        using var _ = torch.no_grad(); // gradients below are computed with autograd.grad inside enable_grad scopes
        var generator = new Generator(seed);
        var cases = batch is { } n ? Cases.Select(c => WithBatch(c, n)).ToList() : Cases;
        var float32 = cases.Select(c => Check(c, ScalarType.Float32, generator, repeats)).ToList();
        var bfloat16 = includeBFloat16 ? cases.Select(c => Check(c, ScalarType.BFloat16, generator, repeats)).ToList() : null;
        var stepMs = timeStep ? TimeTrainingStep() : (double?)null;
        return new NumericsProbeResult(isa, ConvChannelPadding.Enabled, float32, bfloat16, stepMs, Bf16Hardware.Supported,
            ConvChannelPadding.Layout == ConvLayout.ChannelsLast);
    }

    /// <summary>The case at batch <paramref name="batch"/>, or less where that would exceed <see cref="MaxMultiplyAddsPerCall"/>.</summary>
    public static ConvCase WithBatch(ConvCase c, int batch)
    {
        long outSize = (c.Size + 2 * c.Padding - c.Kernel) / c.Stride + 1;
        double perImage = (double)outSize * outSize * c.OutChannels * (c.InChannels / c.Groups) * c.Kernel * c.Kernel;
        return c with { Batch = (int)Math.Max(1, Math.Min(batch, Math.Floor(MaxMultiplyAddsPerCall / perImage))) };
    }

    /// <summary>Worst relative error of each quantity over <paramref name="repeats"/> fresh random draws.</summary>
    static ConvCaseResult Check(ConvCase c, ScalarType type, Generator generator, int repeats)
    {
        double fwd = 0, gin = 0, gw = 0, tr = 0;
        for (var r = 0; r < repeats; r++)
        {
            using var scope = torch.NewDisposeScope();
            var x = torch.randn([c.Batch, c.InChannels, c.Size, c.Size], ScalarType.Float64, generator: generator);
            var w = torch.randn([c.OutChannels, c.InChannels / c.Groups, c.Kernel, c.Kernel], ScalarType.Float64, generator: generator);
            var b = torch.randn([c.OutChannels], ScalarType.Float64, generator: generator);
            var (yRef, gxRef, gwRef, upstream) = ConvWithGradients(x, w, b, c, null, reference: true);
            var (y, gx, gwt, _) = ConvWithGradients(x.to(type), w.to(type), b.to(type), c, upstream.to(type), reference: false);
            fwd = Math.Max(fwd, RelativeError(yRef, y));
            gin = Math.Max(gin, RelativeError(gxRef, gx));
            gw = Math.Max(gw, RelativeError(gwRef, gwt));
            // The deconvnet's reverse step: a transposed convolution of a map-sized signal with the same filters.
            var trRef = nn.functional.conv_transpose2d(upstream, w, null, strides: [c.Stride, c.Stride], padding: [c.Padding, c.Padding], groups: c.Groups);
            var trOut = ConvChannelPadding.ConvTranspose2d(upstream.to(type), w.to(type), [c.Stride, c.Stride], [c.Padding, c.Padding], groups: c.Groups);
            tr = Math.Max(tr, RelativeError(trRef, trOut));
        }
        var tolerance = type == ScalarType.Float32 ? Float32Tolerance : BFloat16Tolerance;
        var pass = new[] { fwd, gin, gw, tr }.All(e => e <= tolerance);
        return new ConvCaseResult(c.ToString(), fwd, gin, gw, tr, pass, c.Batch);
    }

    /// <summary>The reference is libtorch's plain float64 convolution; the kernel under test goes the way ZFViz's own do.</summary>
    static (Tensor Y, Tensor GradInput, Tensor GradWeight, Tensor Upstream) ConvWithGradients(
        Tensor x, Tensor w, Tensor b, ConvCase c, Tensor? upstream, bool reference)
    {
        using var grad = torch.enable_grad();
        x = x.detach().requires_grad_(true);
        w = w.detach().requires_grad_(true);
        var y = reference
            ? nn.functional.conv2d(x, w, b, strides: [c.Stride], padding: [c.Padding], groups: c.Groups)
            : ConvChannelPadding.Conv2d(x, w, b, [c.Stride, c.Stride], [c.Padding, c.Padding], c.Groups);
        upstream ??= torch.randn(y.shape, ScalarType.Float64, generator: new Generator((ulong)(uint)c.GetHashCode()));
        var grads = torch.autograd.grad([y], [x, w], [upstream]);
        return (y.detach(), grads[0], grads[1], upstream);
    }

    /// <summary>max |actual - expected| / max |expected|, in float64; NaN or infinite values count as infinitely wrong.</summary>
    public static double RelativeError(Tensor expected, Tensor actual)
    {
        using var e = expected.to(ScalarType.Float64);
        using var a = actual.to(ScalarType.Float64);
        using var finite = a.isfinite().all();
        if (!finite.item<bool>()) return double.PositiveInfinity;
        using var diff = (a - e).abs_().max();
        using var scale = e.abs().max();
        var s = scale.item<double>();
        return s == 0 ? diff.item<double>() : diff.item<double>() / s;
    }

    /// <summary>
    /// Milliseconds for forward + backward of a CIFAR-scale ZFNet conv stack (batch 16, float32): what a setting costs.
    /// Run as training runs it: channels-last input (TrainingOptions.ChannelsLast), convolutions through
    /// <see cref="ConvChannelPadding"/>. Median of three after one warm-up.
    /// </summary>
    static double TimeTrainingStep()
    {
        var generator = new Generator(7);
        using var scope = torch.NewDisposeScope();
        var x = ConvChannelPadding.ToChannelsLast(torch.randn([16, 3, 32, 32], generator: generator));
        (long Out, long In, int K, int Pad, bool Pool)[] layers =
            [(96, 3, 5, 2, true), (256, 96, 5, 2, true), (384, 256, 3, 1, false), (384, 384, 3, 1, false), (256, 384, 3, 1, true)];
        var weights = layers.Select(l => (torch.randn([l.Out, l.In, l.K, l.K], generator: generator) * 0.05f).requires_grad_(true)).ToList();
        var times = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            using var step = torch.NewDisposeScope();
            using var grad = torch.enable_grad();
            var sw = Stopwatch.StartNew();
            var h = x;
            for (var l = 0; l < layers.Length; l++)
            {
                h = nn.functional.relu(ConvChannelPadding.Conv2d(h, weights[l], null, [1, 1], [layers[l].Pad, layers[l].Pad]));
                if (layers[l].Pool) h = nn.functional.max_pool2d(h, 3, 2, 1);
            }
            var loss = h.square().mean();
            torch.autograd.grad([loss], weights);
            if (i >= 1) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
