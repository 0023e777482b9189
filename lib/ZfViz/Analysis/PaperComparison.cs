namespace ZfViz.Analysis;

/// <summary>
/// The rules the notebooks' verdicts follow when they hold a measurement against the paper, kept here (and tested)
/// so that a notebook cell only words the outcome.
/// </summary>
public static class PaperComparison
{
    /// <summary>Notebook 06: top-1 errors within a point of each other are the same.</summary>
    public const double ErrorMargin = 0.01;

    /// <summary>Notebook 06: layer-1 band shares within 3 points are the same.</summary>
    public const double BandShareMargin = 0.03;

    /// <summary>Notebook 06: high-frequency shares of layer-2 projections within 2 points are the same.</summary>
    public const double AliasingMargin = 0.02;

    /// <summary>
    /// Notebook 09: a baseline whose training top-1 error is above this is far from converged at its budget, so
    /// Table 3 then ranks how fast the variants learn rather than what they can learn.
    /// </summary>
    public const double UnconvergedTrainError = 0.45;

    /// <summary>
    /// The paper expects <paramref name="paperLarger"/> &gt; <paramref name="paperSmaller"/>: a difference of more than
    /// <paramref name="margin"/> either way decides, anything within it is <see cref="Agreement.Same"/>.
    /// </summary>
    public static Agreement Compare(double paperLarger, double paperSmaller, double margin)
    {
        if (!(margin >= 0)) throw new ArgumentException($"margin: must be >= 0; got {margin}.", nameof(margin));
        double d = paperLarger - paperSmaller;
        return d > margin ? Agreement.AsPaper : -d > margin ? Agreement.UnlikePaper : Agreement.Same;
    }

    /// <summary>Notebook 09: whether a training top-1 error means the network is far from converged (<see cref="UnconvergedTrainError"/>).</summary>
    public static bool FarFromConverged(double trainTop1Error) => trainTop1Error > UnconvergedTrainError;

    /// <summary>Notebook 11: an ensemble wins when its error is below that of its best member (a tie is no gain).</summary>
    public static bool EnsembleWins(double ensembleError, IEnumerable<double> memberErrors)
    {
        var members = memberErrors.ToList();
        if (members.Count == 0) throw new ArgumentException("memberErrors: an ensemble has members.", nameof(memberErrors));
        return ensembleError < members.Min();
    }
}
