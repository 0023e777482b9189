namespace ZfViz.Training;

/// <summary>Early stopping read off a finished run's curve: the epoch the held-out images liked best.</summary>
public static class EarlyStopping
{
    /// <summary>
    /// The epoch (1-based, as in <see cref="EpochMetrics.Epoch"/>) with the lowest held-out top-1 error. A few dozen
    /// held-out images give many ties: those go to the lower held-out loss, then to the earlier epoch.
    /// </summary>
    public static int BestEpoch(IReadOnlyList<EpochMetrics> curve)
    {
        if (curve.Count == 0) throw new ArgumentException("The curve has no epochs.");
        if (curve.Any(m => m.ValTop1Error is null || m.ValLoss is null))
            throw new ArgumentException("Early stopping needs held-out figures in every epoch (train with a validation set).");
        return curve.OrderBy(m => m.ValTop1Error!.Value).ThenBy(m => m.ValLoss!.Value).ThenBy(m => m.Epoch).First().Epoch;
    }
}
