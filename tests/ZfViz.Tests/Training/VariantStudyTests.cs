using ZfViz.Models;
using ZfViz.Tests.Models;
using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Training;

[Collection(nameof(SharedTorchState))]
public sealed class VariantStudyTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("zfviz-variants-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    static readonly NetConfig Tiny = TinyConfigs.ZfNetCifar(fc6: 16, fc7: 12, classes: 4);

    [Fact]
    public void Table3ScalesThePapersChangesToTheBaseline()
    {
        var v = VariantStudy.Table3(Presets.ZfNetCifar).ToDictionary(x => x.Label, x => x.Config);
        Assert.Equal(9, v.Count);
        Assert.Equal(Presets.ZfNetCifar, v["baseline"]);
        Assert.Equal([false, false, true, true, false], v["removed layers 3,4"].Convs.Select(c => c.Removed));
        Assert.Equal((384, 0), (v["removed layer 7"].Fc6, v["removed layer 7"].Fc7));
        Assert.Equal((0, 0), (v["removed layers 3,4,6,7"].Fc6, v["removed layers 3,4,6,7"].Fc7));
        Assert.True(v["removed layers 3,4,6,7"].Convs[2].Removed);
        Assert.Equal((192, 192), (v["layers 6,7 halved"].Fc6, v["layers 6,7 halved"].Fc7));
        Assert.Equal((768, 768), (v["layers 6,7 doubled"].Fc6, v["layers 6,7 doubled"].Fc7));
        // 144/144/96 as 384/384/256 -> 512/1024/512: 192/384/192
        Assert.Equal([48, 96, 192, 384, 192], v["layers 3,4,5 wider"].Convs.Select(c => c.Filters));
        Assert.Equal(768, v["6,7 doubled and 3,4,5 wider"].Fc6);
        Assert.Equal([48, 96, 192, 384, 192], v["6,7 doubled and 3,4,5 wider"].Convs.Select(c => c.Filters));
        Assert.Throws<UserInputException>(() => VariantStudy.Table3(Presets.ZfNetCifar.WithoutConv(5) with { Convs = Presets.ZfNetCifar.Convs.Take(4).ToList() }));
    }

    /// <summary>Parameters counted from the config by hand: conv weights and biases, then the fc layers on the flattened maps.</summary>
    static long CountByHand(NetConfig c, long flat)
    {
        long total = 0, channels = c.InputChannels;
        foreach (var l in c.Convs.Where(l => !l.Removed))
        {
            total += (long)l.Filters * (channels / l.Groups) * l.Kernel * l.Kernel + l.Filters;
            channels = l.Filters;
        }
        long inputs = flat;
        foreach (var units in new[] { c.Fc6, c.Fc7 }.Where(u => u > 0))
        {
            total += inputs * units + units;
            inputs = units;
        }
        return total + inputs * c.Classes + c.Classes;
    }

    [Fact]
    public void TrainsEachVariantOnceMeasuresItAndLoadsItTheSecondTime()
    {
        var train = SyntheticData.Gratings(48, 32, 3, 4, seed: 1);
        var test = SyntheticData.Gratings(24, 32, 3, 4, seed: 2);
        var options = new TrainingOptions(Epochs: 1, BatchSize: 16, ChannelsLast: false);
        var variants = new[] { new Variant("baseline", Tiny), new Variant("removed layer 7", Tiny.WithFc(16, 0)) };
        var first = VariantStudy.Run(variants, train, test, options, dir);
        Assert.Equal(["baseline", "removed layer 7"], first.Select(r => r.Label));
        Assert.All(first, r => Assert.False(r.Loaded));
        Assert.True(Directory.Exists(Path.Combine(dir, "02-removed-layer-7")));

        // 6 maps of 2x2 after pool5 on 32x32 input feed fc6
        Assert.Equal(CountByHand(Tiny, 6 * 2 * 2), first[0].Parameters);
        Assert.Equal(CountByHand(Tiny.WithFc(16, 0), 6 * 2 * 2), first[1].Parameters);

        // train error by hand: the saved model's argmax on the training images
        using var model = Checkpoint.LoadModel(RunFiles.FinalModel(Path.Combine(dir, "01-baseline")));
        model.Net.eval();
        using (no_grad())
        {
            var predicted = model.Net.call(model.Preprocess(train.Images)).argmax(1);
            double error = 1 - predicted.eq(train.Labels).to_type(ScalarType.Float64).mean().item<double>();
            Assert.Equal(error, first[0].TrainTop1Error, 9);
        }

        var second = VariantStudy.Run(variants, train, test, options, dir);
        Assert.All(second, r => Assert.True(r.Loaded));
        Assert.Equal(first.Select(r => (r.TrainTop1Error, r.ValTop1Error, r.ValTop5Error)), second.Select(r => (r.TrainTop1Error, r.ValTop1Error, r.ValTop5Error)));
    }

    [Fact]
    public void AnOwnVariantIsTrainedWithTheStudysBudgetBesideItsFolders()
    {
        var train = SyntheticData.Gratings(48, 32, 3, 4, seed: 1);
        var test = SyntheticData.Gratings(24, 32, 3, 4, seed: 2);
        var options = new TrainingOptions(Epochs: 1, BatchSize: 16, ChannelsLast: false);
        var mine = new Variant("conv1 3x3", Tiny.WithConv(1, l => l with { Kernel = 3, Padding = 1 }));
        var study = VariantStudy.Run([new Variant("baseline", Tiny), mine], train, test, options, Path.Combine(dir, "study"));

        var own = VariantStudy.RunOwn(mine, train, test, options, Path.Combine(dir, "study"));
        Assert.False(own.Loaded);
        Assert.True(Directory.Exists(Path.Combine(dir, "study", "own-conv1-3x3")));
        Assert.Equal(["01-baseline", "02-conv1-3x3", "own-conv1-3x3"],
            Directory.GetDirectories(Path.Combine(dir, "study")).Select(Path.GetFileName).Order());
        // Same budget, same seed: the same network as the study's own row for that variant, measured the same way.
        Assert.Equal(mine.Config, own.Config);
        Assert.Equal(study[1].Parameters, own.Parameters);
        Assert.Equal((study[1].TrainTop1Error, study[1].ValTop1Error, study[1].ValTop5Error), (own.TrainTop1Error, own.ValTop1Error, own.ValTop5Error));
        Assert.True(VariantStudy.RunOwn(mine, train, test, options, Path.Combine(dir, "study")).Loaded);
        Assert.Throws<UserInputException>(() => VariantStudy.RunOwn(new Variant("bad", Tiny with { Classes = 0 }), train, test, options, dir));
    }

    [Fact]
    public void BadVariantListsAreRejected()
    {
        var data = SyntheticData.Gratings(8, 32, 3, 4, seed: 1);
        var options = new TrainingOptions(Epochs: 1, BatchSize: 8);
        Assert.Throws<ArgumentException>(() => VariantStudy.Run([], data, data, options, dir));
        Assert.Throws<ArgumentException>(() => VariantStudy.Run([new("a", Tiny), new("a", Tiny)], data, data, options, dir));
        Assert.Equal("layers-6-7-doubled", VariantStudy.Slug("layers 6,7 doubled"));
        Assert.Equal("variant", VariantStudy.Slug("+++"));
    }
}
