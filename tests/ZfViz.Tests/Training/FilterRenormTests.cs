using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Training;

public class FilterRenormTests
{
    [Fact]
    public void LargeFiltersAreScaledToTheRadiusSmallOnesUntouched()
    {
        // Filter 0: all 0.3 (RMS 0.3); filter 1: all 0.05 (RMS 0.05); filter 2: alternating +-0.2 (RMS 0.2); filter 3: RMS exactly 0.1.
        var w = zeros(4, 2, 3, 3);
        w[0].fill_(0.3);
        w[1].fill_(0.05);
        w[2] = tensor(Enumerable.Range(0, 18).Select(i => i % 2 == 0 ? 0.2f : -0.2f).ToArray()).view(2, 3, 3);
        w[3].fill_(0.1);
        var before = w.clone();
        int n = FilterRenorm.Apply(w, 0.1);
        Assert.Equal(2, n);
        var rms = FilterRenorm.FilterRms(w);
        Assert.All(rms.data<float>().ToArray(), r => Assert.True(r <= 0.1 + 1e-6));
        Assert.Equal(0.1, rms[0].item<float>(), 5);
        Assert.Equal(0.1, rms[2].item<float>(), 5);
        Assert.True(w[1].eq(before[1]).all().item<bool>());
        Assert.True(w[3].eq(before[3]).all().item<bool>());
        // Direction is kept: filter 0 stays constant 0.1, filter 2 alternates +-0.1.
        Assert.True(w[0].allclose(full_like(w[0], 0.1)));
        Assert.True(w[2].allclose(before[2] * 0.5));
    }

    [Fact]
    public void AppliesToEveryConvLayerOfANetwork()
    {
        using var net = new ZfViz.Models.ConvNet(ZfViz.Models.Presets.ZfNetCifar);
        using (no_grad()) foreach (var (name, _) in net.ConvStages) net.Conv(name).weight!.mul_(10);
        FilterRenorm.Apply(net);
        foreach (var (name, _) in net.ConvStages)
            Assert.True(FilterRenorm.FilterRms(net.Conv(name).weight!).max().item<float>() <= 0.1 + 1e-6, name);
    }
}
