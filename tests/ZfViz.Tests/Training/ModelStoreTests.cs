using ZfViz.Data;
using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Training;

namespace ZfViz.Tests.Training;

[Collection(nameof(SharedTorchState))]
public sealed class ModelStoreTests : IDisposable
{
    // xunit makes one instance per test: the temporary model store of each test goes when the test ends.
    readonly string store = Directory.CreateTempSubdirectory("zfviz-store").FullName;

    public void Dispose() => Directory.Delete(store, recursive: true);

    (string Run, NetConfig Config, TrainingOptions Options) FolderOf(NetConfig config)
    {
        var run = Path.Combine(store, "zfnet-cifar", "quick");
        Directory.CreateDirectory(run);
        var options = TrainingOptions.ForProfile(Profile.Quick, config);
        File.WriteAllText(RunFiles.Config(run), config.ToJson());
        File.WriteAllText(RunFiles.Options(run), System.Text.Json.JsonSerializer.Serialize(options));
        File.WriteAllText(Path.Combine(run, "marker.txt"), "old run");
        return (run, config, options);
    }

    [Fact]
    public void AMatchingRunStays()
    {
        var (run, config, options) = FolderOf(Presets.ZfNetCifar);
        Assert.Null(ModelStore.SetAsideIfStale(run, config, options));
        Assert.True(File.Exists(Path.Combine(run, "marker.txt")));
    }

    [Fact]
    public void ARunOfAnotherNetworkIsMovedAsideNotDeleted()
    {
        var (run, config, options) = FolderOf(Presets.ZfNetCifar.WithConv(1, l => l with { Filters = 8 }));
        var aside = ModelStore.SetAsideIfStale(run, Presets.ZfNetCifar, options);
        Assert.NotNull(aside);
        Assert.False(Directory.Exists(run));
        Assert.Equal("old run", File.ReadAllText(Path.Combine(aside!.To, "marker.txt")));
        Assert.Equal(run, aside.Run);
        Assert.Contains("different network", aside.ToString());
    }

    [Fact]
    public void ARunWithOtherOptionsIsMovedAside()
    {
        var (run, config, options) = FolderOf(Presets.ZfNetCifar);
        Assert.NotNull(ModelStore.SetAsideIfStale(run, config, options with { RenormRadius = null }));
    }

    [Fact]
    public void AFinishedRunOfAnotherEpochCountIsMovedAside()
    {
        var (run, config, options) = FolderOf(Presets.ZfNetCifar);
        File.WriteAllText(RunFiles.FinalModel(run), "final");
        Assert.Null(ModelStore.StaleReason(run, config, options));
        var aside = ModelStore.SetAsideIfStale(run, config, options with { Epochs = options.Epochs + 5 });
        Assert.NotNull(aside);
        Assert.Contains($"finished after {options.Epochs} epoch(s), not the {options.Epochs + 5}", aside!.Reason);
        Assert.Equal("final", File.ReadAllText(RunFiles.FinalModel(aside.To)));
    }

    [Fact]
    public void AnUnfinishedRunMayResumeWithAnotherEpochCount()
    {
        // A killed run has no final model yet: it continues where it stopped (Trainer.Restore checks the epochs).
        var (run, config, options) = FolderOf(Presets.ZfNetCifar);
        Assert.Null(ModelStore.SetAsideIfStale(run, config, options with { Epochs = options.Epochs + 5 }));
        Assert.True(File.Exists(Path.Combine(run, "marker.txt")));
    }

    [Fact]
    public void ARunTrainedOnOtherImagesIsMovedAside()
    {
        var (run, config, options) = FolderOf(Presets.ZfNetCifar);
        File.WriteAllText(RunFiles.TrainedOn(run), "cifar10, 10000 training images");
        Assert.Null(ModelStore.StaleReason(run, config, options, "cifar10, 10000 training images"));
        Assert.Null(ModelStore.StaleReason(run, config, options)); // the caller does not say: not checked
        Assert.Equal("trained on cifar10, 10000 training images, not cifar10, 20000 training images",
            ModelStore.StaleReason(run, config, options, "cifar10, 20000 training images"));
    }

    [Fact]
    public void AFolderThatDoesNotRecordItsImagesIsTakenToMatch()
    {
        // Runs trained before the record existed stay usable: nobody retrains a course model for a missing file.
        var (run, config, options) = FolderOf(Presets.ZfNetCifar);
        Assert.Null(ModelStore.SetAsideIfStale(run, config, options, "cifar10, 20000 training images"));
    }

    [Fact]
    public void LoadOrTrainRetrainsWhenTheBudgetGrowsAndLoadsWhenItIsTheSame()
    {
        // The bug this guards: a Table 3 study whose epochs and images were raised loaded the smaller runs as finished.
        var run = Path.Combine(store, "01-baseline");
        var config = Presets.ZfNetCifar.WithConv(1, l => l with { Filters = 8 });
        var all = SyntheticData.Gratings(32, 32, 3, 10, seed: 4);
        var small = all.Sample(16, seed: 1);
        var options = new TrainingOptions(Epochs: 1, BatchSize: 8, ChannelsLast: false);
        var logged = new List<string>();
        (ImageDataset, ImageDataset?) Data(ImageDataset train) => (train, null);
        (TrainedModel Model, bool Loaded) Call(ImageDataset train, TrainingOptions o) =>
            ModelStore.LoadOrTrain(run, config, o, () => Data(train), log: logged.Add, trainedOn: TrainingData.TrainedOn("gratings", train.Count));

        var first = Call(small, options); first.Model.Dispose();
        Assert.False(first.Loaded);
        Assert.Equal("gratings, 16 training images", File.ReadAllText(RunFiles.TrainedOn(run)));
        var again = Call(small, options); again.Model.Dispose();
        Assert.True(again.Loaded);
        Assert.Empty(logged);

        var longer = Call(small, options with { Epochs = 2 }); longer.Model.Dispose();
        Assert.False(longer.Loaded);
        Assert.Equal(2, MetricsLog.Read(RunFiles.Metrics(run)).Count);
        Assert.Contains("finished after 1 epoch(s), not the 2 asked for", Assert.Single(logged));

        var larger = Call(all, options with { Epochs = 2 }); larger.Model.Dispose();
        Assert.False(larger.Loaded);
        Assert.Contains("trained on gratings, 16 training images, not gratings, 32 training images", logged[1]);
        Assert.Equal(2, Directory.GetDirectories(store, "01-baseline.replaced-*").Length);
    }

    [Fact]
    public void AnAbsentFolderIsNothingToDo() =>
        Assert.Null(ModelStore.SetAsideIfStale(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")), Presets.ZfNetCifar,
                                               TrainingOptions.ForProfile(Profile.Quick, Presets.ZfNetCifar)));

    [Fact]
    public void ANamedRunTrainsIntoItsOwnFolderOnceThenLoads()
    {
        var root = store;
        var before = Environment.GetEnvironmentVariable("ZFVIZ_MODELS");
        Environment.SetEnvironmentVariable("ZFVIZ_MODELS", root);
        try
        {
            var data = SyntheticData.Gratings(24, 32, 3, 10, seed: 3);
            var options = new TrainingOptions(Epochs: 1, BatchSize: 8, Seed: 2, ChannelsLast: false);
            using var first = ModelStore.GetOrTrain("zfnet-cifar", Profile.Quick, _ => data, options: options, runName: "zfnet-cifar-seed2");
            Assert.True(File.Exists(RunFiles.FinalModel(Path.Combine(root, "zfnet-cifar-seed2", "quick"))));
            Assert.False(Directory.Exists(Path.Combine(root, "zfnet-cifar")));
            using var second = ModelStore.GetOrTrain("zfnet-cifar", Profile.Quick, _ => throw new InvalidOperationException("must load, not train"),
                options: options, runName: "zfnet-cifar-seed2");
            Assert.True(first.Net.Conv("conv1").weight!.allclose(second.Net.Conv("conv1").weight!, 0, 0));
            Assert.Throws<ArgumentException>(() => ModelStore.GetOrTrain("zfnet-cifar", Profile.Quick, _ => data, options: options, runName: "a/b"));
        }
        finally { Environment.SetEnvironmentVariable("ZFVIZ_MODELS", before); }
    }
}
