using System.CommandLine;
using System.Globalization;
using ZfViz.Deconv;
using ZfViz.Models;
using ZfViz.Runtime;

namespace ZfViz.Cli.Commands;

/// <summary>zfviz bench-deconv: prints the deconvnet's performance figures (top-9 search vs inference, batched vs single projections, peak memory).</summary>
public static class BenchDeconvCommand
{
    public static Command Create()
    {
        var model = ModelOption.Create("zfnet-cifar");
        var weights = new Option<string?>("--weights") { Description = "Weights (.safetensors); default: random initialisation" };
        var images = new Option<int>("--images") { Description = "Images for the timing runs", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 128 };
        var layer = new Option<string>("--layers") { Description = "Comma-separated layers whose top-9 projections are timed", DefaultValueFactory = _ => "conv1,conv2,conv3,conv4,conv5" };
        var memory = new Option<string>("--memory-images") { Description = "Comma-separated N for the peak-memory runs", DefaultValueFactory = _ => "1000,10000" };
        var repeats = new Option<int>("--repeats") { Description = "Runs per timing (the fastest counts)", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = "torch threads (default: libtorch's choice, or $ZFVIZ_THREADS)" };
        // Internal: one peak-memory measurement, run by the benchmark in a fresh process per N.
        var probe = new Option<int?>("--memory-probe") { Hidden = true };
        var cmd = new Command("bench-deconv", "Measure top-9 search vs inference, batched vs one-at-a-time projection, and search memory")
            { model, weights, images, batch, layer, memory, repeats, threads, probe };
        cmd.SetAction(r =>
        {
            TorchRuntime.Initialize("cpu");
            if (r.GetValue(threads) is { } t) TorchSharp.torch.set_num_threads(t > 0 ? t : throw new UserInputException("--threads must be at least 1."));
            if (r.GetValue(repeats) < 1) throw new UserInputException("--repeats must be at least 1.");
            if (r.GetValue(images) < 1 || r.GetValue(batch) < 1) throw new UserInputException("--images and --batch must be at least 1.");
            var sizes = r.GetValue(memory)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.TryParse(s, out var n) && n > 0 ? n : throw new UserInputException($"--memory-images: '{s}' is not a positive number.")).ToList();
            torch_seed();
            string preset = r.GetValue(model)!;
            string? weightsPath = r.GetValue(weights);
            using var net = weightsPath is not null ? PresetModel.Load(preset, weightsPath) : new ConvNet(ModelOption.Resolve(preset).Config);
            if (r.GetValue(probe) is { } probeImages)
            {
                var (peak, baseline) = DeconvBenchmark.SearchPeakMemory(net, probeImages, r.GetValue(batch));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ProbePrefix}{peak} {baseline}"));
                return 0;
            }
            var probeArgs = new List<string> { "bench-deconv", "--model", ModelSpec.IsConfigPath(preset) ? Path.GetFullPath(preset) : preset, "--batch", r.GetValue(batch).ToString(CultureInfo.InvariantCulture),
                "--threads", TorchSharp.torch.get_num_threads().ToString(CultureInfo.InvariantCulture) };
            if (weightsPath is not null) probeArgs.AddRange(["--weights", Path.GetFullPath(weightsPath)]);
            var res = DeconvBenchmark.Run(net, r.GetValue(images), r.GetValue(batch), r.GetValue(layer)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), sizes, r.GetValue(repeats), Console.Out,
                n => ProbeInFreshProcess(probeArgs, n));
            foreach (var line in Lines(res)) Console.WriteLine(line);
            return 0;
        });
        return cmd;
    }

    const string ProbePrefix = "memory-probe: ";

    /// <summary>Runs this program again with --memory-probe N and reads the peak and baseline it prints.</summary>
    static (long PeakKb, long BaselineKb) ProbeInFreshProcess(IReadOnlyList<string> args, int images)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which program is running.");
        var start = new System.Diagnostics.ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Under `dotnet zfviz.dll` the process is the host: run the same assembly again.
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(BenchDeconvCommand).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.ArgumentList.Add("--memory-probe");
        start.ArgumentList.Add(images.ToString(CultureInfo.InvariantCulture));
        // A fixed mmap threshold returns every large freed block to the system at once, so the peak follows live
        // memory; glibc's adaptive threshold otherwise keeps freed tensors cached in amounts that vary run to run.
        start.Environment["MALLOC_MMAP_THRESHOLD_"] = "131072";
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ProbePrefix, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"The memory probe for {images} images failed (exit {process.ExitCode}): {error.Result.Trim()}");
        var parts = line[ProbePrefix.Length..].Trim().Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    static void torch_seed() => TorchSharp.torch.random.manual_seed(1);

    public static IEnumerable<string> Lines(DeconvBenchmarkResult r)
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Create(c, $"model {r.Model}, {r.Images} random images, batch {r.BatchSize}, {r.Threads} torch threads (CPU)");
        yield return string.Create(c, $"inference (whole network)      {r.InferenceSeconds,8:0.000} s");
        yield return string.Create(c, $"top-9 search (all conv layers) {r.TopKSeconds,8:0.000} s   ratio {r.TopKOverInference:0.00}x  (goal <= 1.25x)");
        yield return string.Create(c, $"arithmetic ceiling             {r.CeilingGflops,8:0} GFLOP/s  (best of a matrix product and a large transposed convolution)");
        yield return "top-9 projections of every map: seconds, and the batched call's speed-up over each other way (goal >= 10x)";
        yield return "  layer  count   batched  GFLOP/s   one Project call each   one whole-map pass each   own forward + whole map   limit";
        foreach (var p in r.Projections)
            yield return string.Create(c,
                $"  {p.Layer,-5} {p.Count,6} {p.Batched,9:0.000} {(p.Flops > 0 ? p.BatchedGflops.ToString("0", c) : "-"),8}   {p.OneAtATime,9:0.000} ({p.OneAtATime / p.Batched,5:0.0}x)      {p.WholeMaps,9:0.000} ({p.WholeMaps / p.Batched,6:0.0}x)      {p.Naive,9:0.000} ({p.Naive / p.Batched,6:0.0}x){(p.NaiveCount < p.Count ? "*" : " ")}  {(p.Flops > 0 ? p.SpeedupLimit(r.CeilingGflops).ToString("0.0", c) + "x" : "-"),6}");
        if (r.Projections.Any(p => p.NaiveCount < p.Count))
            yield return "  * timed on the first activations and scaled to all";
        yield return "  limit: one Project call each over the batched call's arithmetic at the ceiling's speed, the most any";
        yield return "  batching can gain here; where it is near 10x or below, projections are compute-bound, not overhead-bound";
        foreach (var p in r.Projections.Where(p => p.Steps is { Count: > 0 }))
        {
            double total = p.Steps!.Sum(s => s.Seconds);
            yield return string.Create(c, $"  {p.Layer} batched, by reverse step (one more call, {total:0.000} s): ") +
                string.Join(", ", p.Steps!.Where(s => s.Seconds >= 0.005 * total).Select(s => string.Create(c, $"{s.Step} {s.Seconds:0.000} s ({100 * s.Seconds / total:0}%)")));
        }
        foreach (var (n, peak, baseline) in r.Memory)
            yield return string.Create(c, $"peak RSS of top-9 search, N = {n,6}: {peak / 1024.0,8:0.0} MB (RSS before it: {baseline / 1024.0:0.0} MB, growth {(peak - baseline) / 1024.0:0.0} MB)");
        if (r.Memory.Count >= 2)
        {
            var first = r.Memory[0];
            var last = r.Memory[^1];
            yield return string.Create(c, $"peak memory from N = {first.Images} to {last.Images}: {(last.PeakRssKb - first.PeakRssKb) / 1024.0:+0.0;-0.0;0.0} MB (goal: no growth with N)");
        }
    }
}
