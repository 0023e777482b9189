namespace ZfViz.Training;

/// <summary>
/// A from-scratch baseline: the held-out curve that chose <see cref="BestEpoch"/>, and the network trained on all
/// the training images up to that epoch (owned: dispose the run).
/// </summary>
/// <param name="Curve">Per epoch: training figures on the fitted part (augmented, dropout on) and held-out figures.</param>
public sealed record ScratchBaselineRun(ScratchRecipe Recipe, HeldOutSplit Split, IReadOnlyList<EpochMetrics> Curve, int BestEpoch, TrainedModel Model)
    : IDisposable
{
    /// <summary>Held-out top-1 accuracy at the chosen epoch.</summary>
    public double HeldOutAccuracy => 1 - Curve.Single(m => m.Epoch == BestEpoch).ValTop1Error!.Value;

    public void Dispose() => Model.Dispose();
}
