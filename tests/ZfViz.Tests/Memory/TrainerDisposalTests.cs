using ZfViz.Models;
using ZfViz.Tests.Models;
using ZfViz.Training;

namespace ZfViz.Tests.Memory;

/// <summary>A training run, resumed or refused, frees everything but the model it returns (issue 10, part 3).</summary>
[Collection(nameof(SharedTorchState))]
public sealed class TrainerDisposalTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("zfviz-train-mem-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void ResumingFreesTheStateItReadAndTheStateItReplaced()
    {
        var cfg = TinyConfigs.ZfNetCifar(fc6: 16, fc7: 12, classes: 4);
        using var train = SyntheticData.Gratings(32, 32, 3, 4, seed: 1);
        var options = new TrainingOptions(Epochs: 1, BatchSize: 16, Seed: 2, CheckpointEpochs: [1]);
        var run = Path.Combine(dir, "run");

        Trainer.Run(cfg, train, null, options, Path.Combine(dir, "warm-up")).Model.Dispose();
        // Resuming reads the state file, replaces the fresh normalisation and momentum buffers: none of it may stay,
        // and neither may anything an epoch of training makes. Only the returned model, disposed here, is left.
        long fresh = LiveTensors.LeftBy(() => Trainer.Run(cfg, train, null, options, run).Model.Dispose());
        long resumed = LiveTensors.LeftBy(() =>
        {
            var r = Trainer.Run(cfg, train, null, options with { Epochs = 2 }, run);
            Assert.Equal(1, r.ResumedFromEpoch);
            r.Model.Dispose();
        });
        Assert.True(fresh == 0, $"a fresh run left {fresh} tensors alive besides its model");
        Assert.True(resumed == 0, $"a resumed run left {resumed} tensors alive besides its model");

        // A refused resume (another network) frees the network it built and everything it read.
        long refused = LiveTensors.LeftBy(() => Assert.Throws<UserInputException>(() =>
            Trainer.Run(TinyConfigs.ZfNetCifar(fc6: 8, fc7: 12, classes: 4), train, null, options with { Epochs = 3 }, run)));
        Assert.True(refused == 0, $"a refused resume left {refused} tensors alive");
    }
}
