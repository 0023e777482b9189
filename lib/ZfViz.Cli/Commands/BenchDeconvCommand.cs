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
        var model = new Option<string>("--model") { Description = "Preset", DefaultValueFactory = _ => "zfnet-cifar" };
        var weights = new Option<string?>("--weights") { Description = "Weights (.safetensors); default: random initialisation" };
        var images = new Option<int>("--images") { Description = "Images for the timing runs", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 128 };
        var layer = new Option<string>("--layers") { Description = "Comma-separated layers whose top-9 projections are timed", DefaultValueFactory = _ => "conv1,conv2,conv3,conv4,conv5" };
        var memory = new Option<string>("--memory-images") { Description = "Comma-separated N for the peak-memory runs", DefaultValueFactory = _ => "1000,10000" };
        var repeats = new Option<int>("--repeats") { Description = "Runs per timing (the fastest counts)", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = "torch threads (default: libtorch's choice, or $ZFVIZ_THREADS)" };
        var cmd = new Command("bench-deconv", "Measure top-9 search vs inference, batched vs one-at-a-time projection, and search memory")
            { model, weights, images, batch, layer, memory, repeats, threads };
        cmd.SetAction(r =>
        {
            TorchRuntime.Initialize("cpu");
            if (r.GetValue(threads) is { } t) TorchSharp.torch.set_num_threads(t > 0 ? t : throw new ArgumentException("--threads must be at least 1."));
            if (r.GetValue(repeats) < 1) throw new ArgumentException("--repeats must be at least 1.");
            if (r.GetValue(images) < 1 || r.GetValue(batch) < 1) throw new ArgumentException("--images and --batch must be at least 1.");
            var sizes = r.GetValue(memory)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.TryParse(s, out var n) && n > 0 ? n : throw new ArgumentException($"--memory-images: '{s}' is not a positive number.")).ToList();
            torch_seed();
            using var net = r.GetValue(weights) is { } w ? PresetModel.Load(r.GetValue(model)!, w) : new ConvNet(Presets.Get(r.GetValue(model)!));
            var res = DeconvBenchmark.Run(net, r.GetValue(images), r.GetValue(batch), r.GetValue(layer)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), sizes, r.GetValue(repeats), Console.Out);
            foreach (var line in Lines(res)) Console.WriteLine(line);
            return 0;
        });
        return cmd;
    }

    static void torch_seed() => TorchSharp.torch.random.manual_seed(1);

    public static IEnumerable<string> Lines(DeconvBenchmarkResult r)
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Create(c, $"model {r.Model}, {r.Images} random images, batch {r.BatchSize}, {r.Threads} torch threads (CPU)");
        yield return string.Create(c, $"inference (whole network)      {r.InferenceSeconds,8:0.000} s");
        yield return string.Create(c, $"top-9 search (all conv layers) {r.TopKSeconds,8:0.000} s   ratio {r.TopKOverInference:0.00}x  (goal <= 1.25x)");
        yield return "top-9 projections of every map (seconds; speed-up of batched over each way):";
        yield return "  layer  count   batched   one-at-a-time (windowed)   whole maps          own forward + whole map";
        foreach (var p in r.Projections)
            yield return string.Create(c,
                $"  {p.Layer,-5} {p.Count,6} {p.Batched,9:0.000}   {p.OneAtATime,9:0.000} ({p.OneAtATime / p.Batched,5:0.0}x)     {p.WholeMaps,9:0.000} ({p.WholeMaps / p.Batched,5:0.0}x)   {p.Naive,9:0.000} ({p.Naive / p.Batched,5:0.0}x){(p.NaiveCount < p.Count ? $" [from {p.NaiveCount}]" : "")}");
        foreach (var (n, peak, baseline) in r.Memory)
            yield return string.Create(c, $"peak RSS of top-9 search, N = {n,6}: {peak / 1024.0,8:0.0} MB (RSS before: {baseline / 1024.0:0.0} MB)");
    }
}
