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
        SameRun.Assert(straight, resumed);
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

    /// <summary>The paper's recipe at a small size: stored images larger than the input are trained on random crops,
    /// the model keeps the centre of the full-size mean, and evaluation crops the centre or takes the 10 views.</summary>
    [Fact]
    public void ImagesLargerThanTheInputAreCroppedTheWayThePaperDoes()
    {
        var cfg = Presets.ZfNetCifar;
        using var train = SyntheticData.Gratings(64, 36, 3, 10, seed: 1);
        using var test = SyntheticData.Gratings(6, 36, 3, 10, seed: 2);
        var run = Trainer.Run(cfg, train, test, new TrainingOptions(Epochs: 1, BatchSize: 32, Seed: 3), dir);
        using var model = run.Model;
        using var fullMean = ZfViz.Data.Augment.PixelMean(train);
        using var centreMean = fullMean[.., 2..34, 2..34];
        Assert.Equal([3L, 32, 32], model.Norm.Mean.shape);
        Assert.True(model.Norm.Mean.allclose(centreMean));
        using (var saved = Checkpoint.LoadModel(RunFiles.FinalModel(dir)))
            Assert.True(saved.Norm.Mean.allclose(centreMean));

        model.Net.eval();
        using var _ = no_grad();
        Tensor Softmax(Tensor uint8) => nn.functional.softmax(model.Net.forward(model.Preprocess(uint8)), 1);
        using var centre = Evaluator.Probabilities(model, test);
        using var expectedCentre = Softmax(test.Images[.., .., 2..34, 2..34]);
        Assert.True(centre.allclose(expectedCentre, rtol: 1e-4, atol: 1e-6));

        // 10 views: the four corners and the centre, and their mirror images, averaged after the softmax.
        var origins = new[] { (0, 0), (0, 4), (4, 0), (4, 4), (2, 2) };
        var views = origins.SelectMany(o => new[] { false, true }.Select(flip =>
        {
            var crop = test.Images[.., .., o.Item1..(o.Item1 + 32), o.Item2..(o.Item2 + 32)];
            return Softmax(flip ? crop.flip(3) : crop);
        })).ToArray();
        using var expectedTen = stack(views).mean([0]);
        using var ten = Evaluator.Probabilities(model, test, tenViewPadding: 0);
        Assert.True(ten.allclose(expectedTen, rtol: 1e-4, atol: 1e-6));
        foreach (var v in views) v.Dispose();
    }
}
