using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Training;

namespace ZfViz.Tests.Training;

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
}
