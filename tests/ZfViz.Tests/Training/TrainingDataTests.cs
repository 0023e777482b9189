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
        Assert.Throws<UserInputException>(() => load("validation"));
    }

    [Fact]
    public void UnknownDataFailsAndAMissingLoaderFallsBackWithANote()
    {
        var e = Assert.Throws<UserInputException>(() => TrainingData.For("imagenet-full", Presets.ZfNetCifar, Profile.Quick));
        Assert.Contains("synthetic", e.Message);
        var source = TrainingData.PreferReal(Presets.ZfNetCifar, Profile.Quick);
        // Either the real CIFAR-10 loader works here, or the fallback says why it was not used.
        Assert.True(source.Name == "cifar10" ? source.Note is null : source.Name == "synthetic" && source.Note is { Length: > 0 });
    }

    [Fact]
    public void ProfileSubsetsAreRandomNotTheFirstImages()
    {
        // A class-sorted set (as image-folder loaders return it): 100 images of class 0, then 100 of class 1, ...
        var images = TorchSharp.torch.zeros([1000, 1, 2, 2], TorchSharp.torch.ScalarType.Byte);
        var labels = TorchSharp.torch.arange(1000, dtype: TorchSharp.torch.ScalarType.Int64).div(100, rounding_mode: TorchSharp.torch.RoundingMode.floor);
        var sorted = new ZfViz.Data.ImageDataset("sorted", images, labels, Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray());
        var small = TrainingData.Sized(sorted, "train", Profile.Quick with { TrainImages = 200 });
        Assert.Equal(200, small.Count);
        var perClass = TorchSharp.torch.bincount(small.Labels, minlength: 10).data<long>().ToArray();
        Assert.All(perClass, c => Assert.InRange(c, 5, 40));
        Assert.True(TrainingData.Sized(sorted, "train", Profile.Quick with { TrainImages = 200 }).Labels.eq(small.Labels).all().item<bool>());
        Assert.Same(sorted, TrainingData.Sized(sorted, "test", Profile.Quick with { EvalImages = null }));
    }
}
