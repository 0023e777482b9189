namespace ZfViz.Attribution;

/// <summary>
/// Cascading randomisation's measurements: <see cref="Correlations"/>[method][depth][image] is the Spearman rank
/// correlation between a method's heat map on the trained network and on the network whose layers from the top down
/// to <see cref="Depths"/>[depth] (inclusive) have random weights. 1 = the map did not change its ranking.
/// </summary>
public sealed record RandomisationResult(IReadOnlyList<string> Methods, IReadOnlyList<string> Depths, double[][][] Correlations)
{
    /// <summary>Mean over the images (NaNs, from constant maps, left out).</summary>
    public double Mean(int method, int depth)
    {
        var values = Correlations[method][depth].Where(v => !double.IsNaN(v)).ToList();
        return values.Count == 0 ? double.NaN : values.Average();
    }

    public double Mean(string method, int depth) => Mean(IndexOf(method), depth);

    /// <summary>The mean correlation once every layer is random (the deepest depth).</summary>
    public double FullyRandomised(string method) => Mean(method, Depths.Count - 1);

    int IndexOf(string method) => Methods.ToList().IndexOf(method) is var i and >= 0 ? i
        : throw new ArgumentException($"No method '{method}'; measured: {string.Join(", ", Methods)}.", nameof(method));
}
