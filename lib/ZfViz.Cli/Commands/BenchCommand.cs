using System.CommandLine;
using System.Text.Json;
using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Training;

namespace ZfViz.Cli.Commands;

/// <summary>zfviz bench: training and inference throughput of a preset (or a config JSON's network) with random weights on random data.</summary>
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
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var cmd = new Command("bench", "Measure training and inference images/s of a model on random data")
            { model, batchTrain, batchInfer, reps, warmup, threads, bf16, channelsLast, json };
        cmd.SetAction(r =>
        {
            var cfg = ModelOption.Resolve(r.GetValue(model)!).Config;
            foreach (var (option, value, least) in new[] { ("--batch-train", r.GetValue(batchTrain), 1), ("--batch-infer", r.GetValue(batchInfer), 1),
                         ("--repetitions", r.GetValue(reps), 1), ("--warmup", r.GetValue(warmup), 0) })
                if (value < least) throw new UserInputException($"must be at least {least}; got {value}.", option);
            TorchRuntime.Initialize();
            if (r.GetValue(threads) is { } t)
            {
                if (t < 1) throw new UserInputException("--threads must be at least 1.");
                TorchSharp.torch.set_num_threads(t);
            }
            bool asJson = r.GetValue(json);
            var result = Benchmark.Run(cfg, r.GetValue(batchTrain), r.GetValue(batchInfer), r.GetValue(warmup), r.GetValue(reps),
                r.GetValue(bf16), r.GetValue(channelsLast), asJson ? null : Console.WriteLine);
            if (asJson)
                Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
            else
            {
                Console.WriteLine($"{result.Model} on {result.Device}, {result.Dtype}{(result.ChannelsLast ? ", channels-last" : "")}, {result.Threads} threads");
                Console.WriteLine($"  train: {result.TrainImagesPerS:F1} images/s (batch {result.BatchTrain}), {result.GflopsPerS:F1} GFLOP/s achieved");
                Console.WriteLine($"  infer: {result.InferImagesPerS:F1} images/s (batch {result.BatchInfer})");
            }
            return 0;
        });
        return cmd;
    }
}
