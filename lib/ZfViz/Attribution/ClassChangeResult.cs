namespace ZfViz.Attribution;

/// <summary>
/// How much each method's heat map changes when only the target changes: <see cref="Correlations"/>[method][image] is
/// the Spearman rank correlation between the map for <see cref="Targets"/>[image] and for
/// <see cref="OtherTargets"/>[image] on the same image and network. 1 = the map ignores which class is explained.
/// </summary>
public sealed record ClassChangeResult(IReadOnlyList<string> Methods, long[] Targets, long[] OtherTargets, double[][] Correlations)
{
    public double Mean(int method)
    {
        var values = Correlations[method].Where(v => !double.IsNaN(v)).ToList();
        return values.Count == 0 ? double.NaN : values.Average();
    }

    public double Mean(string method) => Mean(Methods.ToList().IndexOf(method) is var i and >= 0 ? i
        : throw new ArgumentException($"No method '{method}'; measured: {string.Join(", ", Methods)}.", nameof(method)));
}
