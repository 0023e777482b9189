namespace ZfViz.Analysis;

/// <summary>
/// Limited-memory BFGS (Nocedal &amp; Wright, Numerical Optimization, Alg. 7.4 and 7.5) with a backtracking Armijo
/// line search, on a plain <c>double[]</c>. The objective computes its value and gradient however it likes (the linear
/// probe uses autograd); the optimiser's own arithmetic stays in managed code. That is why it exists: TorchSharp's
/// <c>optim.LBFGS</c> makes temporary Scalars in its inner loop, which the GC's finalizer can free while libtorch
/// still reads them (a test host aborted in it), and here there are none.
/// </summary>
public static class Lbfgs
{
    /// <summary>Where the minimisation stopped and why.</summary>
    public sealed record Result(double[] X, double Value, double GradientMax, int Iterations, string Stop);

    /// <summary>
    /// Minimises <paramref name="objective"/> from <paramref name="start"/>. Stops when the largest gradient entry is
    /// at most <paramref name="gradientTolerance"/>, when the value changes by less than
    /// <paramref name="valueTolerance"/> (relative to its size), or after <paramref name="maxIterations"/>.
    /// </summary>
    public static Result Minimize(Func<double[], (double Value, double[] Gradient)> objective, double[] start,
        int maxIterations = 500, int history = 20, double gradientTolerance = 1e-9, double valueTolerance = 1e-14)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(start);
        if (maxIterations < 1) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "must be at least 1");
        if (history < 1) throw new ArgumentOutOfRangeException(nameof(history), history, "must be at least 1");
        int n = start.Length;
        var x = (double[])start.Clone();
        var (f, g) = Evaluate(objective, x);
        var s = new List<double[]>();
        var y = new List<double[]>();
        var rho = new List<double>();
        var direction = new double[n];
        for (int iteration = 1; ; iteration++)
        {
            double gMax = MaxAbs(g);
            if (gMax <= gradientTolerance) return new Result(x, f, gMax, iteration - 1, "gradient");
            if (iteration > maxIterations) return new Result(x, f, gMax, iteration - 1, "iterations");

            TwoLoopDirection(g, s, y, rho, direction);
            double slope = Dot(g, direction);
            if (slope >= 0)
            {
                // Not a descent direction (curvature history gone stale): restart from steepest descent.
                s.Clear(); y.Clear(); rho.Clear();
                for (int i = 0; i < n; i++) direction[i] = -g[i];
                slope = -Dot(g, g);
            }
            // The first step has no curvature estimate: scale it to unit length, as PyTorch's LBFGS does.
            double step = s.Count == 0 ? Math.Min(1.0, 1.0 / Math.Max(SumAbs(g), 1e-300)) : 1.0;
            var (xNew, fNew, gNew) = Backtrack(objective, x, f, direction, slope, step);
            if (xNew is null) return new Result(x, f, gMax, iteration, "line search");

            var sk = new double[n];
            var yk = new double[n];
            for (int i = 0; i < n; i++) { sk[i] = xNew[i] - x[i]; yk[i] = gNew![i] - g[i]; }
            double sy = Dot(sk, yk);
            if (sy > 1e-12 * Math.Sqrt(Dot(sk, sk) * Dot(yk, yk)))
            {
                if (s.Count == history) { s.RemoveAt(0); y.RemoveAt(0); rho.RemoveAt(0); }
                s.Add(sk); y.Add(yk); rho.Add(1.0 / sy);
            }
            double change = Math.Abs(f - fNew);
            x = xNew; f = fNew; g = gNew!;
            if (change <= valueTolerance * Math.Max(1.0, Math.Abs(f)))
                return new Result(x, f, MaxAbs(g), iteration, "value");
        }
    }

    /// <summary>Direction = -H·g, with H the L-BFGS inverse-Hessian estimate from the stored pairs.</summary>
    static void TwoLoopDirection(double[] g, List<double[]> s, List<double[]> y, List<double> rho, double[] direction)
    {
        int n = g.Length, m = s.Count;
        var q = (double[])g.Clone();
        var alpha = new double[m];
        for (int k = m - 1; k >= 0; k--)
        {
            alpha[k] = rho[k] * Dot(s[k], q);
            Axpy(-alpha[k], y[k], q);
        }
        double gamma = m == 0 ? 1.0 : Dot(s[m - 1], y[m - 1]) / Dot(y[m - 1], y[m - 1]);
        for (int i = 0; i < n; i++) q[i] *= gamma;
        for (int k = 0; k < m; k++)
        {
            double beta = rho[k] * Dot(y[k], q);
            Axpy(alpha[k] - beta, s[k], q);
        }
        for (int i = 0; i < n; i++) direction[i] = -q[i];
    }

    /// <summary>Halves the step until the Armijo condition f(x + t·d) ≤ f(x) + 1e-4·t·slope holds.</summary>
    static (double[]? X, double F, double[]? G) Backtrack(Func<double[], (double, double[])> objective, double[] x, double f,
        double[] direction, double slope, double step)
    {
        var trial = new double[x.Length];
        for (int attempt = 0; attempt < 60; attempt++, step *= 0.5)
        {
            for (int i = 0; i < x.Length; i++) trial[i] = x[i] + step * direction[i];
            var (ft, gt) = Evaluate(objective, trial);
            if (double.IsFinite(ft) && ft <= f + 1e-4 * step * slope) return (trial, ft, gt);
        }
        return (null, f, null);
    }

    static (double, double[]) Evaluate(Func<double[], (double, double[])> objective, double[] x)
    {
        var (value, gradient) = objective(x);
        if (gradient.Length != x.Length)
            throw new InvalidOperationException($"the objective's gradient has {gradient.Length} entries for {x.Length} unknowns");
        return (value, gradient);
    }

    static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < y.Length; i++) y[i] += a * x[i];
    }

    static double MaxAbs(double[] a)
    {
        double max = 0;
        foreach (var v in a) max = Math.Max(max, Math.Abs(v));
        return max;
    }

    static double SumAbs(double[] a)
    {
        double sum = 0;
        foreach (var v in a) sum += Math.Abs(v);
        return sum;
    }
}
