namespace ZfViz.Analysis;

/// <summary>
/// The classifier's part of an <see cref="OcclusionResult"/> (present when the probe has logits). Grids are indexed
/// [row, column] like <see cref="OcclusionResult.Activation"/>.
/// </summary>
/// <param name="TargetClass">The class whose probability is mapped.</param>
/// <param name="BaseProbabilities">Softmax of the unoccluded image.</param>
/// <param name="Probability">p(<paramref name="TargetClass"/>) with the square at each position.</param>
/// <param name="TopClass">The most probable class at each position.</param>
/// <param name="TopProbability">Its probability.</param>
public sealed record OcclusionClassifier(int TargetClass, float[] BaseProbabilities, float[,] Probability, int[,] TopClass, float[,] TopProbability)
{
    /// <summary>p(target class) on the unoccluded image.</summary>
    public float BaseProbability => BaseProbabilities[TargetClass];

    /// <summary>The most probable class of the unoccluded image (the first on ties).</summary>
    public int BaseTopClass => Array.IndexOf(BaseProbabilities, BaseProbabilities.Max());
}
