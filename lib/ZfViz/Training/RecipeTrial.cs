namespace ZfViz.Training;

/// <summary>One recipe of a <see cref="ScratchBaseline.Search"/>: its held-out curve and the epoch early stopping picks.</summary>
public sealed record RecipeTrial(ScratchRecipe Recipe, IReadOnlyList<EpochMetrics> Curve, int BestEpoch, TimeSpan Duration)
{
    public double BestHeldOutAccuracy => 1 - Curve.Single(m => m.Epoch == BestEpoch).ValTop1Error!.Value;
    public double FinalHeldOutAccuracy => 1 - Curve[^1].ValTop1Error!.Value;
    public double FinalTrainAccuracy => 1 - Curve[^1].TrainTop1Error;
}
