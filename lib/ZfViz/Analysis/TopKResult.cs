using ZfViz.Deconv;

namespace ZfViz.Analysis;

/// <summary>
/// The k strongest activations of every feature map of some layers over a data set (Fig. 2's selection).
/// Best[layer][feature] lists them strongest first; ties are ordered by (image, y, x) ascending.
/// </summary>
public sealed class TopKResult
{
    public TopKResult(int k, IReadOnlyList<string> layerNames, IReadOnlyList<int> layers, IReadOnlyList<IReadOnlyList<IReadOnlyList<ActivationPoint>>> best, long images)
    {
        K = k;
        LayerNames = layerNames;
        Layers = layers;
        Best = best;
        Images = images;
    }

    public int K { get; }
    /// <summary>Names of the searched layers (conv1 ...), in the order of <see cref="Best"/>.</summary>
    public IReadOnlyList<string> LayerNames { get; }
    /// <summary>Deconvnet layer indices of the searched layers.</summary>
    public IReadOnlyList<int> Layers { get; }
    public IReadOnlyList<IReadOnlyList<IReadOnlyList<ActivationPoint>>> Best { get; }
    /// <summary>Number of images searched.</summary>
    public long Images { get; }

    /// <summary>The top-k list of one feature map of a searched layer (by name).</summary>
    public IReadOnlyList<ActivationPoint> For(string layer, int feature)
    {
        int i = LayerNames.ToList().FindIndex(n => string.Equals(n, layer, StringComparison.OrdinalIgnoreCase));
        if (i < 0) throw new ArgumentException($"Layer '{layer}' was not searched; searched: {string.Join(", ", LayerNames)}.");
        if (feature < 0 || feature >= Best[i].Count) throw new ArgumentOutOfRangeException(nameof(feature), $"Feature {feature} is not in 0..{Best[i].Count - 1} for {layer}.");
        return Best[i][feature];
    }
}
