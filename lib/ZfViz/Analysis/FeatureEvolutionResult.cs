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
    /// the cosine similarity between the map's projection at that epoch and at the last epoch (1 = the same pattern up
    /// to scale; 0 = unrelated or a blank projection). <paramref name="aligned"/> (default) compares the projections on
    /// the receptive-field window, aligned at the activation: the pattern the map responds to, wherever it was found
    /// (for layer 1 that is the filter itself). Otherwise it compares whole-input projections, which also differ when
    /// the strongest activation moved to another place or image. The last entry is 1 unless a projection is blank.
    /// </summary>
    public IReadOnlyList<double> SimilarityToLast(string layer, bool aligned = true)
    {
        var traced = Layer(layer);
        Tensor Of(FeatureEvolutionCell c) => aligned ? c.Cell.Projection : c.Projection;
        return Enumerable.Range(0, Epochs.Count)
            .Select(e => traced.Maps.Count == 0 ? 0 : traced.Maps.Average(m => Cosine(Of(m.Cells[e]), Of(m.Cells[^1])))).ToList();
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
