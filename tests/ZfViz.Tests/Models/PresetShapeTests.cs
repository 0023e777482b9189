using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Models;

public class PresetShapeTests
{
    static int[] Sizes(NetConfig cfg) => cfg.Stages().Select(s => s.Size).ToArray();

    [Fact]
    public void ZfNetStagesMatchFigure3()
    {
        // conv1 110, pool1 55, conv2 26, pool2 13, conv3-5 13, pool5 6.
        Assert.Equal([110, 55, 26, 13, 13, 13, 13, 6], Sizes(Presets.ZfNet));
        Assert.Equal(256 * 6 * 6, Presets.ZfNet.FlattenedFeatures);
    }

    [Fact]
    public void AlexNetStagesMatchKrizhevsky()
    {
        Assert.Equal([55, 27, 27, 13, 13, 13, 13, 6], Sizes(Presets.AlexNet));
    }

    [Theory]
    [InlineData("zfnet-cifar", new[] { 32, 16, 8, 4, 4, 4, 4, 2 })]
    [InlineData("alexnet-cifar", new[] { 16, 8, 8, 4, 4, 4, 4, 2 })]
    [InlineData("zfnet-fmnist", new[] { 28, 14, 7, 4, 4, 4, 4, 2 })]
    [InlineData("alexnet-fmnist", new[] { 14, 7, 7, 4, 4, 4, 4, 2 })]
    public void ScaledPresetsKeepFiveConvsThreePools(string name, int[] sizes)
    {
        var cfg = Presets.Get(name);
        Assert.Equal(sizes, Sizes(cfg));
        Assert.Equal(3, cfg.Convs.Count(c => c.Pool is not null));
        Assert.Equal(2, cfg.Convs.Count(c => c.ContrastNorm));
    }

    [Theory]
    [InlineData("zfnet-cifar")]
    [InlineData("alexnet-cifar")]
    [InlineData("zfnet-fmnist")]
    [InlineData("alexnet-fmnist")]
    public void ModuleOutputsMatchConfigShapes(string name)
    {
        var cfg = Presets.Get(name);
        using var net = new ConvNet(cfg);
        net.eval();
        using var x = randn(2, cfg.InputChannels, cfg.InputSize, cfg.InputSize);
        var acts = net.ForwardLayers(x);
        foreach (var s in cfg.Stages())
        {
            var key = s.Kind == StageKind.Conv ? $"{s.Name}.relu" : $"conv{s.Index + 1}.pool";
            Assert.Equal(new long[] { 2, s.Channels, s.Size, s.Size }, acts[key].shape);
        }
        Assert.Equal(new long[] { 2, 10 }, acts["fc8"].shape);
        Assert.Equal(new long[] { 2, 10 }, net.forward(x).shape);
    }

    [Fact]
    public void FullZfNetForwardShapes()
    {
        using var net = new ConvNet(Presets.ZfNet);
        net.eval();
        using var _ = no_grad();
        using var x = randn(1, 3, 224, 224);
        var acts = net.ForwardLayers(x);
        Assert.Equal(new long[] { 1, 96, 110, 110 }, acts["conv1.relu"].shape);
        Assert.Equal(new long[] { 1, 96, 55, 55 }, acts["conv1"].shape);
        Assert.Equal(new long[] { 1, 256, 26, 26 }, acts["conv2.relu"].shape);
        Assert.Equal(new long[] { 1, 256, 6, 6 }, acts["conv5"].shape);
        Assert.Equal(new long[] { 1, 1000 }, acts["fc8"].shape);
    }

    [Fact]
    public void CheckpointNamesArePyTorchStyle()
    {
        using var net = new ConvNet(Presets.AlexNet);
        var names = net.CheckpointParameters().ToDictionary(p => p.Name, p => p.Parameter.shape);
        Assert.Equal(
            ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "conv3.weight", "conv3.bias", "conv4.weight", "conv4.bias",
             "conv5.weight", "conv5.bias", "fc6.weight", "fc6.bias", "fc7.weight", "fc7.bias", "fc8.weight", "fc8.bias"],
            names.Keys);
        Assert.Equal(new long[] { 256, 48, 5, 5 }, names["conv2.weight"]); // two groups: 96/2 input maps per filter
        Assert.Equal(new long[] { 4096, 9216 }, names["fc6.weight"]);
    }

    [Fact]
    public void RemovedLayersAreAbsentAndChainReconnects()
    {
        var cfg = Presets.ZfNetCifar.WithoutConv(3, 4).WithFc(0, 256);
        using var net = new ConvNet(cfg);
        Assert.Equal(["conv1", "conv2", "conv5", "fc7", "fc8"], net.BlockNames);
        Assert.Equal(new long[] { 96, 96, 3, 3 }, net.Conv("conv5").weight!.shape); // conv5 now reads conv2's 96 maps
        Assert.Equal(new long[] { 256, 96 * 2 * 2 }, net.Fc("fc7").weight!.shape);
        using var y = net.forward(randn(3, 3, 32, 32));
        Assert.Equal(new long[] { 3, 10 }, y.shape);
    }

    [Fact]
    public void ImpossibleConfigsNameTheLayer()
    {
        var tooSmall = Assert.Throws<UserInputException>(() => Presets.ZfNetCifar.WithConv(5, l => l with { Kernel = 9, Padding = 0 }));
        Assert.Contains("conv5", tooSmall.Message);
        var groups = Assert.Throws<UserInputException>(() => Presets.ZfNetCifar.WithConv(3, l => l with { Groups = 5 }));
        Assert.Contains("conv3", groups.Message);
        var pool = Assert.Throws<UserInputException>(() => Presets.ZfNetCifar.WithConv(5, l => l with { Pool = new PoolSpec(5, 2, 0) }));
        Assert.Contains("pool5", pool.Message);
        var all = Assert.Throws<UserInputException>(() => Presets.ZfNetCifar.WithoutConv(1, 2, 3, 4, 5));
        Assert.Contains("removed", all.Message);
        Assert.Throws<UserInputException>(() => new ConvNet(Presets.ZfNetCifar with { Fc6 = -1 }));
    }

    [Fact]
    public void ConfigRoundTripsThroughJsonAndWithKeepsValueEquality()
    {
        var cfg = Presets.ZfNet.WithConv(3, l => l with { Filters = 512 });
        Assert.Equal(cfg, NetConfig.FromJson(cfg.ToJson()));
        Assert.NotEqual(Presets.ZfNet, cfg);
        Assert.Equal(512, cfg.Convs[2].Filters);
        Assert.Equal(384, Presets.ZfNet.Convs[2].Filters);
    }
}
