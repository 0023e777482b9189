using TorchSharp;
using ZfViz.Attribution;
using static TorchSharp.torch;

namespace ZfViz.Tests.Attribution;

public class AttributionMapsTests
{
    [Fact]
    public void HeatIsTheLargestAbsoluteValueOverChannels()
    {
        using var result = tensor(new float[] { 1, -3, 2, 0, /* channel 2 */ -2, 1, 0, -5 }).view(1, 2, 2, 2);
        using var heat = AttributionMaps.Heat(result);
        Assert.Equal([2f, 3, 2, 5], heat.data<float>().ToArray());
    }

    [Fact]
    public void DisplaysScaleByAHighQuantileNotTheMaximum()
    {
        // 1..200: the 0.995 quantile is the 199th value, 199; 100 maps to 100/199, 200 clips at 1
        using var map = arange(1, 201, dtype: ScalarType.Float32).view(1, 1, 10, 20);
        using var unit = AttributionMaps.UnitImage(map).flatten();
        Assert.Equal(100f / 199, unit[99].item<float>(), 6);
        Assert.Equal(1f, unit[199].item<float>());
        // signed: zero is mid-grey, -199 black
        using var signed = AttributionMaps.SignedImage(cat([map, -map], 1) - 0).flatten();
        Assert.Equal(0.5f + 0.5f * 100 / 199, signed[99].item<float>(), 6);
        Assert.Equal(0f, signed[200 + 198].item<float>(), 6);
    }
}
