using TorchSharp;
using ZfViz.Deconv;
using static TorchSharp.torch;

namespace ZfViz.Tests.Deconv;

public class PolyphaseTransposedConvTests
{
    /// <summary>
    /// Against libtorch's own transposed convolution in float64 (which does not go through oneDNN): kernels that the
    /// stride divides and kernels it does not, unequal strides, one to three result maps, and the networks' conv1
    /// shapes (ZFNet 7x7/2, AlexNet 11x11/4).
    /// </summary>
    [Theory]
    [InlineData(96, 3, 7, 7, 2, 2, 9, 11)]   // zfnet conv1
    [InlineData(64, 3, 11, 11, 4, 4, 6, 5)]  // alexnet conv1
    [InlineData(5, 1, 4, 4, 2, 2, 3, 3)]     // the stride divides the kernel
    [InlineData(7, 2, 5, 3, 3, 2, 4, 6)]     // unequal kernels and strides
    [InlineData(4, 3, 2, 2, 3, 3, 5, 5)]     // a stride larger than the kernel: rows no tap reaches
    [InlineData(6, 4, 3, 3, 1, 2, 2, 7)]     // stride 1 on one axis
    public void MatchesTheTransposedConvolutionInFloat64(int signalMaps, int resultMaps, int kh, int kw, int sy, int sx, int h, int w)
    {
        var g = new Generator(17);
        using var signal = randn([2, signalMaps, h, w], ScalarType.Float64, generator: g);
        using var weight = randn([signalMaps, resultMaps, kh, kw], ScalarType.Float64, generator: g);
        using var expected = nn.functional.conv_transpose2d(signal, weight, null, strides: [sy, sx]);
        using var actual = PolyphaseTransposedConv.Apply(signal, weight, sy, sx);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.allclose(actual, 1e-12, 1e-12), $"max difference {(expected - actual).abs().max().item<double>()}");
    }

    /// <summary>
    /// In float32, through the numerics guard's convolution route (the one the deconvnet uses on this machine), against
    /// the float64 transposed convolution: the relative error stays at float rounding.
    /// </summary>
    [Fact]
    public void Float32AgreesWithTheFloat64Reference()
    {
        var g = new Generator(3);
        using var signal64 = randn([4, 96, 30, 30], ScalarType.Float64, generator: g);
        using var weight64 = randn([96, 3, 7, 7], ScalarType.Float64, generator: g);
        using var expected = nn.functional.conv_transpose2d(signal64, weight64, null, strides: [2, 2]);
        using var signal = signal64.to_type(ScalarType.Float32);
        using var weight = weight64.to_type(ScalarType.Float32);
        using var actual = PolyphaseTransposedConv.Apply(signal, weight, 2, 2);
        using var error = (actual.to_type(ScalarType.Float64) - expected).norm() / expected.norm();
        Assert.True(error.item<double>() < 1e-5, $"relative error {error.item<double>()}");
    }

    [Fact]
    public void ServesOnlyStridedUngroupedReversesDownToFewMaps()
    {
        using var conv1 = zeros(96, 3, 7, 7);
        using var conv2 = zeros(256, 96, 5, 5);
        Assert.True(PolyphaseTransposedConv.Serves(conv1, 2, 2, 1));
        Assert.False(PolyphaseTransposedConv.Serves(conv1, 1, 1, 1)); // stride 1: already one plain convolution
        Assert.False(PolyphaseTransposedConv.Serves(conv1, 2, 2, 3)); // groups
        Assert.False(PolyphaseTransposedConv.Serves(conv2, 2, 2, 1)); // many result maps: fast as it is
    }

    [Fact]
    public void RejectsASignalWhoseMapsDoNotMatchTheFilters()
    {
        using var signal = zeros(1, 5, 4, 4);
        using var weight = zeros(6, 3, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => PolyphaseTransposedConv.Apply(signal, weight, 2, 2));
        Assert.Contains("[1,5,4,4]", e.Message);
    }
}
