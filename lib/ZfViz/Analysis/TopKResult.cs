using ZfViz.Deconv;

namespace ZfViz.Analysis;

/// <summary>
/// The k strongest activations of every feature map of some layers over a data set (Fig. 2's selection), chosen
/// by <see cref="Rule"/>. Best[layer][feature] lists them strongest first; ties are ordered by (image, y, x) ascending.
/// </summary>
public sealed class TopKResult
{
    public TopKResult(int k, TopKRule rule, IReadOnlyList<string> layerNames, IReadOnlyList<IReadOnlyList<IReadOnlyList<ActivationPoint>>> best, long images)
    {
        if (layerNames.Count != best.Count) throw new ArgumentException($"{layerNames.Count} layer names for {best.Count} layers of results.");
        K = k;
        Rule = rule;
        LayerNames = layerNames;
        Best = best;
        Images = images;
    }

    public int K { get; }
    public TopKRule Rule { get; }
    /// <summary>Names of the searched layers (conv1 ..., or ResNet-18 stages), in the order of <see cref="Best"/>.</summary>
    public IReadOnlyList<string> LayerNames { get; }
    public IReadOnlyList<IReadOnlyList<IReadOnlyList<ActivationPoint>>> Best { get; }
    /// <summary>Number of images searched.</summary>
    public long Images { get; }

    /// <summary>Per feature map of a searched layer (by name), its top-k list.</summary>
    public IReadOnlyList<IReadOnlyList<ActivationPoint>> this[string layer] => Best[IndexOf(layer)];

    /// <summary>The top-k list of one feature map of a searched layer (by name).</summary>
    public IReadOnlyList<ActivationPoint> For(string layer, int feature)
    {
        int i = IndexOf(layer);
        if (feature < 0 || feature >= Best[i].Count) throw new ArgumentOutOfRangeException(nameof(feature), $"Feature {feature} is not in 0..{Best[i].Count - 1} for {layer}.");
        return Best[i][feature];
    }

    int IndexOf(string layer)
    {
        int i = LayerNames.ToList().FindIndex(n => string.Equals(n, layer, StringComparison.OrdinalIgnoreCase));
        return i >= 0 ? i : throw new ArgumentException($"Layer '{layer}' was not searched; searched: {string.Join(", ", LayerNames)}.");
    }
}
