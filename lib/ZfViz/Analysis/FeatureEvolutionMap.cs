namespace ZfViz.Analysis;

/// <summary>One feature map's strongest activation through training: <see cref="Cells"/>[i] belongs to the i-th checkpoint (epoch order).</summary>
public sealed record FeatureEvolutionMap(int Feature, IReadOnlyList<FeatureEvolutionCell> Cells);
