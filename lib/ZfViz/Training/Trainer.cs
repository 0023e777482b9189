using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using ZfViz.Data;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>
/// Trains a <see cref="ConvNet"/> the paper's way (Sec. 3): SGD with momentum on mini-batches, learning-rate
/// annealing, dropout in fc6/fc7, RMS renormalisation of conv filters, random crops and flips, per-pixel mean
/// subtraction, top-1/top-5 errors per epoch. With a run folder, it keeps checkpoints and resumes a killed run
/// from its last completed epoch with the same results as an uninterrupted run (same seed, same thread count).
/// Images larger than the network's input (the paper: 256x256 for 224x224) are trained the paper's way: the per-pixel
/// mean of the full images is subtracted, then a random input-sized window is cropped and flipped; the saved model
/// keeps the centre of the mean image, the size it is applied at.
/// </summary>
public static class Trainer
{
    /// <param name="runDirectory">Folder for checkpoints, metrics and the resumable state (null: keep nothing on disk).</param>
    /// <param name="resume">Continue from <c>state.safetensors</c> when the folder has one (else start fresh, overwriting).</param>
    /// <param name="stopAfterEpoch">Stop after this epoch of a run scheduled for <c>options.Epochs</c> (early stopping:
    /// the learning rate follows the full run's schedule up to that epoch). Only without a run folder.</param>
    public static TrainingRun Run(NetConfig config, ImageDataset train, ImageDataset? validation, TrainingOptions options,
        string? runDirectory = null, IProgress<TrainingProgress>? progress = null, bool resume = true, CancellationToken cancel = default,
        int? stopAfterEpoch = null)
    {
        config.Validate();
        CheckData(config, train, "training");
        if (validation is not null) CheckData(config, validation, "validation");
        if (options.Epochs < 1 || options.BatchSize < 1) throw new UserInputException($"Epochs and batch size must be >= 1; got {options.Epochs} and {options.BatchSize}.");
        if (stopAfterEpoch is { } stop && (stop < 1 || stop > options.Epochs || runDirectory is not null))
            throw new ArgumentException($"stopAfterEpoch must be in 1..{options.Epochs} and needs no run folder; got {stop}.");

        var device = Runtime.TorchRuntime.Device;
        var torchRng = manual_seed(options.Seed); // the global generator: not ours to dispose
        using var dataRng = new Generator((ulong)options.Seed + 7919);
        var net = new ConvNet(config);
        InputNorm norm;
        try
        {
            WeightInit.Apply(net, options.Init);
            // Mixed precision computes in bfloat16 on float32 master weights; the optimizer and checkpoints see float32 only.
            net.Precision = Runtime.MixedPrecisionPolicy.Resolve(options.Precision);
            // The paper's initialisation expects raw 0..255 pixel values; Kaiming expects unit-variance input.
            norm = InputNorm.FromData(train, options.InputScale ?? (options.Init == InitScheme.Paper ? InputNorm.PaperScale : null));
        }
        catch { net.Dispose(); throw; }
        try
        {
            return Run(config, train, validation, options, runDirectory, progress, resume, cancel, device, torchRng, dataRng, net, ref norm,
                stopAfterEpoch ?? options.Epochs);
        }
        catch
        {
            // The returned TrainedModel owns the network and its normalisation; on failure nobody else will free them.
            net.Dispose();
            norm.Dispose();
            throw;
        }
    }

    static TrainingRun Run(NetConfig config, ImageDataset train, ImageDataset? validation, TrainingOptions options, string? runDirectory,
        IProgress<TrainingProgress>? progress, bool resume, CancellationToken cancel, Device device, Generator torchRng, Generator dataRng,
        ConvNet net, ref InputNorm norm, int lastEpoch)
    {
        using var sgd = new SgdMomentum(net.named_parameters(), options.Momentum, options.WeightDecay);
        var lr = new LrScheduler(options.EffectiveSchedule, options.LearningRate, options.Epochs);
        var metrics = new List<EpochMetrics>();
        int startEpoch = 1, resumedFrom = 0;

        if (runDirectory is not null)
        {
            Directory.CreateDirectory(runDirectory);
            var statePath = RunFiles.State(runDirectory);
            if (resume && File.Exists(statePath))
            {
                resumedFrom = Restore(statePath, config, options, net, ref norm, sgd, lr, torchRng, dataRng);
                startEpoch = resumedFrom + 1;
                if (File.Exists(RunFiles.Metrics(runDirectory)))
                    metrics.AddRange(MetricsLog.Read(RunFiles.Metrics(runDirectory)).Where(m => m.Epoch <= resumedFrom));
            }
            AtomicFile.WriteAllText(RunFiles.Config(runDirectory), config.ToJson());
            AtomicFile.WriteAllText(RunFiles.Options(runDirectory), JsonSerializer.Serialize(options, new JsonSerializerOptions { WriteIndented = true }));
        }
        net.to(device);
        using var meanOnDevice = norm.Mean.to(device);
        bool cropToInput = train.Height > config.InputSize;
        using var modelNorm = cropToInput ? CentreOf(norm, config.InputSize) : null;
        var savedNorm = modelNorm ?? norm;
        var keep = options.EffectiveCheckpointEpochs.ToHashSet();
        var extra = new Dictionary<string, string> { [Checkpoint.ClassNamesKey] = JsonSerializer.Serialize(train.ClassNames) };

        int batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var sessionClock = Stopwatch.StartNew();
        long sessionImages = 0, totalImages = (long)train.Count * (lastEpoch - startEpoch + 1);

        for (int epoch = startEpoch; epoch <= lastEpoch; epoch++)
        {
            var clock = Stopwatch.StartNew();
            net.train();
            double lossSum = 0, top1Wrong = 0, top5Wrong = 0;
            long renormed = 0;
            long[] order;
            using (var perm = randperm(train.Count, generator: dataRng)) order = perm.data<long>().ToArray();
            // The epoch's order comes from the seeded generator before any batch is read, so a streamed set (decoded
            // from disk one batch ahead) and an in-memory one see the same batches, and a resumed run the same epochs.
            int b = 0;
            foreach (var batch in BatchReader.Read(train, BatchReader.Chunks(order, options.BatchSize)))
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var x = Augment.ToFloat(batch.Images, device);
                norm.Normalise_(x, meanOnDevice);
                if (cropToInput) x = options.Augment ? Augment.RandomCropFlipTo(x, config.InputSize, dataRng) : Augment.CentreCrop(x, config.InputSize);
                else if (options.Augment) x = Augment.RandomCropFlip(x, options.CropPadding, dataRng);
                if (options.ChannelsLast) x = ChannelsLast.Of(x);
                var y = batch.Labels.to(device);
                var logits = net.forward(x);
                var loss = nn.functional.cross_entropy(logits, y);
                sgd.ZeroGrad();
                loss.backward();
                sgd.Step(lr.Rate);
                if (options.RenormRadius is { } radius) renormed += FilterRenorm.Apply(net, radius);

                int n = batch.Count;
                b++;
                double batchLoss = loss.item<float>();
                var (e1, e5) = Evaluator.TopKErrors(logits.detach(), y);
                lossSum += batchLoss * n; top1Wrong += e1 * n; top5Wrong += e5 * n;
                sessionImages += n;
                if (progress is not null)
                {
                    double rate = sessionImages / Math.Max(1e-9, sessionClock.Elapsed.TotalSeconds);
                    progress.Report(new TrainingProgress("batch", epoch, lastEpoch, b, batches, batchLoss, rate,
                        Eta(totalImages - sessionImages, rate)));
                }
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;

            EvalResult? val = null;
            if (validation is not null)
            {
                using var p = Evaluator.Probabilities(net, cropToInput ? savedNorm : norm, validation, options.EvalBatchSize ?? Math.Max(256, options.BatchSize));
                val = Evaluator.Score(p, validation.Labels);
            }
            var m = new EpochMetrics(epoch, lr.Rate, lossSum / train.Count, top1Wrong / train.Count, top5Wrong / train.Count,
                val?.Loss, val?.Top1Error, val?.Top5Error, clock.Elapsed.TotalSeconds, train.Count / Math.Max(1e-9, trainSeconds), renormed);
            metrics.Add(m);
            lr.EndEpoch(epoch, val?.Top1Error ?? m.TrainTop1Error);

            if (runDirectory is not null)
            {
                // Order matters for resuming: metrics, then the kept checkpoint, then the state that marks the epoch done.
                MetricsLog.Write(RunFiles.Metrics(runDirectory), metrics);
                if (keep.Contains(epoch)) Checkpoint.SaveModel(RunFiles.EpochCheckpoint(runDirectory, epoch), net, savedNorm, epoch, extra);
                var state = new Dictionary<string, string>(extra) { ["options"] = options.ResumeKey() };
                foreach (var (k, v) in lr.ToMetadata()) state[k] = v;
                Checkpoint.SaveState(RunFiles.State(runDirectory), net, norm, sgd, torchRng, dataRng, epoch, state);
            }
            progress?.Report(new TrainingProgress("epoch", epoch, lastEpoch, batches, batches, m.TrainLoss, m.ImagesPerSecond,
                Eta(totalImages - sessionImages, sessionImages / Math.Max(1e-9, sessionClock.Elapsed.TotalSeconds)), m));
        }

        if (runDirectory is not null)
            Checkpoint.SaveModel(RunFiles.FinalModel(runDirectory), net, savedNorm, options.Epochs, extra);
        net.Precision = Runtime.Precision.Float32; // the trained model is used by the float32 deconvnet and analyses
        if (modelNorm is not null)
        {
            // The model keeps the input-sized mean; the full-size one was only for training.
            var kept = new InputNorm(modelNorm.Mean.clone(), modelNorm.Scale);
            norm.Dispose();
            norm = kept;
        }
        return new TrainingRun(new TrainedModel(net, norm, lastEpoch, extra), metrics, runDirectory, resumedFrom);
    }

    static int Restore(string statePath, NetConfig config, TrainingOptions options, ConvNet net, ref InputNorm norm, SgdMomentum sgd,
        LrScheduler lr, Generator torchRng, Generator dataRng)
    {
        var (saved, momentum, torchState, dataState) = Checkpoint.LoadState(statePath);
        // Everything read from the state file is copied into the run's own objects, then freed here.
        try
        {
            if (!saved.Config.Equals(config))
                throw new UserInputException($"{statePath} was trained with a different network ({saved.Config.ToJson()}); use another run folder or start fresh.");
            if (!saved.Metadata.TryGetValue("options", out var key) || key != options.ResumeKey())
                throw new UserInputException($"{statePath} was trained with different options; use another run folder or start fresh.");
            if (saved.Epoch > options.Epochs)
                throw new UserInputException($"{statePath} is at epoch {saved.Epoch}, beyond the requested {options.Epochs} epochs.");
            using (no_grad())
            {
                foreach (var ((_, p), (_, q)) in net.named_parameters().Zip(saved.Net.named_parameters())) p.copy_(q);
            }
            var restored = new InputNorm(saved.Norm.Mean.clone().DetachFromDisposeScope(), saved.Norm.Scale);
            norm.Dispose(); // the normalisation computed from the data, replaced by the saved one
            norm = restored;
            sgd.RestoreVelocity(momentum);
            torchRng.set_state(torchState);
            dataRng.set_state(dataState);
            lr.Restore(saved.Metadata);
            return saved.Epoch;
        }
        finally
        {
            saved.Dispose();
            foreach (var m in momentum.Values) m.Dispose();
            torchState.Dispose();
            dataState.Dispose();
        }
    }

    /// <summary>The centre size x size window of a normalisation's mean image (what a centre or 10-view crop subtracts).</summary>
    static InputNorm CentreOf(InputNorm norm, int size)
    {
        using var batch = norm.Mean.unsqueeze(0);
        using var centre = Augment.CentreCrop(batch, size);
        return new InputNorm(centre[0].contiguous(), norm.Scale);
    }

    static TimeSpan Eta(long imagesLeft, double imagesPerSecond) =>
        TimeSpan.FromSeconds(Math.Min(imagesLeft / Math.Max(1e-3, imagesPerSecond), TimeSpan.FromDays(999).TotalSeconds));

    static void CheckData(NetConfig config, ImageDataset data, string role)
    {
        // Larger square images are the paper's 256 for 224 (cropped); anything else does not fit the network.
        if (data.Channels != config.InputChannels || data.Height < config.InputSize || data.Width != data.Height)
            throw new UserInputException(
                $"The {role} set '{data.Name}' has {data.Channels}x{data.Height}x{data.Width} images; {config.Name} expects {config.InputChannels}x{config.InputSize}x{config.InputSize} (or larger squares, cropped).");
        if (data.Count == 0) throw new UserInputException($"The {role} set '{data.Name}' is empty.");
        using var max = data.Labels.max();
        long maxLabel = max.item<long>();
        if (maxLabel >= config.Classes)
            throw new UserInputException($"The {role} set '{data.Name}' has label {maxLabel}; {config.Name} has only {config.Classes} classes.");
    }
}
