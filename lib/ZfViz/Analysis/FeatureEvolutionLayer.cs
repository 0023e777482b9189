using ZfViz.Deconv;

namespace ZfViz.Analysis;

/// <summary>The traced maps of one layer (in the order they were chosen) and the layer's receptive field.</summary>
public sealed record FeatureEvolutionLayer(string Name, int LayerIndex, ReceptiveField Field, IReadOnlyList<FeatureEvolutionMap> Maps);
