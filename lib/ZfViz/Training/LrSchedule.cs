namespace ZfViz.Training;

/// <summary>How the learning rate is annealed (the paper anneals "by hand" when validation error plateaus).</summary>
public enum LrScheduleKind
{
    /// <summary>Multiply by <see cref="LrSchedule.Gamma"/> at fixed fractions of the run (default 50% and 75%).</summary>
    Step,
    /// <summary>Multiply by Gamma when validation top-1 error has not improved for Patience epochs (automated "by hand").</summary>
    Plateau,
    Constant,
    /// <summary>Half a cosine from the base rate at the start to zero after the last epoch (smooth annealing for short runs).</summary>
    Cosine,
}

/// <param name="Milestones">Step schedule: fractions of the total epochs after which the rate drops.</param>
public sealed record LrSchedule(LrScheduleKind Kind = LrScheduleKind.Step, double Gamma = 0.1, int Patience = 2, IReadOnlyList<double>? Milestones = null)
{
    public IReadOnlyList<double> StepFractions => Milestones ?? [0.5, 0.75];

    public static LrSchedule Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "step" => new LrSchedule(LrScheduleKind.Step),
        "plateau" => new LrSchedule(LrScheduleKind.Plateau),
        "constant" => new LrSchedule(LrScheduleKind.Constant),
        "cosine" => new LrSchedule(LrScheduleKind.Cosine),
        _ => throw new UserInputException($"Unknown schedule '{name}'. Use step, plateau, constant or cosine."),
    };
}
