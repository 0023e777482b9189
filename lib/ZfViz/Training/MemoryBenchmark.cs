using System.Globalization;
using TorchSharp;
using ZfViz.Deconv;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>
/// Shows whether native memory is freed as it goes (issue 10): trains a preset for a number of steps on synthetic
/// gratings with the real <see cref="Trainer"/> (augmentation, SGD with momentum, renormalisation), then projects the
/// strongest activation of many (image, layer, feature) choices with its <see cref="Deconvnet"/>, reading the
/// process's resident memory (VmRSS) at regular intervals. Flat readings after warm-up mean every step frees what it
/// made; tensors left to the GC's finalizers would make them climb. No collection is forced: that would hide leaks.
/// </summary>
public static class MemoryBenchmark
{
    /// <summary>Readings per phase after warm-up (plus the warm-up reading itself).</summary>
    public const int Readings = 10;

    public static MemoryBenchmarkResult Run(NetConfig config, int steps = 300, int projections = 2000, int batchSize = 32,
        Action<MemorySample>? onSample = null)
    {
        if (steps < 1) throw new UserInputException($"must be at least 1; got {steps}.", "--steps");
        if (projections < 1) throw new UserInputException($"must be at least 1; got {projections}.", "--projections");
        if (batchSize < 1) throw new UserInputException($"must be at least 1; got {batchSize}.", "--batch");
        config.Validate();

        var samples = new List<MemorySample>();
        void Read(string phase, int done)
        {
            var sample = new MemorySample(phase, done, ResidentMb(), torch.Tensor.TotalCount);
            samples.Add(sample);
            onSample?.Invoke(sample);
        }

        // Training: one epoch of `steps` batches; a reading after warm-up, every `interval` batches, and at the end.
        int warmupSteps = Math.Max(1, steps / 10), trainInterval = Math.Max(1, (steps - warmupSteps) / Readings);
        using var train = SyntheticData.Gratings(steps * batchSize, config.InputSize, config.InputChannels, config.Classes, seed: 3, name: "memory-bench");
        var options = new TrainingOptions(Epochs: 1, BatchSize: batchSize, CropPadding: Math.Max(1, config.InputSize / 8), Seed: 1, CheckpointEpochs: []);
        var progress = new ProgressCallback(p =>
        {
            if (p.Phase != "batch") return;
            if (p.Batch == warmupSteps || (p.Batch > warmupSteps && (p.Batch - warmupSteps) % trainInterval == 0) || p.Batch == p.Batches)
                Read("train", p.Batch);
        }, TimeSpan.Zero);
        var run = Trainer.Run(config, train, null, options, progress: progress);
        using var model = run.Model;

        // Projections: the strongest activation of a map, cycling through images, layers and features.
        int warmupProjections = Math.Max(1, projections / 10), projectInterval = Math.Max(1, (projections - warmupProjections) / Readings);
        var deconv = Deconvnet.FromModule(model.Net);
        using var inputs = PreprocessedInputs(model, train, 64);
        using (no_grad())
        {
            for (int i = 1; i <= projections; i++)
            {
                using var scope = NewDisposeScope();
                int layer = i % deconv.Layers.Count, feature = (i / deconv.Layers.Count) % deconv.Layers[layer].Channels;
                var image = inputs[i % inputs.shape[0]].unsqueeze(0);
                var (_, projection) = deconv.ProjectStrongest(image, layer, feature);
                projection.Dispose();
                if (i == warmupProjections || (i > warmupProjections && (i - warmupProjections) % projectInterval == 0) || i == projections)
                    Read("project", i);
            }
        }

        var trainAfter = samples.Where(s => s.Phase == "train").ToList();
        var projectAfter = samples.Where(s => s.Phase == "project").ToList();
        return new MemoryBenchmarkResult(config.Name, steps, projections, batchSize, warmupSteps, warmupProjections, samples,
            Math.Round(trainAfter[^1].ResidentMb - trainAfter[0].ResidentMb, 1),
            Math.Round(projectAfter[^1].ResidentMb - projectAfter[0].ResidentMb, 1),
            Math.Round(projectAfter[^1].ResidentMb - trainAfter[0].ResidentMb, 1));
    }

    static Tensor PreprocessedInputs(TrainedModel model, Data.ImageDataset data, int count)
    {
        using var scope = NewDisposeScope();
        return model.Preprocess(data.Images[..Math.Min(count, data.Count)]).MoveToOuterDisposeScope();
    }

    /// <summary>The process's resident set size in MB: VmRSS from /proc/self/status on Linux, else the working set.</summary>
    public static double ResidentMb()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
            foreach (var line in File.ReadLines(status))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                    return Math.Round(long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0, 1);
                }
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return Math.Round(self.WorkingSet64 / 1048576.0, 1);
    }
}
