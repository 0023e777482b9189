namespace ZfViz.Analysis;

/// <summary>
/// Notebook 07's headline reading of one <see cref="OcclusionResult"/>: p(target class) and the map's total with the
/// square at the image's centre (<see cref="OcclusionResult.CentreCell"/>) against the mean over the squares that
/// touch the border (<see cref="OcclusionResult.BorderCells"/>). Probabilities are NaN without a classifier;
/// activations are fractions of the unoccluded total.
/// </summary>
public sealed record OcclusionCentreBorder(double BaseProbability, double CentreProbability, double BorderProbability,
    double ActivationCentre, double ActivationBorder)
{
    public static OcclusionCentreBorder Of(OcclusionResult r)
    {
        var (cr, cc) = r.CentreCell;
        var border = r.BorderCells;
        var c = r.Classifier;
        return new OcclusionCentreBorder(
            c?.BaseProbability ?? double.NaN,
            c is null ? double.NaN : c.Probability[cr, cc],
            c is null ? double.NaN : border.Average(p => c.Probability[p.Row, p.Column]),
            r.Activation[cr, cc] / r.BaseActivation,
            border.Average(p => r.Activation[p.Row, p.Column]) / r.BaseActivation);
    }

    /// <summary>
    /// The reading of the mean drop of p(correct) from border to centre (border minus centre, over many images):
    /// above 0.05 clear, above 0.01 slight, within ±0.01 none, below −0.01 reversed.
    /// </summary>
    public static CentreDrop Verdict(double borderMinusCentre) => borderMinusCentre switch
    {
        > 0.05 => CentreDrop.Clear,
        > 0.01 => CentreDrop.Slight,
        > -0.01 => CentreDrop.None,
        _ => CentreDrop.Reversed,
    };
}
