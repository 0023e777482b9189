using System.CommandLine;
using System.Text.Json;
using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Training;

namespace ZfViz.Cli.Commands;

/// <summary>
/// zfviz bench: training and inference throughput of a preset (or a config JSON's network) on random data, with
/// precision, layout and each layer's forward time; --compare runs float32 and mixed precision side by side.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = ModelOption.Create("zfnet");
        var batchTrain = new Option<int>("--batch-train") { Description = "Training batch size", DefaultValueFactory = _ => 32 };
        var batchInfer = new Option<int>("--batch-infer") { Description = "Inference batch size", DefaultValueFactory = _ => 64 };
        var reps = new Option<int>("--repetitions") { Description = "Timed repetitions (median reported)", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up repetitions", DefaultValueFactory = _ => 2 };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads (default: $ZFVIZ_THREADS or one per core)" };
        var bf16 = new Option<bool>("--bf16") { Description = "Run model and data in bfloat16 (changes numerics)" };
        var channelsLast = new Option<bool>("--channels-last") { Description = "Feed inputs with channels-last (NHWC) strides, as training does (default true; --channels-last false for NCHW)", DefaultValueFactory = _ => true };
        var precision = new Option<string>("--precision") { Description = "float32 | mixed (bfloat16 compute, float32 weights) | auto (mixed where the CPU has bfloat16 and it is verified)", DefaultValueFactory = _ => "auto" };
        var compare = new Option<bool>("--compare") { Description = "Run float32 and mixed precision and print them side by side" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (with --compare: {\"float32\": ..., \"mixed\": ...})" };
        var cmd = new Command("bench", "Measure training and inference images/s of a model on random data")
            { model, batchTrain, batchInfer, reps, warmup, threads, bf16, channelsLast, precision, compare, json };
        cmd.SetAction(r =>
        {
            var cfg = ModelOption.Resolve(r.GetValue(model)!).Config;
            foreach (var (option, value, least) in new[] { ("--batch-train", r.GetValue(batchTrain), 1), ("--batch-infer", r.GetValue(batchInfer), 1),
                         ("--repetitions", r.GetValue(reps), 1), ("--warmup", r.GetValue(warmup), 0) })
                if (value < least) throw new UserInputException($"must be at least {least}; got {value}.", option);
            var requested = MixedPrecisionPolicy.Parse(r.GetValue(precision)!, "--precision");
            bool sideBySide = r.GetValue(compare);
            if (sideBySide && r.GetValue(bf16)) throw new UserInputException("--compare runs float32 and mixed precision; leave out --bf16.", "--compare");
            TorchRuntime.Initialize();
            if (r.GetValue(threads) is { } t)
            {
                if (t < 1) throw new UserInputException("--threads must be at least 1.");
                TorchSharp.torch.set_num_threads(t);
            }
            bool asJson = r.GetValue(json);
            var jsonOptions = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
            BenchmarkResult Measure(Precision p) => Benchmark.Run(cfg, r.GetValue(batchTrain), r.GetValue(batchInfer), r.GetValue(warmup), r.GetValue(reps),
                r.GetValue(bf16), r.GetValue(channelsLast), asJson ? null : Console.WriteLine, p);
            if (sideBySide)
            {
                var results = new[] { Measure(Precision.Float32), Measure(Precision.Mixed) };
                if (asJson) Console.WriteLine(JsonSerializer.Serialize(results.ToDictionary(x => x.Precision), jsonOptions));
                else PrintSideBySide(results);
                return 0;
            }
            var result = Measure(requested);
            if (asJson)
                Console.WriteLine(JsonSerializer.Serialize(result, jsonOptions));
            else
            {
                Console.WriteLine($"{result.Model} on {result.Device}, {result.Dtype}{(result.ChannelsLast ? ", channels-last" : "")}, {result.Threads} threads");
                Console.WriteLine($"  precision: {(r.GetValue(bf16) ? "bfloat16 (whole model)" : MixedPrecisionPolicy.Describe(requested))}; layout: {Layout(result)}");
                Console.WriteLine($"  train: {result.TrainImagesPerS:F1} images/s (batch {result.BatchTrain}), {result.GflopsPerS:F1} GFLOP/s achieved");
                Console.WriteLine($"  infer: {result.InferImagesPerS:F1} images/s (batch {result.BatchInfer})");
                Console.WriteLine($"  forward per layer (batch {result.BatchInfer}):");
                foreach (var l in result.Layers) Console.WriteLine($"    {l.Layer,-6} {l.ForwardMs,9:F1} ms {l.GflopsPerS,8:F1} GFLOP/s");
            }
            return 0;
        });
        return cmd;
    }

    static string Layout(BenchmarkResult r) => r.ChannelsLast ? "channels-last (NHWC)" : "NCHW";

    /// <summary>float32 and mixed in two columns: throughput, then each layer's forward time and the speed-up.</summary>
    static void PrintSideBySide(BenchmarkResult[] rs)
    {
        var (f, m) = (rs[0], rs[1]);
        Console.WriteLine($"{f.Model} on {f.Device}, {Layout(f)}, {f.Threads} threads; train batch {f.BatchTrain}, infer batch {f.BatchInfer}");
        Console.WriteLine($"{"",-22} {"float32",10} {"mixed",10} {"speed-up",10}");
        void Row(string label, double a, double b) => Console.WriteLine($"{label,-22} {a,10:F1} {b,10:F1} {b / Math.Max(1e-9, a),9:F2}x");
        Row("train images/s", f.TrainImagesPerS, m.TrainImagesPerS);
        Row("train GFLOP/s", f.GflopsPerS, m.GflopsPerS);
        Row("infer images/s", f.InferImagesPerS, m.InferImagesPerS);
        Console.WriteLine("forward ms per layer:");
        foreach (var (a, b) in f.Layers.Zip(m.Layers))
            Console.WriteLine($"  {a.Layer,-20} {a.ForwardMs,10:F1} {b.ForwardMs,10:F1} {a.ForwardMs / Math.Max(1e-9, b.ForwardMs),9:F2}x");
    }
}
