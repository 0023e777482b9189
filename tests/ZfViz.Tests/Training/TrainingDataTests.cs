using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Training;

namespace ZfViz.Tests.Training;

public class TrainingDataTests
{
    [Fact]
    public void SyntheticDataHasThePresetsShapeAndTheProfilesSize()
    {
        var load = TrainingData.For("synthetic", Presets.ZfNetFmnist, Profile.Quick);
        var train = load("train");
        Assert.Equal((Profile.Quick.TrainImages!.Value, 1, 28, 28), (train.Count, train.Channels, train.Height, train.Width));
        Assert.Equal(10, train.ClassNames.Count);
        Assert.True(train.Labels.max().item<long>() < 10);
        Assert.Throws<ArgumentException>(() => load("validation"));
    }

    [Fact]
    public void UnknownDataFailsAndAMissingLoaderFallsBackWithANote()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingData.For("imagenet-full", Presets.ZfNetCifar, Profile.Quick));
        Assert.Contains("synthetic", e.Message);
        var source = TrainingData.PreferReal(Presets.ZfNetCifar, Profile.Quick);
        // Either the real CIFAR-10 loader works here, or the fallback says why it was not used.
        Assert.True(source.Name == "cifar10" ? source.Note is null : source.Name == "synthetic" && source.Note is { Length: > 0 });
    }
}
