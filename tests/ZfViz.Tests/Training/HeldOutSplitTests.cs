using ZfViz.Data;
using ZfViz.Training;

namespace ZfViz.Tests.Training;

public class HeldOutSplitTests
{
    // 3 classes of 40 images, labels interleaved like a real data set's.
    static readonly long[] Labels = Enumerable.Range(0, 120).Select(i => (long)((i * 7) % 3)).ToArray();

    [Fact]
    public void HeldOutImagesComeFromTheTrainingImagesOnlyAndNeverFromTheTestImages()
    {
        var protocol = ClassBalancedSampler.Sample(Labels, trainPerClass: 10, testPerClass: 20, seed: 1);
        var split = HeldOutSplit.Stratified(protocol.Train, Labels, fraction: 0.2, seed: 1);

        Assert.Empty(split.HeldOut.Intersect(protocol.Test));
        Assert.Empty(split.Fit.Intersect(protocol.Test));
        Assert.Empty(split.Fit.Intersect(split.HeldOut));
        Assert.Equal(protocol.Train.OrderBy(i => i), split.Fit.Concat(split.HeldOut).OrderBy(i => i));
    }

    [Fact]
    public void EveryClassGivesTheSameShareAtLeastOneAndKeepsAtLeastOne()
    {
        var ten = ClassBalancedSampler.Sample(Labels, 10, 0, seed: 1).Train;
        var split = HeldOutSplit.Stratified(ten, Labels, 0.2, seed: 1);
        // round(0.2 x 10) = 2 of each class's 10.
        Assert.All(split.HeldOut.GroupBy(i => Labels[i]), g => Assert.Equal(2, g.Count()));
        Assert.Equal(3, split.HeldOut.Select(i => Labels[i]).Distinct().Count());

        var two = ClassBalancedSampler.Sample(Labels, 2, 0, seed: 1).Train;
        var tiny = HeldOutSplit.Stratified(two, Labels, 0.2, seed: 1);
        // round(0.4) = 0 is raised to one held out, and one image of each class is still fitted.
        Assert.All(tiny.HeldOut.GroupBy(i => Labels[i]), g => Assert.Single(g));
        Assert.All(tiny.Fit.GroupBy(i => Labels[i]), g => Assert.Single(g));

        var one = ClassBalancedSampler.Sample(Labels, 1, 0, seed: 1).Train;
        Assert.Throws<UserInputException>(() => HeldOutSplit.Stratified(one, Labels, 0.2, seed: 1));
    }

    [Fact]
    public void TheSplitIsFixedByItsSeed()
    {
        var train = ClassBalancedSampler.Sample(Labels, 20, 0, seed: 1).Train;
        var a = HeldOutSplit.Stratified(train, Labels, 0.25, seed: 5);
        var b = HeldOutSplit.Stratified(train, Labels, 0.25, seed: 5);
        var c = HeldOutSplit.Stratified(train, Labels, 0.25, seed: 6);
        Assert.Equal(a.HeldOut, b.HeldOut);
        Assert.Equal(a.Fit, b.Fit);
        Assert.NotEqual(a.HeldOut, c.HeldOut);
    }
}
