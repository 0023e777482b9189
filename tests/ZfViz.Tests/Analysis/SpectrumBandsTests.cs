using ZfViz.Analysis;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

public class SpectrumBandsTests
{
    [Fact]
    public void AConstantFilterIsAllLowFrequency()
    {
        // Without padding (item as large as the transform) a constant has energy at DC only.
        var p = SpectrumBands.Measure(ones(1, 3, 16, 16), size: 16)[0];
        Assert.Equal(1.0, p.Low, 12);
        Assert.Equal(0.0, p.Mid + p.High, 12);
        Assert.Equal(0.0, p.MeanRadius, 12);
    }

    [Fact]
    public void ACheckerboardIsAllHighFrequencyAtTheDiagonalNyquist()
    {
        var y = arange(16).view(16, 1);
        var x = arange(16).view(1, 16);
        var board = (((y + x) % 2) * 2 - 1).to_type(ScalarType.Float32).view(1, 1, 16, 16);
        var p = SpectrumBands.Measure(board, size: 16)[0];
        Assert.Equal(1.0, p.High, 12);
        Assert.Equal(Math.Sqrt(2), p.MeanRadius, 9);
    }

    [Fact]
    public void AStripeOfAQuarterCycleIsMidFrequencyAndChannelsAndItemsAreSeparate()
    {
        // cos(2π x/4): 0.25 cycles/pixel = half of Nyquist, inside the mid band [1/3, 2/3)
        var x = arange(16).to_type(ScalarType.Float64);
        var stripe = (x * (2 * Math.PI / 4)).cos().view(1, 1, 1, 16).expand(1, 1, 16, 16).to_type(ScalarType.Float32);
        var both = cat([cat([stripe, zeros(1, 2, 16, 16)], 1), ones(1, 3, 16, 16)], 0);
        var r = SpectrumBands.Measure(both, size: 16);
        Assert.Equal(1.0, r[0].Mid, 9);
        Assert.Equal(0.5, r[0].MeanRadius, 9);
        Assert.Equal(1.0, r[1].Low, 12);
    }

    [Fact]
    public void ADeadFilterHasNoProfileAndBadInputIsRejected()
    {
        Assert.True(double.IsNaN(SpectrumBands.Measure(zeros(1, 3, 5, 5))[0].Low));
        Assert.Throws<ArgumentException>(() => SpectrumBands.Measure(zeros(3, 5, 5)));
        Assert.Throws<ArgumentException>(() => SpectrumBands.Measure(zeros(1, 3, 40, 40), size: 32));
    }
}
