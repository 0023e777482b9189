using ZfViz.Analysis;

namespace ZfViz.Tests.Analysis;

/// <summary>The helpers that decide a notebook's reading, against hand-computed values.</summary>
public class ReadingHelpersTests
{
    /// <summary>
    /// A 3x3 grid over a 10x10 image, square 4, stride 3: tops/lefts 0, 3, 6; centres 1.5, 4.5, 7.5; the image centre
    /// is 4.5, so the centre cell is (1,1); every cell but (1,1) touches the border (6 + 4 = 10).
    /// </summary>
    static OcclusionResult Grid(OcclusionClassifier? classifier) => new()
    {
        ImageHeight = 10, ImageWidth = 10, Size = 4, Stride = 3, Tops = [0, 3, 6], Lefts = [0, 3, 6], Layer = "conv5", Feature = 1,
        MapTotals = [1f, 10f], MapPeaks = [1f, 2f],
        Activation = new float[,] { { 9, 8, 9 }, { 7, 2, 9 }, { 9, 9, 9 } },
        Classifier = classifier,
    };

    static OcclusionClassifier Classifier() => new(1, [0.2f, 0.8f],
        new float[,] { { 0.8f, 0.7f, 0.8f }, { 0.6f, 0.1f, 0.8f }, { 0.8f, 0.8f, 0.4f } },
        new[,] { { 1, 1, 1 }, { 1, 0, 1 }, { 1, 1, 0 } }, new float[,] { { 0.8f, 0.7f, 0.8f }, { 0.6f, 0.9f, 0.8f }, { 0.8f, 0.8f, 0.6f } });

    [Fact]
    public void CentreBorderAndLowestCellsAreThoseComputedByHand()
    {
        var r = Grid(Classifier());
        Assert.Equal((1, 1), r.CentreCell);
        Assert.Equal([(0, 0), (0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1), (2, 2)], r.BorderCells);
        Assert.Equal((1, 1), OcclusionResult.LowestCell(r.Activation));
        Assert.Equal((1, 1), OcclusionResult.LowestCell(r.Classifier!.Probability));
        // Ties: the first in row-major order.
        Assert.Equal((0, 1), OcclusionResult.LowestCell(new float[,] { { 3, 1, 1 }, { 1, 2, 2 } }));
        Assert.Equal(0.8f, r.Classifier.BaseProbability);
        Assert.Equal(1, r.Classifier.BaseTopClass);
    }

    [Fact]
    public void CentreVsBorderIsTheHandAverage()
    {
        var m = OcclusionCentreBorder.Of(Grid(Classifier()));
        Assert.Equal(0.8, m.BaseProbability, 6);
        Assert.Equal(0.1, m.CentreProbability, 6);
        // Border p: 0.8 + 0.7 + 0.8 + 0.6 + 0.8 + 0.8 + 0.8 + 0.4 = 5.7 over 8.
        Assert.Equal(5.7 / 8, m.BorderProbability, 6);
        // Map 1's unoccluded total is 10: centre 2 / 10; border (9+8+9+7+9+9+9+9) / 8 / 10.
        Assert.Equal(0.2, m.ActivationCentre, 6);
        Assert.Equal(69.0 / 80, m.ActivationBorder, 6);

        var noClassifier = OcclusionCentreBorder.Of(Grid(null));
        Assert.True(double.IsNaN(noClassifier.BaseProbability) && double.IsNaN(noClassifier.CentreProbability) && double.IsNaN(noClassifier.BorderProbability));
        Assert.Equal(0.2, noClassifier.ActivationCentre, 6);
    }

    [Theory]
    [InlineData(0.30, CentreDrop.Clear)]
    [InlineData(0.0501, CentreDrop.Clear)]
    [InlineData(0.05, CentreDrop.Slight)]
    [InlineData(0.0101, CentreDrop.Slight)]
    [InlineData(0.01, CentreDrop.None)]
    [InlineData(0.0, CentreDrop.None)]
    [InlineData(-0.0099, CentreDrop.None)]
    [InlineData(-0.01, CentreDrop.Reversed)]
    [InlineData(-0.2, CentreDrop.Reversed)]
    public void CentreDropVerdictHasItsThresholds(double drop, CentreDrop expected) =>
        Assert.Equal(expected, OcclusionCentreBorder.Verdict(drop));

    [Theory]
    [InlineData(0.328, 0.304, PaperComparison.ErrorMargin, Agreement.AsPaper)]
    [InlineData(0.304, 0.328, PaperComparison.ErrorMargin, Agreement.UnlikePaper)]
    [InlineData(0.310, 0.304, PaperComparison.ErrorMargin, Agreement.Same)]
    [InlineData(0.33, 0.32, 0.03, Agreement.Same)]
    [InlineData(0.36, 0.32, 0.03, Agreement.AsPaper)]
    [InlineData(0.405, 0.410, PaperComparison.AliasingMargin, Agreement.Same)]
    [InlineData(0.5, 0.5, 0, Agreement.Same)]
    public void CompareDecidesOnlyBeyondTheMargin(double paperLarger, double paperSmaller, double margin, Agreement expected) =>
        Assert.Equal(expected, PaperComparison.Compare(paperLarger, paperSmaller, margin));

    [Fact]
    public void ConvergenceAndEnsembleRules()
    {
        Assert.True(PaperComparison.FarFromConverged(0.61));
        Assert.False(PaperComparison.FarFromConverged(0.45));
        Assert.False(PaperComparison.FarFromConverged(0.30));
        Assert.True(PaperComparison.EnsembleWins(0.284, [0.304, 0.295]));
        Assert.False(PaperComparison.EnsembleWins(0.295, [0.304, 0.295]));
        Assert.Throws<ArgumentException>(() => PaperComparison.EnsembleWins(0.3, []));
        Assert.Throws<ArgumentException>(() => PaperComparison.Compare(1, 0, -1));
    }
}
