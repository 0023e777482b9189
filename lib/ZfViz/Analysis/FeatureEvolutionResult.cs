using static TorchSharp.torch;

namespace ZfViz.Analysis;

/// <summary>
/// Fig. 4's material: for some feature maps of some layers, the strongest activation over a set of images at every
/// checkpoint of a training run, projected to pixels. <see cref="Epochs"/> lists the checkpoints in order; every map
/// has one cell per epoch.
/// </summary>
public sealed record FeatureEvolutionResult(IReadOnlyList<int> Epochs, IReadOnlyList<FeatureEvolutionLayer> Layers, long Images, int InputHeight, int InputWidth)
{
    /// <summary>A traced layer by name (case-insensitive); unknown names fail with the list of traced ones.</summary>
    public FeatureEvolutionLayer Layer(string name) =>
        Layers.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Layer '{name}' was not traced; traced: {string.Join(", ", Layers.Select(l => l.Name))}.");

    /// <summary>
    /// How close each epoch's projections are to the last epoch's, per checkpoint: the mean over the layer's maps of
    /// the cosine similarity between the map's whole-input projection at that epoch and at the last epoch (1 = same
    /// pattern at the same place, up to scale; 0 = unrelated or a blank projection). The last entry is 1 unless a
    /// projection is blank.
    /// </summary>
    public IReadOnlyList<double> SimilarityToLast(string layer)
    {
        var traced = Layer(layer);
        return Enumerable.Range(0, Epochs.Count).Select(e => traced.Maps.Count == 0 ? 0 : traced.Maps.Average(m => Cosine(m.Cells[e].Projection, m.Cells[^1].Projection))).ToList();
    }

    /// <summary>Cosine similarity of two tensors as flat vectors; 0 when either is all zero.</summary>
    public static double Cosine(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var x = a.to_type(ScalarType.Float64).flatten();
        var y = b.to_type(ScalarType.Float64).flatten();
        double norms = x.norm().item<double>() * y.norm().item<double>();
        return norms == 0 ? 0 : x.dot(y).item<double>() / norms;
    }
}
