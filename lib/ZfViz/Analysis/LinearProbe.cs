using TorchSharp;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Analysis;

/// <summary>
/// A softmax (multinomial logistic regression) classifier on fixed features: the paper's "new softmax on top of
/// layers 1..n" of Sec. 5.2-5.3. Fitting minimises mean cross-entropy + (weight decay / 2)·|W|² over standardised
/// features (each dimension scaled by the training set's mean and standard deviation) with L-BFGS (<see cref="Lbfgs"/>), full batch, in
/// float64, so the result is the objective's unique minimum rather than wherever a fixed number of SGD steps stops.
/// </summary>
public sealed class LinearProbe : IDisposable
{
    LinearProbe(Tensor mean, Tensor scale, Tensor weight, Tensor bias, double finalLoss, double gradientNorm)
    {
        Mean = mean;
        Scale = scale;
        Weight = weight;
        Bias = bias;
        FinalLoss = finalLoss;
        GradientNorm = gradientNorm;
    }

    /// <summary>Training features' per-dimension mean [D] and 1/std [D] (1 where the std is zero).</summary>
    public Tensor Mean { get; }
    public Tensor Scale { get; }
    /// <summary>[D, classes] and [classes], for standardised features.</summary>
    public Tensor Weight { get; }
    public Tensor Bias { get; }
    /// <summary>The objective at the end, and the largest absolute entry of its gradient (near 0 at the minimum).</summary>
    public double FinalLoss { get; }
    public double GradientNorm { get; }

    /// <summary>Fits on <paramref name="features"/> [N,D] with integer <paramref name="labels"/> [N] in 0..classes-1.</summary>
    public static LinearProbe Fit(Tensor features, Tensor labels, int classes, double weightDecay = 1e-3, int maxIterations = 500)
    {
        if (features.dim() != 2) throw new ArgumentException($"features must be [N,D]; got [{string.Join(",", features.shape)}].", nameof(features));
        if (labels.dim() != 1 || labels.shape[0] != features.shape[0])
            throw new ArgumentException($"labels must be [N] with N = {features.shape[0]}; got [{string.Join(",", labels.shape)}].", nameof(labels));
        if (classes < 2) throw new ArgumentException($"classes must be at least 2; got {classes}.", nameof(classes));
        if (weightDecay < 0) throw new ArgumentException($"weight decay must be >= 0; got {weightDecay}.", nameof(weightDecay));
        using var scope = NewDisposeScope();
        var y = labels.to(CPU).to_type(ScalarType.Int64);
        if (y.numel() > 0 && (y.min().item<long>() < 0 || y.max().item<long>() >= classes))
            throw new ArgumentException($"labels must lie in 0..{classes - 1}.", nameof(labels));
        var x = features.detach().to(CPU).to_type(ScalarType.Float64);
        var mean = x.mean([0]);
        var std = x.std(0, unbiased: false);
        using var tiny = 1e-12.ToScalar();
        using var halfDecay = (0.5 * weightDecay).ToScalar();
        var scale = where(std.gt(tiny), std.reciprocal(), ones_like(std));
        var z = (x - mean) * scale;
        long d = z.shape[1];
        long weights = d * classes;
        // The objective and its gradient come from autograd; the optimiser itself (Lbfgs) runs in managed code.
        (double, double[]) Objective(double[] point)
        {
            using var inner = NewDisposeScope();
            var theta = tensor(point, dtype: ScalarType.Float64).requires_grad_(true);
            var w = theta.narrow(0, 0, weights).view(d, classes);
            var b = theta.narrow(0, weights, classes);
            var loss = nn.functional.cross_entropy(z.matmul(w).add(b, HeldScalars.One), y)
                .add(w.pow(HeldScalars.Two).sum().mul(halfDecay), HeldScalars.One);
            loss.backward();
            return (loss.item<double>(), theta.grad!.data<double>().ToArray());
        }
        var fit = Lbfgs.Minimize(Objective, new double[weights + classes], maxIterations);
        var all = tensor(fit.X, dtype: ScalarType.Float64);
        var weight = all.narrow(0, 0, weights).view(d, classes).clone();
        var bias = all.narrow(0, weights, classes).clone();
        return new LinearProbe(mean.MoveToOuterDisposeScope(), scale.MoveToOuterDisposeScope(),
            weight.MoveToOuterDisposeScope(), bias.MoveToOuterDisposeScope(), fit.Value, fit.GradientMax);
    }

    /// <summary>Class scores (logits) [N, classes] for features [N,D].</summary>
    public Tensor Scores(Tensor features)
    {
        if (features.dim() != 2 || features.shape[1] != Weight.shape[0])
            throw new ArgumentException($"features must be [N,{Weight.shape[0]}]; got [{string.Join(",", features.shape)}].", nameof(features));
        using var scope = NewDisposeScope();
        var z = (features.detach().to(CPU).to_type(ScalarType.Float64) - Mean) * Scale;
        return z.matmul(Weight).add(Bias, HeldScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>Fraction of <paramref name="features"/> whose highest score is their label.</summary>
    public double Accuracy(Tensor features, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return Scores(features).argmax(1).eq(labels.to(CPU).to_type(ScalarType.Int64)).to_type(ScalarType.Float64).mean().item<double>();
    }

    public void Dispose()
    {
        Mean.Dispose();
        Scale.Dispose();
        Weight.Dispose();
        Bias.Dispose();
    }
}
