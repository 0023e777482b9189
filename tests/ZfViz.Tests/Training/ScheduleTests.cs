using ZfViz.Training;

namespace ZfViz.Tests.Training;

public class ScheduleTests
{
    [Fact]
    public void CheckpointEpochsScaleThePapersFromSeventy()
    {
        // ceil(e * 10 / 70) for e in 1, 2, 5, 10, 20, 30, 40, 64 -> 1, 1, 1, 2, 3, 5, 6, 10 (+ last epoch 10).
        Assert.Equal([1, 2, 3, 5, 6, 10], CheckpointSchedule.Scaled(10));
        Assert.Equal([1, 2, 5, 10, 20, 30, 40, 64, 70], CheckpointSchedule.Scaled(70));
        Assert.Equal([1, 2, 3], CheckpointSchedule.Scaled(3));
        Assert.Equal([1, 5, 10], CheckpointSchedule.Parse("10, 1,5,5"));
        Assert.Throws<UserInputException>(() => CheckpointSchedule.Parse("1,x"));
    }

    [Fact]
    public void StepScheduleDropsTenfoldAtHalfAndThreeQuarters()
    {
        var s = new LrScheduler(new LrSchedule(LrScheduleKind.Step), 0.01, epochs: 8);
        var rates = new List<double>();
        for (int e = 1; e <= 8; e++) { rates.Add(s.Rate); s.EndEpoch(e, 0.5); }
        Assert.Equal([0.01, 0.01, 0.01, 0.01, 0.001, 0.001, 0.0001, 0.0001], rates.Select(r => Math.Round(r, 10)));
    }

    [Fact]
    public void PlateauScheduleDropsAfterPatienceEpochsWithoutImprovement()
    {
        var s = new LrScheduler(new LrSchedule(LrScheduleKind.Plateau, Patience: 2), 0.01, epochs: 10);
        s.EndEpoch(1, 0.5); s.EndEpoch(2, 0.4); s.EndEpoch(3, 0.41);
        Assert.Equal(0.01, s.Rate, 12);
        s.EndEpoch(4, 0.40);
        Assert.Equal(0.001, s.Rate, 12);
        var copy = new LrScheduler(new LrSchedule(LrScheduleKind.Plateau, Patience: 2), 0.01, epochs: 10);
        copy.Restore(s.ToMetadata());
        Assert.Equal((s.Rate, s.BestError, s.BadEpochs), (copy.Rate, copy.BestError, copy.BadEpochs));
    }

    [Fact]
    public void CosineScheduleFollowsHalfACosineToZero()
    {
        var s = new LrScheduler(new LrSchedule(LrScheduleKind.Cosine), 0.1, epochs: 4);
        var rates = new List<double>();
        for (int e = 1; e <= 4; e++) { rates.Add(s.Rate); s.EndEpoch(e, 0.5); }
        // 0.1 x (1 + cos(pi e / 4)) / 2 for e = 0..3: 0.1, 0.0854, 0.05, 0.0146; then 0 after the last epoch.
        Assert.Equal([0.1, 0.0853553, 0.05, 0.0146447], rates.Select(r => Math.Round(r, 7)));
        Assert.Equal(0, s.Rate, 12);
        Assert.Equal(LrScheduleKind.Cosine, LrSchedule.Parse("Cosine").Kind);
    }
}
