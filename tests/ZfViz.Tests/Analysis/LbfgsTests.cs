using ZfViz.Analysis;

namespace ZfViz.Tests.Analysis;

public class LbfgsTests
{
    [Fact]
    public void FindsTheMinimumOfAQuadraticSolvedByHand()
    {
        // f(x) = ½ xᵀAx − bᵀx with A = [[4,1,0],[1,3,1],[0,1,2]], b = [1,2,3]. The minimum solves Ax = b. By hand:
        // y = 1 − 4x and z = (3 − y)/2 = 1 + 2x from rows 1 and 3; row 2 gives −9x + 4 = 2, so x = 2/9, y = 1/9, z = 13/9.
        double[,] a = { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } };
        double[] b = { 1, 2, 3 };
        (double, double[]) F(double[] x)
        {
            var ax = new double[3];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) ax[i] += a[i, j] * x[j];
            double value = 0;
            for (int i = 0; i < 3; i++) value += 0.5 * x[i] * ax[i] - b[i] * x[i];
            return (value, ax.Select((v, i) => v - b[i]).ToArray());
        }
        var result = Lbfgs.Minimize(F, new double[3]);
        double[] expected = { 2.0 / 9, 1.0 / 9, 13.0 / 9 };
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], result.X[i], 8);
        Assert.True(result.GradientMax < 1e-7, $"stopped on {result.Stop} with gradient {result.GradientMax}");
    }

    [Fact]
    public void FindsTheMinimumOfRosenbrocksValley()
    {
        // f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1); steepest descent crawls here, L-BFGS does not.
        (double, double[]) F(double[] p)
        {
            double x = p[0], y = p[1];
            return ((1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x),
                new[] { -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x) });
        }
        var result = Lbfgs.Minimize(F, new[] { -1.2, 1.0 }, maxIterations: 200);
        Assert.Equal(1.0, result.X[0], 6);
        Assert.Equal(1.0, result.X[1], 6);
        Assert.True(result.Iterations < 100, $"{result.Iterations} iterations");
    }

    [Fact]
    public void StopsAtTheIterationLimitAndRejectsAWrongGradientLength()
    {
        (double, double[]) Bowl(double[] x) => (x.Sum(v => v * v), x.Select(v => 2 * v).ToArray());
        var capped = Lbfgs.Minimize(Bowl, Enumerable.Range(1, 50).Select(i => (double)i).ToArray(), maxIterations: 1);
        Assert.Equal("iterations", capped.Stop);
        Assert.Equal(1, capped.Iterations);
        Assert.Throws<InvalidOperationException>(() => Lbfgs.Minimize(_ => (0, new double[1]), new double[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Lbfgs.Minimize(Bowl, new double[2], maxIterations: 0));
    }
}
