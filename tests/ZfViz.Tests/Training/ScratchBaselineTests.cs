using ZfViz.Data;
using ZfViz.Models;
using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Training;

[Collection(nameof(TrainingCollection))]
public sealed class ScratchBaselineTests : IDisposable
{
    // One thread: the runs compared below are bit-identical only at a fixed thread count.
    readonly int threads = get_num_threads();
    public ScratchBaselineTests() => set_num_threads(1);
    public void Dispose() => set_num_threads(threads);

    static readonly ScratchRecipe Tiny = ScratchRecipe.Chosen with { Presentations = 240, BatchSize = 16, HeldOutFraction = 0.25 };

    [Fact]
    public void StoppingEarlyFollowsTheFullRunsScheduleUpToThatEpoch()
    {
        using var data = SyntheticData.Gratings(48, 32, 3, 4, seed: 1);
        var options = new TrainingOptions(Epochs: 4, BatchSize: 16, Schedule: new LrSchedule(LrScheduleKind.Cosine), Seed: 2);
        var full = Trainer.Run(Presets.ZfNetCifar with { Classes = 4 }, data, data, options);
        var stopped = Trainer.Run(Presets.ZfNetCifar with { Classes = 4 }, data, data, options, stopAfterEpoch: 2);
        using (full.Model)
        using (stopped.Model)
        {
            Assert.Equal(2, stopped.Metrics.Count);
            Assert.Equal(2, stopped.Model.Epoch);
            Assert.Equal(full.Metrics.Take(2).Select(m => (m.LearningRate, m.TrainLoss, m.ValTop1Error)),
                stopped.Metrics.Select(m => (m.LearningRate, m.TrainLoss, m.ValTop1Error)));
        }
        Assert.Throws<ArgumentException>(() => Trainer.Run(Presets.ZfNetCifar with { Classes = 4 }, data, null, options, stopAfterEpoch: 5));
    }

    [Fact]
    public void TheBaselineIsDeterministicForASeedAndStopsAtTheBestHeldOutEpoch()
    {
        using var data = SyntheticData.Gratings(60, 32, 3, 4, seed: 3);
        var training = ClassBalancedSampler.Sample(data, trainPerClass: 8, testPerClass: 0, seed: 1).Train;
        var config = Presets.ZfNetCifar with { Classes = 4 };

        using var a = ScratchBaseline.Train(config, data, training, Tiny, seed: 7);
        using var b = ScratchBaseline.Train(config, data, training, Tiny, seed: 7);

        // 240 presentations of 32 images: 7 epochs, each with held-out figures on 2 of each class's 8 images.
        Assert.Equal(Tiny.EpochsFor(32), a.Curve.Count);
        Assert.Equal(8, a.Split.HeldOut.Count);
        Assert.Equal(EarlyStopping.BestEpoch(a.Curve), a.BestEpoch);
        Assert.Equal(a.BestEpoch, a.Model.Epoch);
        Assert.Equal(a.Split, b.Split, new SplitComparer());
        // Everything but the timings.
        Assert.Equal(a.Curve.Select(m => (m.LearningRate, m.TrainLoss, m.TrainTop1Error, m.ValLoss, m.ValTop1Error)),
            b.Curve.Select(m => (m.LearningRate, m.TrainLoss, m.TrainTop1Error, m.ValLoss, m.ValTop1Error)));
        foreach (var ((name, p), (_, q)) in a.Model.Net.named_parameters().Zip(b.Model.Net.named_parameters()))
        {
            using var largest = p.sub(q).abs_().max();
            Assert.True(largest.item<float>() == 0, $"{name} differs between two runs with the same seed");
        }
    }

    sealed class SplitComparer : IEqualityComparer<HeldOutSplit>
    {
        public bool Equals(HeldOutSplit? x, HeldOutSplit? y) => x!.Fit.SequenceEqual(y!.Fit) && x.HeldOut.SequenceEqual(y.HeldOut);
        public int GetHashCode(HeldOutSplit obj) => 0;
    }
}
