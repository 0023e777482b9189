namespace ZfViz.Training;

/// <summary>The learning-rate state of one run; plain numbers so a checkpoint can carry it.</summary>
public sealed class LrScheduler
{
    readonly LrSchedule schedule;
    readonly double baseRate;
    readonly int epochs;

    public double Rate { get; private set; }
    public double BestError { get; private set; } = double.PositiveInfinity;
    public int BadEpochs { get; private set; }

    public LrScheduler(LrSchedule schedule, double baseRate, int epochs)
    {
        this.schedule = schedule; this.baseRate = baseRate; this.epochs = epochs;
        Rate = baseRate;
    }

    /// <summary>Called after epoch <paramref name="epoch"/> (1-based) with that epoch's validation top-1 error; sets the rate for the next epoch.</summary>
    public void EndEpoch(int epoch, double validationError)
    {
        switch (schedule.Kind)
        {
            case LrScheduleKind.Step:
                int drops = schedule.StepFractions.Count(f => epoch >= (int)Math.Round(f * epochs) && Math.Round(f * epochs) >= 1);
                Rate = baseRate * Math.Pow(schedule.Gamma, drops);
                break;
            case LrScheduleKind.Plateau:
                if (validationError < BestError - 1e-9) { BestError = validationError; BadEpochs = 0; }
                else if (++BadEpochs >= schedule.Patience) { Rate *= schedule.Gamma; BadEpochs = 0; }
                break;
            case LrScheduleKind.Cosine:
                Rate = baseRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(epoch, epochs) / epochs));
                break;
        }
    }

    public Dictionary<string, string> ToMetadata() => new()
    {
        ["lr"] = Rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["lr_best_error"] = BestError.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["lr_bad_epochs"] = BadEpochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public void Restore(IReadOnlyDictionary<string, string> meta)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        Rate = double.Parse(meta["lr"], c);
        BestError = double.Parse(meta["lr_best_error"], c);
        BadEpochs = int.Parse(meta["lr_bad_epochs"], c);
    }
}
