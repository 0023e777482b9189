using System.Diagnostics;
using TorchSharp;
using ZfViz.Analysis;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>Figures measured by <see cref="DeconvBenchmark"/>.</summary>
public sealed record DeconvBenchmarkResult(
    string Model, int Images, int BatchSize, int Threads,
    double InferenceSeconds, double TopKSeconds,
    string ProjectionLayer, int Projections, double BatchedSeconds, double OneAtATimeSeconds, double WholeMapOneAtATimeSeconds,
    IReadOnlyList<(int Images, long PeakRssKb, long BaselineRssKb)> Memory)
{
    /// <summary>Top-k search time over plain inference time (goal: at most 1.25).</summary>
    public double TopKOverInference => TopKSeconds / InferenceSeconds;
    /// <summary>One-at-a-time projection time over batched (goal: at least 10).</summary>
    public double BatchedSpeedup => OneAtATimeSeconds / BatchedSeconds;
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
    public static DeconvBenchmarkResult Run(ConvNet model, int images, int batchSize, string projectionLayer, IReadOnlyList<int> memoryImages, TextWriter? log = null)
    {
        model.eval();
        var config = model.Config;
        var net = Deconvnet.FromModule(model);
        var layers = net.Layers.Select(l => l.Name).ToList();
        IEnumerable<Tensor> Batches(int n)
        {
            var rng = new Generator(1234);
            for (int i = 0; i < n; i += batchSize)
                yield return randn(Math.Min(batchSize, n - i), config.InputChannels, config.InputSize, config.InputSize, generator: rng);
        }

        // Warm-up (allocator, kernels), then inference and search over the same images.
        Inference(model, Batches(Math.Min(images, batchSize)));
        TopK.Search(net, Batches(Math.Min(images, batchSize)), layers);
        log?.WriteLine($"timing inference and top-9 search over {images} images ...");
        double inference = Time(() => Inference(model, Batches(images)));
        TopKResult? result = null;
        double search = Time(() => result = TopK.Search(net, Batches(images), layers));
        // once more each, keeping the faster run (the machine is shared)
        inference = Math.Min(inference, Time(() => Inference(model, Batches(images))));
        search = Math.Min(search, Time(() => result = TopK.Search(net, Batches(images), layers)));

        // Projections: all top-9 activations of every map of one layer, over the images that produced them.
        int layer = net.IndexOf(projectionLayer);
        var points = result!.For(net.Layers[layer].Name, 0) is { } ? Enumerable.Range(0, net.Layers[layer].Channels).SelectMany(f => result.For(net.Layers[layer].Name, f)).ToList() : [];
        var imageIds = points.Select(p => p.Image).Distinct().Order().ToArray();
        var all = cat(Batches(images).ToArray(), 0);
        using var input = all.index_select(0, tensor(imageIds));
        all.Dispose();
        var local = imageIds.Select((img, i) => (img, i)).ToDictionary(t => t.img, t => (long)t.i);
        var localPoints = points.Select(p => p with { Image = local[p.Image] }).ToList();
        using var trace = net.Forward(input, layer);
        net.Project(trace, layer, localPoints.Take(16).ToList()).Dispose(); // warm-up
        log?.WriteLine($"timing {localPoints.Count} projections of {net.Layers[layer].Name}: batched, one at a time, whole maps one at a time ...");
        double batched = Time(() => net.Project(trace, layer, localPoints).Dispose());
        double single = Time(() => { foreach (var p in localPoints) net.Project(trace, layer, [p]).Dispose(); });
        var act = trace.Activations[layer];
        double whole = Time(() =>
        {
            foreach (var p in localPoints)
            {
                using var scope = NewDisposeScope();
                var mask = zeros(act.shape[1], act.shape[2], act.shape[3]);
                mask[p.Feature, p.Y, p.X] = tensor(1f);
                net.ProjectMasked(trace, layer, p.Image, mask).Dispose();
            }
        });

        var memory = new List<(int, long, long)>();
        foreach (var n in memoryImages)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long baseline = PeakRss.CurrentKb();
            PeakRss.Reset();
            log?.WriteLine($"peak memory of the search over {n} images ...");
            TopK.Search(net, Batches(n), layers);
            memory.Add((n, PeakRss.PeakKb(), baseline));
        }
        return new DeconvBenchmarkResult(config.Name, images, batchSize, torch.get_num_threads(), inference, search,
            net.Layers[layer].Name, localPoints.Count, batched, single, whole, memory);
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
