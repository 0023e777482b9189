using System.Diagnostics;
using TorchSharp;
using ZfViz.Analysis;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>Projection timings for one layer: its top-9 activations of every map, projected four ways.</summary>
/// <param name="Batched">One Project call for all of them (shared forward traces).</param>
/// <param name="OneAtATime">One Project call per activation (same shared traces, receptive-field windows).</param>
/// <param name="WholeMaps">One unwindowed reverse pass per activation (whole maps, shared traces).</param>
/// <param name="Naive">Per activation its own forward pass and an unwindowed reverse pass (what a loop over
/// <c>zfviz project</c> does), measured on the first <paramref name="NaiveCount"/> activations and scaled.</param>
/// <param name="Flops">Floating-point operations of the batched call's transposed convolutions (see
/// <see cref="ProjectionPlanner.ProjectionFlops"/>).</param>
/// <param name="Steps">One more batched call, timed per reverse step (<see cref="ReverseStepTimes"/>): where its time goes.</param>
public sealed record ProjectionTiming(string Layer, int Count, double Batched, double OneAtATime, double WholeMaps, double Naive, int NaiveCount, double Flops,
    IReadOnlyList<(string Step, double Seconds)>? Steps = null)
{
    /// <summary>Speed the batched call's convolutions reached, in GFLOP/s.</summary>
    public double BatchedGflops => Flops / Batched / 1e9;

    /// <summary>
    /// The largest speed-up over one-at-a-time calls any batching could reach on this machine: one-at-a-time time over
    /// the batched call's FLOPs run at <paramref name="ceilingGflops"/> (the machine's arithmetic ceiling). Near or
    /// below 10, the layer is compute-bound here: each projection costs as much arithmetic batched as alone.
    /// </summary>
    public double SpeedupLimit(double ceilingGflops) => OneAtATime / (Flops / (ceilingGflops * 1e9));
}

/// <summary>Figures measured by <see cref="DeconvBenchmark"/>.</summary>
/// <param name="CeilingGflops">The arithmetic ceiling on the same threads (see <see cref="DeconvBenchmark"/>).</param>
/// <param name="Memory">Per N: peak resident memory during the search and resident memory just before it (kB).</param>
public sealed record DeconvBenchmarkResult(
    string Model, int Images, int BatchSize, int Threads,
    double InferenceSeconds, double TopKSeconds, double CeilingGflops,
    IReadOnlyList<ProjectionTiming> Projections,
    IReadOnlyList<(int Images, long PeakRssKb, long BaselineRssKb)> Memory)
{
    /// <summary>Top-k search time over plain inference time (goal: at most 1.25).</summary>
    public double TopKOverInference => TopKSeconds / InferenceSeconds;
}

/// <summary>
/// Measures the deconvnet's performance goals side by side in one process: (1) top-9 search over N images (all conv
/// layers) against one plain inference pass (the whole network, logits) over the same images; (2) projecting the 9
/// top activations of every map of a layer in one batched call against one call per activation (and against one
/// whole-map, unwindowed reverse pass per activation); (3) peak resident memory of the search for several N.
/// Images are random, generated batch by batch from a seed, so nothing but the search itself grows with N.
/// </summary>
public static class DeconvBenchmark
{
    /// <param name="measureMemory">Measures the search's peak memory for N images; by default
    /// <see cref="SearchPeakMemory"/> in this process (the CLI runs each N in a fresh process instead, so what earlier
    /// measurements left allocated cannot hide or inflate growth).</param>
    public static DeconvBenchmarkResult Run(ConvNet model, int images, int batchSize, IReadOnlyList<string> projectionLayers, IReadOnlyList<int> memoryImages, int repeats = 3, TextWriter? log = null,
        Func<int, (long PeakKb, long BaselineKb)>? measureMemory = null)
    {
        model.eval();
        var config = model.Config;
        var net = Deconvnet.FromModule(model);
        var layers = net.Layers.Select(l => l.Name).ToList();
        IEnumerable<Tensor> Batches(int n) => RandomBatches(config, n, batchSize);

        // Warm-up (allocator, kernels); then each measurement several times, interleaved, keeping the fastest
        // run of each (the machine may be shared, and a stall should not decide a ratio).
        Inference(model, Batches(Math.Min(images, batchSize)));
        TopK.Search(net, Batches(Math.Min(images, batchSize)), layers);
        log?.WriteLine($"timing inference and top-9 search over {images} images ({repeats} runs each) ...");
        double inference = double.MaxValue, search = double.MaxValue;
        TopKResult? result = null;
        for (int r = 0; r < repeats; r++)
        {
            inference = Math.Min(inference, Time(() => Inference(model, Batches(images))));
            search = Math.Min(search, Time(() => result = TopK.Search(net, Batches(images), layers)));
        }

        // Projections: all top-9 activations of every map of a layer, over the images that produced them.
        var timings = new List<ProjectionTiming>();
        var all = cat(Batches(images).ToArray(), 0);
        foreach (var layerName in projectionLayers)
        {
            int layer = net.IndexOf(layerName);
            string name = net.Layers[layer].Name;
            var points = Enumerable.Range(0, net.Layers[layer].Channels).SelectMany(f => result!.For(name, f)).ToList();
            var imageIds = points.Select(p => p.Image).Distinct().Order().ToArray();
            using var input = all.index_select(0, tensor(imageIds));
            var local = imageIds.Select((img, i) => (img, i)).ToDictionary(t => t.img, t => (long)t.i);
            var localPoints = points.Select(p => p with { Image = local[p.Image] }).ToList();
            using var trace = net.Forward(input, layer);
            net.Project(trace, layer, localPoints.Take(16).ToList()).Dispose(); // warm-up
            log?.WriteLine($"timing {localPoints.Count} projections of {name} ({repeats} runs each) ...");
            var act = trace.Activations[layer];
            int naiveCount = Math.Min(localPoints.Count, 64);
            double batched = double.MaxValue, single = double.MaxValue, whole = double.MaxValue, naive = double.MaxValue;
            for (int r = 0; r < repeats; r++)
            {
                batched = Math.Min(batched, Time(() => net.Project(trace, layer, localPoints).Dispose()));
                single = Math.Min(single, Time(() => { foreach (var p in localPoints) net.Project(trace, layer, [p]).Dispose(); }));
                whole = Math.Min(whole, Time(() => { foreach (var p in localPoints) WholeMap(net, trace, layer, p); }));
                naive = Math.Min(naive, Time(() =>
                {
                    foreach (var p in localPoints.Take(naiveCount))
                    {
                        using var own = net.Forward(input[p.Image].unsqueeze(0), layer);
                        WholeMap(net, own, layer, p with { Image = 0 });
                    }
                }) * localPoints.Count / naiveCount);
            }
            double flops = net.Planner.ProjectionFlops(trace, layer, localPoints[0]) * localPoints.Count;
            var steps = new ReverseStepTimes();
            net.StepTimes = steps;
            try { net.Project(trace, layer, localPoints).Dispose(); }
            finally { net.StepTimes = null; }
            timings.Add(new ProjectionTiming(name, localPoints.Count, batched, single, whole, naive, naiveCount, flops, steps.Totals));
        }
        all.Dispose();
        double ceiling = CeilingGflops(repeats);

        var memory = new List<(int, long, long)>();
        foreach (var n in memoryImages)
        {
            log?.WriteLine($"peak memory of the search over {n} images ...");
            var (peak, baseline) = measureMemory?.Invoke(n) ?? SearchPeakMemory(model, n, batchSize);
            memory.Add((n, peak, baseline));
        }
        return new DeconvBenchmarkResult(config.Name, images, batchSize, torch.get_num_threads(), inference, search, ceiling,
            timings, memory);
    }

    /// <summary>Batches searched before the memory measurement starts (see <see cref="SearchPeakMemory"/>).</summary>
    const int WarmUpBatches = 24;

    /// <summary>
    /// Peak resident memory (kB, Linux; -1 elsewhere) of a top-k search over all conv layers for <paramref name="images"/>
    /// random images, and resident memory just before it (after a warm-up search of <see cref="WarmUpBatches"/>
    /// batches, so libtorch's kernels, the allocator and the managed heap are in place). Call it in a fresh process for
    /// figures that compare across N.
    /// </summary>
    public static (long PeakKb, long BaselineKb) SearchPeakMemory(ConvNet model, int images, int batchSize)
    {
        model.eval();
        var net = Deconvnet.FromModule(model);
        var layers = net.Layers.Select(l => l.Name).ToList();
        IEnumerable<Tensor> Batches(int n) => RandomBatches(model.Config, n, batchSize);
        // Warm-up long enough for the runtime to settle (libtorch's kernels, the allocator, the managed heap's first
        // collections commit its budget): before it, a short search would look smaller than a long one for reasons
        // that have nothing to do with N.
        TopK.Search(net, Batches(WarmUpBatches * batchSize), layers);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = PeakRss.CurrentKb();
        PeakRss.Reset();
        TopK.Search(net, Batches(images), layers);
        return (PeakRss.PeakKb(), baseline);
    }

    /// <summary>N random network inputs in batches, the same for every call (seeded).</summary>
    static IEnumerable<Tensor> RandomBatches(NetConfig config, int n, int batchSize)
    {
        var rng = new Generator(1234);
        for (int i = 0; i < n; i += batchSize)
            yield return randn(Math.Min(batchSize, n - i), config.InputChannels, config.InputSize, config.InputSize, generator: rng);
    }

    /// <summary>
    /// This machine's arithmetic ceiling on torch's current threads (GFLOP/s, fastest of a few runs): the better of a
    /// 1024x1024 float32 matrix product and a large transposed convolution (zfnet's conv4 on 13x13 maps, batch 32).
    /// The two differ: on some CPUs libtorch's matrix product takes a slower path than its convolutions.
    /// </summary>
    static double CeilingGflops(int repeats)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var a = randn(1024, 1024, generator: gen);
        var b = randn(1024, 1024, generator: gen);
        var x = randn(32, 384, 13, 13, generator: gen);
        var w = randn(384, 384, 3, 3, generator: gen);
        double Best(Action op, double flops)
        {
            op();
            double best = double.MaxValue;
            for (int r = 0; r < Math.Max(3, repeats); r++) best = Math.Min(best, Time(op));
            return flops / best / 1e9;
        }
        double matmul = Best(() => a.matmul(b).Dispose(), 2.0 * 1024 * 1024 * 1024);
        double conv = Best(() => nn.functional.conv_transpose2d(x, w, null).Dispose(), 2.0 * 32 * 13 * 13 * 384 * 384 * 9);
        return Math.Max(matmul, conv);
    }

    static void WholeMap(Deconvnet net, ForwardTrace trace, int layer, ActivationPoint p)
    {
        using var scope = NewDisposeScope();
        var act = trace.Activations[layer];
        var mask = zeros(act.shape[1], act.shape[2], act.shape[3]);
        mask[p.Feature, p.Y, p.X] = tensor(1f);
        net.ProjectMasked(trace, layer, p.Image, mask).Dispose();
    }

    static void Inference(ConvNet model, IEnumerable<Tensor> batches)
    {
        using var noGrad = no_grad();
        using var e = batches.GetEnumerator();
        while (true)
        {
            using var scope = NewDisposeScope();
            if (!e.MoveNext()) break;
            model.call(e.Current);
        }
    }

    static double Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>Peak resident set size of this process (Linux /proc; -1 elsewhere), resettable via clear_refs.</summary>
    static class PeakRss
    {
        public static void Reset()
        {
            try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        public static long PeakKb() => Read("VmHWM:");
        public static long CurrentKb() => Read("VmRSS:");

        static long Read(string key)
        {
            if (!File.Exists("/proc/self/status")) return -1;
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? -1 : long.Parse(line[key.Length..].Trim().Split(' ')[0]);
        }
    }
}
