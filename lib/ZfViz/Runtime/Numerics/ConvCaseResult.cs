namespace ZfViz.Runtime.Numerics;

/// <summary>Worst relative errors against float64 of one <see cref="ConvCase"/> (infinity: NaN or Inf came out).</summary>
public sealed record ConvCaseResult(string Case, double Forward, double InputGradient, double WeightGradient, double Transposed, bool Pass,
    int Batch = 0)
{
    public double Worst => new[] { Forward, InputGradient, WeightGradient, Transposed }.Max();

    /// <summary>Which quantity is worst, e.g. "input gradient 0.27".</summary>
    public string WorstPart()
    {
        var parts = new[] { ("forward", Forward), ("input gradient", InputGradient), ("weight gradient", WeightGradient), ("transposed", Transposed) };
        var (name, value) = parts.MaxBy(p => p.Item2);
        return $"{name} {NumericsProbeResult.Format(value)}";
    }
}
