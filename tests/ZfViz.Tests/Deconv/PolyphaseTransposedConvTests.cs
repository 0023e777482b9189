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
    [InlineData(12, 8, 3, 3, 1, 1, 5, 6)]    // stride 1: the flipped filters with maps swapped (conv3-5)
    [InlineData(12, 8, 3, 3, 1, 1, 5, 6, 2)] // groups (alexnet's conv2, 4, 5)
    [InlineData(8, 3, 5, 5, 2, 2, 6, 6, 2)]  // groups and a stride
    [InlineData(9, 6, 1, 1, 1, 1, 4, 4, 3)]  // 1x1
    public void MatchesTheTransposedConvolutionInFloat64(int signalMaps, int resultMaps, int kh, int kw, int sy, int sx, int h, int w, int groups = 1)
    {
        var g = new Generator(17);
        using var signal = randn([2, signalMaps, h, w], ScalarType.Float64, generator: g);
        using var weight = randn([signalMaps, resultMaps / groups, kh, kw], ScalarType.Float64, generator: g);
        using var expected = nn.functional.conv_transpose2d(signal, weight, null, strides: [sy, sx], groups: groups);
        using var actual = PolyphaseTransposedConv.Apply(signal, weight, sy, sx, groups);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.allclose(actual, 1e-12, 1e-12), $"max difference {(expected - actual).abs().max().item<double>()}");
    }

    /// <summary>
    /// In float32, through the numerics guard's convolution route (the one the deconvnet uses on this machine), against
    /// the float64 transposed convolution: the relative error stays at float rounding.
    /// </summary>
    [Theory]
    [InlineData(96, 3, 7, 2, 30, 1)]   // zfnet conv1
    [InlineData(384, 256, 3, 1, 13, 1)] // zfnet conv3
    [InlineData(384, 192, 3, 1, 13, 2)] // alexnet conv4 (2 groups)
    [InlineData(40, 70, 3, 1, 9, 1)]    // odd what-if channel counts
    public void Float32AgreesWithTheFloat64Reference(int signalMaps, int resultMaps, int k, int stride, int size, int groups)
    {
        var g = new Generator(3);
        using var signal64 = randn([4, signalMaps, size, size], ScalarType.Float64, generator: g);
        using var weight64 = randn([signalMaps, resultMaps / groups, k, k], ScalarType.Float64, generator: g);
        using var expected = nn.functional.conv_transpose2d(signal64, weight64, null, strides: [stride, stride], groups: groups);
        using var signal = signal64.to_type(ScalarType.Float32);
        using var weight = weight64.to_type(ScalarType.Float32);
        using var actual = PolyphaseTransposedConv.Apply(signal, weight, stride, stride, groups);
        using var error = (actual.to_type(ScalarType.Float64) - expected).norm() / expected.norm();
        Assert.True(error.item<double>() < 1e-5, $"relative error {error.item<double>()}");
    }

    [Fact]
    public void ServesStrideOneAndStridedReversesDownToFewMaps()
    {
        using var conv1 = zeros(96, 3, 7, 7);
        using var conv2 = zeros(256, 96, 5, 5);
        using var conv3 = zeros(384, 256, 3, 3);
        using var grouped = zeros(256, 48, 5, 5);
        Assert.True(PolyphaseTransposedConv.Serves(conv1, 2, 2, 1));
        Assert.True(PolyphaseTransposedConv.Serves(conv3, 1, 1, 1));
        Assert.True(PolyphaseTransposedConv.Serves(grouped, 1, 1, 2));
        Assert.False(PolyphaseTransposedConv.Serves(conv2, 2, 2, 1)); // many result maps: the zero taps cost more
        Assert.False(PolyphaseTransposedConv.Serves(grouped, 2, 2, 2));
    }

    [Fact]
    public void RejectsASignalWhoseMapsDoNotMatchTheFilters()
    {
        using var signal = zeros(1, 5, 4, 4);
        using var weight = zeros(6, 3, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => PolyphaseTransposedConv.Apply(signal, weight, 2, 2));
        Assert.Contains("[1,5,4,4]", e.Message);
        using var matching = zeros(1, 6, 4, 4);
        Assert.Throws<ArgumentException>(() => PolyphaseTransposedConv.Apply(matching, weight, 1, 1, groups: 4)); // 6 filters, 4 groups
    }
}
