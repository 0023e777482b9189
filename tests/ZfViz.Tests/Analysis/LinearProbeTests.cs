using ZfViz.Analysis;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

// Runs alone with the other tests that share torch state (see SharedTorchState).
[Collection(nameof(SharedTorchState))]
public class LinearProbeTests
{
    static (Tensor X, Tensor Y) Blobs(int perClass, int classes, int dims, double spread, long seed)
    {
        var g = new Generator((ulong)seed);
        var centres = randn(classes, dims, generator: g, dtype: ScalarType.Float64) * 3;
        var y = arange(classes, dtype: ScalarType.Int64).repeat_interleave(perClass);
        var x = centres.index_select(0, y) + randn(classes * perClass, dims, generator: g, dtype: ScalarType.Float64) * spread;
        return (x.to_type(ScalarType.Float32), y);
    }

    [Fact]
    public void FitReachesTheMinimumOfTheStatedObjective()
    {
        // Independent check of optimality: the gradient of mean cross-entropy + (λ/2)|W|², written out by hand in
        // float64 on the standardised features, vanishes at the fitted weights.
        var (x, y) = Blobs(20, 3, 5, spread: 2.5, seed: 1);
        const double decay = 0.01;
        using var probe = LinearProbe.Fit(x, y, 3, decay);
        var z = (x.to_type(ScalarType.Float64) - x.to_type(ScalarType.Float64).mean([0])) / x.to_type(ScalarType.Float64).std(0, unbiased: false);
        var p = nn.functional.softmax(z.matmul(probe.Weight) + probe.Bias, 1);
        var onehot = nn.functional.one_hot(y, 3).to_type(ScalarType.Float64);
        var gW = z.t().matmul(p - onehot) / x.shape[0] + decay * probe.Weight;
        var gB = (p - onehot).mean([0]);
        Assert.True(gW.abs().max().item<double>() < 1e-6, $"dW = {gW.abs().max().item<double>()}");
        Assert.True(gB.abs().max().item<double>() < 1e-6, $"db = {gB.abs().max().item<double>()}");
        Assert.True(probe.GradientNorm < 1e-6);
        // the stated loss, by hand
        double ce = -(onehot * p.log()).sum(1).mean().item<double>() + 0.5 * decay * probe.Weight.pow(2).sum().item<double>();
        Assert.Equal(ce, probe.FinalLoss, 9);
    }

    [Fact]
    public void SeparatesSeparableClassesAndScoresNewData()
    {
        var (x, y) = Blobs(15, 4, 8, spread: 0.3, seed: 2);
        using var probe = LinearProbe.Fit(x, y, 4);
        Assert.Equal(1.0, probe.Accuracy(x, y));
        var (x2, y2) = Blobs(10, 4, 8, spread: 0.3, seed: 2); // same centres, new draws after the first set's
        Assert.Equal(1.0, probe.Accuracy(x2, y2), 1);
        Assert.Equal([40, 4], probe.Scores(x2).shape);
    }

    [Fact]
    public void AConstantFeatureDoesNotBreakStandardisationAndBadInputIsRejected()
    {
        var (x, y) = Blobs(10, 2, 3, spread: 0.5, seed: 3);
        var withConstant = cat([x, ones(x.shape[0], 1)], 1);
        using var probe = LinearProbe.Fit(withConstant, y, 2);
        Assert.True(probe.Accuracy(withConstant, y) > 0.9);
        Assert.Throws<ArgumentException>(() => LinearProbe.Fit(x[0], y, 2));
        Assert.Throws<ArgumentException>(() => LinearProbe.Fit(x, y[..5], 2));
        Assert.Throws<ArgumentException>(() => LinearProbe.Fit(x, y + 5, 2));
        Assert.Throws<ArgumentException>(() => LinearProbe.Fit(x, y, 1));
        Assert.Throws<ArgumentException>(() => probe.Scores(x));
    }
}
