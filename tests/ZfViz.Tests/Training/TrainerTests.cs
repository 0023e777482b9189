using ZfViz.Models;
using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Training;

// Training uses torch's global generator (dropout); run alone so other tests cannot draw from it meanwhile.
[CollectionDefinition(nameof(TrainingCollection), DisableParallelization = true)]
public class TrainingCollection;

[Collection(nameof(TrainingCollection))]
public sealed class TrainerTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("zfviz-train-").FullName;
    // One thread: results are bit-reproducible only at a fixed thread count, and a single thread is not slowed by
    // other processes competing for the cores.
    readonly int threads = get_num_threads();
    public TrainerTests() => set_num_threads(1);
    public void Dispose()
    {
        set_num_threads(threads);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void CifarPresetLearnsASyntheticTaskWellAboveChance()
    {
        var cfg = Presets.ZfNetCifar;
        var train = SyntheticData.Gratings(3072, 32, 3, 10, seed: 1);
        var test = SyntheticData.Gratings(500, 32, 3, 10, seed: 2);
        var run = Trainer.Run(cfg, train, test, new TrainingOptions(Epochs: 5, BatchSize: 32, Schedule: new LrSchedule(LrScheduleKind.Constant), Seed: 3));
        var last = run.Metrics[^1];
        // Chance is 90% top-1 error with 10 classes.
        Assert.True(last.ValTop1Error < 0.5, $"validation top-1 error {last.ValTop1Error:P1} after 5 epochs");
        Assert.True(last.TrainLoss < run.Metrics[0].TrainLoss);
        var eval = Evaluator.Evaluate(run.Model, test, tenViewPadding: 4);
        Assert.True(eval.Top1Error < 0.5, $"10-view error {eval.Top1Error:P1}");
        Assert.True(Ensemble.Evaluate([run.Model, run.Model], test).Top1Error.Equals(Evaluator.Evaluate(run.Model, test).Top1Error));
    }

    [Fact]
    public void AResumedRunEqualsAnUninterruptedOne()
    {
        var cfg = Presets.ZfNetCifar with { Fc6 = 64, Fc7 = 64 };
        var train = SyntheticData.Gratings(192, 32, 3, 10, seed: 4);
        var test = SyntheticData.Gratings(64, 32, 3, 10, seed: 5);
        var options = new TrainingOptions(Epochs: 4, BatchSize: 64, Seed: 9, Schedule: new LrSchedule(LrScheduleKind.Step), CheckpointEpochs: [1, 3]);

        var straight = Trainer.Run(cfg, train, test, options, Path.Combine(dir, "a"));

        var killed = Path.Combine(dir, "b");
        using var cts = new CancellationTokenSource();
        var stopAfter2 = new SyncProgress(p => { if (p.Phase == "epoch" && p.Epoch == 2) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(cfg, train, test, options, killed, stopAfter2, cancel: cts.Token));
        // The kill also interrupted a checkpoint write: a stale temp file is left beside the checkpoints.
        File.WriteAllBytes(Path.Combine(killed, "checkpoints", ".epoch-003.safetensors.1.x.tmp"), [1, 2, 3]);
        Assert.Equal(2, MetricsLog.Read(RunFiles.Metrics(killed)).Count);

        var resumed = Trainer.Run(cfg, train, test, options, killed);
        Assert.Equal(2, resumed.ResumedFromEpoch);
        Assert.Equal(straight.Metrics.Select(m => m with { Seconds = 0, ImagesPerSecond = 0 }),
                     resumed.Metrics.Select(m => m with { Seconds = 0, ImagesPerSecond = 0 }));
        foreach (var ((name, p), (_, q)) in straight.Model.Net.named_parameters().Zip(resumed.Model.Net.named_parameters()))
            Assert.True(p.eq(q).all().item<bool>(), name);
        Assert.Equal([1, 3], RunFiles.EpochCheckpoints(killed).Select(c => c.Epoch));
        Assert.Equal(4, MetricsLog.Read(RunFiles.Metrics(killed)).Count);
    }

    [Fact]
    public void ResumingWithADifferentNetworkIsRefused()
    {
        var train = SyntheticData.Gratings(64, 32, 3, 10, seed: 4);
        var run = Path.Combine(dir, "c");
        Trainer.Run(Presets.ZfNetCifar with { Fc6 = 32, Fc7 = 32 }, train, null, new TrainingOptions(Epochs: 1, BatchSize: 64), run);
        var e = Assert.Throws<UserInputException>(() =>
            Trainer.Run(Presets.ZfNetCifar with { Fc6 = 16, Fc7 = 32 }, train, null, new TrainingOptions(Epochs: 2, BatchSize: 64), run));
        Assert.Contains("different network", e.Message);
    }

    sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
