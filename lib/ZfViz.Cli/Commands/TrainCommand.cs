using System.CommandLine;
using Spectre.Console;
using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Training;

namespace ZfViz.Cli.Commands;

/// <summary>zfviz train: train a preset (or a network config JSON, a what-if) the paper's way with checkpoints, a metrics log and a progress bar; re-running resumes.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var model = ModelOption.Create("zfnet-cifar", note: "the run folder is named after the preset's or the config's Name");
        var data = new Option<string?>("--data") { Description = $"Data set: {string.Join(", ", TrainingData.Names)} (default: by the input shape: cifar10 for 32x32x3, fashion-mnist for 28x28x1, else synthetic)" };
        var sizes = new ProfileSizeOptions();
        var lr = new Option<double>("--lr") { Description = "Initial learning rate", DefaultValueFactory = _ => 1e-2 };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay on weights", DefaultValueFactory = _ => 5e-4 };
        var schedule = new Option<string>("--schedule") { Description = "step (x0.1 at 50% and 75%) | plateau | constant | cosine", DefaultValueFactory = _ => "step" };
        var init = new Option<string>("--init") { Description = "kaiming | paper (N(0, 0.01^2), biases 0)", DefaultValueFactory = _ => "kaiming" };
        var noRenorm = new Option<bool>("--no-renorm") { Description = "Switch off RMS renormalisation of conv filters (Fig. 6a)" };
        var noAugment = new Option<bool>("--no-augment") { Description = "Switch off random crops and flips" };
        var seed = new Option<long>("--seed") { Description = "Random seed (weights, shuffling, augmentation, dropout)", DefaultValueFactory = _ => 1 };
        var checkpoints = new Option<string?>("--checkpoints") { Description = "Epochs to keep, e.g. 1,2,5,10 (default: the paper's 1,2,5,10,20,30,40,64 of 70, scaled)" };
        var output = new Option<string?>("--out") { Description = "Run folder (default: $ZFVIZ_MODELS/<model name>/<profile>, or <model name>-<data>/<profile> for other data)" };
        var fresh = new Option<bool>("--fresh") { Description = "Start over even if the run folder holds a resumable state" };
        var force = new Option<bool>("--force") { Description = "Use --out even if it is a non-empty folder that holds no earlier run" };
        var filters = new Option<string?>("--conv-filters") { Description = "What-if: filters of every conv layer, e.g. 48,96,144,144,96 (0 removes a layer)" };
        var fc = new Option<string?>("--fc") { Description = "What-if: units of fc6,fc7, e.g. 2048,2048 (0 removes a layer)" };
        var tenView = new Option<bool>("--ten-view") { Description = "Also report the 10-view test error at the end" };
        var precision = new Option<string?>("--precision") { Description = "float32 | mixed (bfloat16 compute, float32 weights) | auto (mixed where the CPU has bfloat16 and it is verified); default: the profile's ($ZFVIZ_PRECISION, else auto)" };
        var cmd = new Command("train", "Train a model (SGD, momentum, dropout, RMS renormalisation, crops/flips) with resumable checkpoints")
            { model, data, sizes.Profile, sizes.Epochs, sizes.Batch, sizes.TrainImages, sizes.EvalImages, lr, momentum, weightDecay, schedule, init, noRenorm, noAugment, seed, checkpoints, output, fresh, force, tenView, filters, fc, precision };
        cmd.SetAction(r =>
        {
            var p = sizes.Resolve(r);
            var baseConfig = ModelOption.Resolve(r.GetValue(model)!).Config;
            // The paper profiles train the paper's network on their photos (ProfileModels decides which), into the run
            // folder the notebooks load from; an explicit --data, or a CIFAR-scale --model, keeps the generic route.
            ProfileData? photos = null;
            bool modelGiven = r.GetResult(model) is { Implicit: false };
            if (p.PaperScale && r.GetValue(data) is null && (!modelGiven || baseConfig.InputSize == Presets.ZfNet.InputSize))
            {
                TorchRuntime.Initialize(); // the paper-smoke photos are drawn with torch
                photos = ProfileModels.Data(p);
                baseConfig = modelGiven ? baseConfig.WithClasses(photos.Classes) : ProfileModels.ZfNetConfig(p, photos);
            }
            var cfg = WithSizes(baseConfig, r.GetValue(filters), r.GetValue(fc));
            var dataName = photos?.Name ?? (r.GetValue(data) ?? TrainingData.DefaultFor(cfg)).ToLowerInvariant();
            var parsedSchedule = LrSchedule.Parse(r.GetValue(schedule)!);
            var options = TrainingOptions.ForProfile(p, cfg) with
            {
                LearningRate = r.GetValue(lr),
                Momentum = r.GetValue(momentum),
                WeightDecay = r.GetValue(weightDecay),
                // The default stays null, as the notebooks' options have it, so their run folders match this command's.
                Schedule = parsedSchedule == new LrSchedule() ? null : parsedSchedule,
                Init = WeightInit.Parse(r.GetValue(init)!),
                RenormRadius = r.GetValue(noRenorm) ? null : FilterRenorm.PaperRadius,
                Augment = !r.GetValue(noAugment),
                Seed = r.GetValue(seed),
                CheckpointEpochs = r.GetValue(checkpoints) is { } c ? CheckpointSchedule.Parse(c) : null,
                Precision = r.GetValue(precision) is { } pr ? MixedPrecisionPolicy.Parse(pr, "--precision") : p.Precision,
            };
            CheckHyperParameters(options);
            if (r.GetValue(output) is { } chosen)
                ZfViz.IO.OutputPath.CheckFolder(chosen, "--out", r.GetValue(force), RunFolderFiles);
            var runDir = r.GetValue(output)
                ?? (photos is not null ? ProfileModels.RunDirectory(p, cfg, photos, r.GetValue(seed)) : null)
                ?? (dataName == TrainingData.DefaultFor(cfg) ? ModelStore.RunDirectory(SafeName(cfg.Name), p) : Path.Combine(ZfVizPaths.ModelsRoot, $"{SafeName(cfg.Name)}-{SafeName(dataName)}", p.Name));

            TorchRuntime.Initialize();
            Func<string, ZfViz.Data.ImageDataset> source = photos is not null ? photos.ForTraining : TrainingData.For(dataName, cfg, p);
            if (photos is not null) Console.WriteLine($"{p.Name} profile: {photos.Note}; stored at {photos.TrainingSize} px, trained on random {cfg.InputSize} crops and flips, per-pixel mean; checkpoints after epochs {string.Join(", ", options.EffectiveCheckpointEpochs)}");
            var train = TrainingData.Sized(source("train"), "train", p);
            var test = TrainingData.Sized(source("test"), "test", p);
            Console.WriteLine($"Training {cfg.Name} on {dataName} ({train.Count} train / {test.Count} test images), profile {p.Name}, " +
                              $"{options.Epochs} epochs of batch {options.BatchSize}, {TorchRuntime.Threads} threads, precision {MixedPrecisionPolicy.Describe(options.Precision)}; run folder {runDir}");

            using var cts = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                TrainingRun run = AnsiConsole.Profile.Capabilities.Interactive
                    ? RunWithProgressBar(cfg, train, test, options, runDir, !r.GetValue(fresh), cts.Token)
                    : Trainer.Run(cfg, train, test, options, runDir, new LineProgress(), !r.GetValue(fresh), cts.Token);
                if (run.ResumedFromEpoch > 0) Console.WriteLine($"(resumed after epoch {run.ResumedFromEpoch})");
                var last = run.Metrics[^1];
                Console.WriteLine($"final: train top-1 error {last.TrainTop1Error:P2}, test top-1 error {last.ValTop1Error:P2}, top-5 {last.ValTop5Error:P2}; " +
                                  $"{run.Metrics.Sum(m => m.Seconds):F0} s in total");
                if (r.GetValue(tenView) || photos is not null) // photos: the paper's 10 views of the 256 squares
                {
                    // Ten passes over the test set with no progress of their own: say what is coming (7-8 minutes on
                    // Imagenette's 3,925 photos on a 2-core CPU).
                    Console.WriteLine($"10-view test on {test.Count} images ({10 * test.Count} crops) ...");
                    Console.WriteLine($"10-view test: {Evaluator.Evaluate(run.Model, test, tenViewPadding: options.CropPadding)}");
                }
                Console.WriteLine($"model: {RunFiles.FinalModel(runDir)}; metrics: {RunFiles.Metrics(runDir)}");
                return 0;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("zfviz: interrupted; the last completed epoch is saved - run the same command again to resume.");
                return 130;
            }
            finally { Console.CancelKeyPress -= onCancel; }
        });
        return cmd;
    }

    internal static string SafeName(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());

    /// <summary>Applies --conv-filters / --fc to a preset or config; the result is validated (an impossible chain fails naming the layer).</summary>
    static NetConfig WithSizes(NetConfig cfg, string? filters, string? fc)
    {
        static int[] Parse(string text, string option) =>
            text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(t => int.TryParse(t, out var v) && v >= 0 ? v : throw new UserInputException($"{option}: '{t}' is not a count >= 0.")).ToArray();
        if (filters is not null)
        {
            var f = Parse(filters, "--conv-filters");
            if (f.Length != cfg.Convs.Count) throw new UserInputException($"--conv-filters needs {cfg.Convs.Count} numbers for {cfg.Name}; got {f.Length}.");
            for (int i = 0; i < f.Length; i++)
            {
                int n = f[i];
                cfg = cfg.WithConv(i + 1, l => n == 0 ? l with { Removed = true } : l with { Filters = n });
            }
            cfg = cfg with { Name = $"{cfg.Name}-f{string.Join("-", f)}" };
        }
        if (fc is not null)
        {
            var u = Parse(fc, "--fc");
            if (u.Length != 2) throw new UserInputException($"--fc needs two numbers (fc6,fc7); got {u.Length}.");
            cfg = cfg.WithFc(u[0], u[1]) with { Name = $"{cfg.Name}-fc{u[0]}-{u[1]}" };
        }
        return cfg.Validate();
    }

    /// <summary>What a run folder holds; a folder with one of them is an earlier run's (resumed or replaced).</summary>
    static readonly IReadOnlyList<string> RunFolderFiles = ["config.json", "options.json", MetricsLog.FileName, "state.safetensors", "model.safetensors", "checkpoints"];

    /// <summary>The hyper-parameters a run can use, checked before anything (config.json included) is written.</summary>
    public static void CheckHyperParameters(TrainingOptions o)
    {
        if (!double.IsFinite(o.LearningRate) || o.LearningRate <= 0)
            throw new UserInputException($"must be a positive finite number (e.g. 0.01); got {o.LearningRate}.", "--lr");
        if (!double.IsFinite(o.Momentum) || o.Momentum < 0 || o.Momentum >= 1)
            throw new UserInputException($"must be in [0, 1) (e.g. 0.9); got {o.Momentum}.", "--momentum");
        if (!double.IsFinite(o.WeightDecay) || o.WeightDecay < 0)
            throw new UserInputException($"must be a finite number >= 0 (e.g. 5e-4); got {o.WeightDecay}.", "--weight-decay");
    }

    static TrainingRun RunWithProgressBar(NetConfig cfg, ZfViz.Data.ImageDataset train, ZfViz.Data.ImageDataset test, TrainingOptions options,
        string runDir, bool resume, CancellationToken cancel)
    {
        TrainingRun? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: options.Epochs);
                var progress = new SyncProgress(pr =>
                {
                    task.Value = pr.Epoch - 1 + (double)pr.Batch / pr.Batches;
                    task.Description = Markup.Escape(
                        $"epoch {pr.Epoch}/{pr.Epochs} batch {pr.Batch}/{pr.Batches} loss {pr.Loss:F3} {pr.ImagesPerSecond:F1} img/s ETA {pr.EtaText}");
                    if (pr.Phase == "epoch") AnsiConsole.MarkupLine(Markup.Escape(pr.ToString()));
                });
                result = Trainer.Run(cfg, train, test, options, runDir, progress, resume, cancel);
                task.Value = options.Epochs;
            });
        return result!;
    }

    /// <summary>Non-interactive output (logs, pipes): one line per epoch plus a line every ~10% of an epoch.</summary>
    sealed class LineProgress : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            if (p.Phase == "epoch" || p.Batch % Math.Max(1, p.Batches / 10) == 0) Console.WriteLine(p.ToString());
        }
    }

    sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
