using ZfViz.Attribution;

namespace ZfViz.Tests.Attribution;

public class RankCorrelationTests
{
    [Fact]
    public void RanksShareTheAverageRankOfTies() =>
        Assert.Equal([1, 4, 2.5, 2.5], RankCorrelation.Ranks([10, 30, 20, 20]));

    [Fact]
    public void MatchesTheTextbookFormulaWithoutTies()
    {
        // ranks [1,2,3,4] against [1,3,2,4]: sum d^2 = 2, rho = 1 - 6*2 / (4*(16-1)) = 0.8
        Assert.Equal(0.8, RankCorrelation.Spearman([10, 20, 30, 40], [1, 3, 2, 4]), 12);
        // any increasing transformation keeps the ranking; reversing it gives -1
        Assert.Equal(1.0, RankCorrelation.Spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 25]), 12);
        Assert.Equal(-1.0, RankCorrelation.Spearman([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), 12);
    }

    [Fact]
    public void IsPearsonOfAverageRanksWithTies()
    {
        // b = [5,6,7,8,7] ranks [1,2,3.5,5,3.5]; against [1..5]: deviations [-2,-1,0,1,2] and [-2,-1,0.5,2,0.5],
        // sum of products 8, sums of squares 10 and 9.5: rho = 8 / sqrt(95)
        Assert.Equal(8 / Math.Sqrt(95), RankCorrelation.Spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 12);
    }

    [Fact]
    public void IsNaNForAConstantMapAndRefusesDifferentLengths()
    {
        Assert.True(double.IsNaN(RankCorrelation.Spearman([1, 2, 3], [0, 0, 0])));
        Assert.Throws<ArgumentException>(() => RankCorrelation.Spearman([1, 2], [1, 2, 3]));
    }
}
