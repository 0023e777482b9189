using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Training;

namespace ZfViz.Tests.Training;

[Collection(nameof(SharedTorchState))]
public class ModelStoreTests
{
    static (string Run, NetConfig Config, TrainingOptions Options) FolderOf(NetConfig config)
    {
        var run = Path.Combine(Directory.CreateTempSubdirectory("zfviz-store").FullName, "zfnet-cifar", "quick");
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
        Assert.Equal("old run", File.ReadAllText(Path.Combine(aside!, "marker.txt")));
    }

    [Fact]
    public void ARunWithOtherOptionsIsMovedAside()
    {
        var (run, config, options) = FolderOf(Presets.ZfNetCifar);
        Assert.NotNull(ModelStore.SetAsideIfStale(run, config, options with { RenormRadius = null }));
    }

    [Fact]
    public void AnAbsentFolderIsNothingToDo() =>
        Assert.Null(ModelStore.SetAsideIfStale(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")), Presets.ZfNetCifar,
                                               TrainingOptions.ForProfile(Profile.Quick, Presets.ZfNetCifar)));

    [Fact]
    public void ANamedRunTrainsIntoItsOwnFolderOnceThenLoads()
    {
        var root = Directory.CreateTempSubdirectory("zfviz-store-named").FullName;
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
        finally
        {
            Environment.SetEnvironmentVariable("ZFVIZ_MODELS", before);
            Directory.Delete(root, recursive: true);
        }
    }
}
