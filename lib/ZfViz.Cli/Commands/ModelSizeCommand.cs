using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Training;

namespace ZfViz.Cli.Commands;

/// <summary>
/// zfviz model-size: Table 3 as a long run. Trains the paper's size variants of a preset (VariantStudy.Table3) the
/// same way, each into its own resumable run folder, and prints train and validation errors (or JSON). Progress goes
/// to stderr, so stdout holds only the table.
/// </summary>
public static class ModelSizeCommand
{
    public static Command Create()
    {
        var model = ModelOption.Create("zfnet-cifar", note: "the baseline must have five conv layers");
        var data = new Option<string?>("--data") { Description = $"Data set: {string.Join(", ", TrainingData.Names)} (default: the preset's)" };
        var sizes = new ProfileSizeOptions();
        var runs = new Option<string?>("--runs") { Description = "Folder for the variants' runs (default: $ZFVIZ_MODELS/table3/<profile>-<model>-<data>-<images>x<epochs>)" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON instead of a table" };
        var only = new Option<string>("--variants") { Description = "Which rows of Table 3: all, night (baseline and the two removals: a night's run at 224 on a CPU) or row numbers, e.g. 1,2,4", DefaultValueFactory = _ => "all" };
        var cmd = new Command("model-size", "Table 3: train the paper's size variants of a preset and print their errors (resumable; a second run loads)")
            { model, data, sizes.Profile, sizes.Epochs, sizes.Batch, sizes.TrainImages, sizes.EvalImages, runs, only, json };
        cmd.SetAction(r =>
        {
            var baseline = ModelOption.Resolve(r.GetValue(model)!).Config;
            var variants = VariantStudy.Select(VariantStudy.Table3(baseline), r.GetValue(only)!);
            var p = sizes.Resolve(r);
            if (p.Epochs < 1 || p.BatchSize < 1) throw new UserInputException("--epochs and --batch must be at least 1.");
            if (p.TrainImages is < 1 || p.EvalImages is < 1) throw new UserInputException("--train-images and --eval-images must be at least 1.");
            if (r.GetValue(runs) is { } chosen) ZfViz.IO.OutputPath.CheckFolder(chosen, "--runs", force: true, ownFiles: []);
            var dataName = (r.GetValue(data) ?? TrainingData.DefaultFor(baseline)).ToLowerInvariant();
            var options = TrainingOptions.ForProfile(p, baseline);
            var root = r.GetValue(runs) ?? Path.Combine(ZfVizPaths.ModelsRoot, "table3",
                $"{p.Name}-{TrainCommand.SafeName(baseline.Name)}-{TrainCommand.SafeName(dataName)}-{p.TrainImages?.ToString(CultureInfo.InvariantCulture) ?? "all"}x{p.Epochs}");

            TorchRuntime.Initialize();
            var source = TrainingData.For(dataName, baseline, p);
            var train = TrainingData.Sized(source("train"), "train", p);
            var test = TrainingData.Sized(source("test"), "test", p);
            Console.Error.WriteLine($"{variants.Count} variants of {baseline.Name} on {dataName} ({train.Count} train / {test.Count} test images), " +
                                    $"{options.Epochs} epochs of batch {options.BatchSize}; runs in {root}");
            var results = VariantStudy.Run(variants, train, test, options, root, line => Console.Error.WriteLine(line),
                new EpochLines());
            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(results.Select(x => new
                {
                    label = x.Label, parameters = x.Parameters, train_top1_error = x.TrainTop1Error, val_top1_error = x.ValTop1Error,
                    val_top5_error = x.ValTop5Error, train_seconds = x.TrainSeconds, loaded = x.Loaded,
                }), new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            Console.WriteLine($"{"variant",-30} {"parameters",12} {"train top-1 %",14} {"val top-1 %",12} {"val top-5 %",12}");
            foreach (var x in results)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{x.Label,-30} {x.Parameters,12:N0} {100 * x.TrainTop1Error,14:F1} {100 * x.ValTop1Error,12:F1} {100 * x.ValTop5Error,12:F1}"));
            return 0;
        });
        return cmd;
    }

    /// <summary>One stderr line per epoch (a long run should show it is alive without flooding the log).</summary>
    sealed class EpochLines : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            if (p.Phase == "epoch") Console.Error.WriteLine("  " + p);
        }
    }
}
