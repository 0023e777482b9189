namespace ZfViz.Attribution;

/// <summary>Spearman's rank correlation, the measure of Adebayo et al. 2018's sanity check.</summary>
public static class RankCorrelation
{
    /// <summary>
    /// Spearman's rho: Pearson's correlation of the ranks, tied values sharing their average rank (so a map with
    /// many zeros, like Grad-CAM's, is ranked fairly). NaN when either side is constant.
    /// </summary>
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"Spearman needs two lists of one length; got {a.Count} and {b.Count}.");
        if (a.Count < 2) return double.NaN;
        return Pearson(Ranks(a), Ranks(b));
    }

    /// <summary>1-based ranks, ties averaged: [10, 30, 20, 20] -> [1, 4, 2.5, 2.5].</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
