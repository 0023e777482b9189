using ZfViz.Training;

namespace ZfViz.Tests.Training;

public class EarlyStoppingTests
{
    static EpochMetrics Epoch(int epoch, double? heldOutError, double? heldOutLoss) =>
        new(epoch, 0.01, TrainLoss: 1, TrainTop1Error: 0.5, TrainTop5Error: 0.1, heldOutLoss, heldOutError, 0.1, 1, 100, 0);

    [Fact]
    public void PicksTheEpochWithTheLowestHeldOutErrorNotTheLast()
    {
        // A hand-made curve that improves, peaks at epoch 4 and then overfits.
        double[] errors = [0.9, 0.7, 0.55, 0.40, 0.45, 0.50, 0.60];
        var curve = errors.Select((e, i) => Epoch(i + 1, e, 2 - 0.1 * i)).ToList();
        Assert.Equal(4, EarlyStopping.BestEpoch(curve));
    }

    [Fact]
    public void TiesGoToTheLowerHeldOutLossThenToTheEarlierEpoch()
    {
        Assert.Equal(3, EarlyStopping.BestEpoch([Epoch(1, 0.5, 1.4), Epoch(2, 0.3, 1.2), Epoch(3, 0.3, 1.1), Epoch(4, 0.3, 1.3)]));
        Assert.Equal(2, EarlyStopping.BestEpoch([Epoch(1, 0.5, 1.4), Epoch(2, 0.3, 1.1), Epoch(3, 0.3, 1.1)]));
    }

    [Fact]
    public void ACurveWithoutHeldOutFiguresIsRefused()
    {
        Assert.Throws<ArgumentException>(() => EarlyStopping.BestEpoch([Epoch(1, null, null)]));
        Assert.Throws<ArgumentException>(() => EarlyStopping.BestEpoch([]));
    }
}
