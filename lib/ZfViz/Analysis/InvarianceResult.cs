using static TorchSharp.torch;

namespace ZfViz.Analysis;

/// <summary>
/// What <see cref="Invariance.Measure"/>
/// found. Arrays are indexed [image][amount]; layer dictionaries by the probe's layer names.
/// </summary>
/// <param name="Kind">The transformation.</param>
/// <param name="Amounts">Its amounts (pixels, factor or degrees), in the order measured.</param>
/// <param name="Layers">The compared feature vectors, in the probe's order (without the logits).</param>
/// <param name="Distance">Euclidean distance between the feature vectors of transformed and untransformed image.</param>
/// <param name="NormalisedDistance">Distance divided by the untransformed vector's norm (NaN if that norm is 0).</param>
/// <param name="TrueLabelProbability">Softmax probability of the true label (null: no logits or no labels).</param>
/// <param name="TopClass">Most probable class (null: no logits).</param>
/// <param name="TopProbability">Its probability (null: no logits).</param>
/// <param name="TransformedImages">The transformed images [N, amounts, C, H, W], same dtype as the input images (CPU).</param>
public sealed record InvarianceResult(
    TransformKind Kind,
    IReadOnlyList<double> Amounts,
    IReadOnlyList<string> Layers,
    IReadOnlyDictionary<string, double[][]> Distance,
    IReadOnlyDictionary<string, double[][]> NormalisedDistance,
    double[][]? TrueLabelProbability,
    int[][]? TopClass,
    double[][]? TopProbability,
    Tensor TransformedImages)
{
    public int Images => (int)TransformedImages.shape[0];

    /// <summary>Mean over the images of the normalised distance of a layer at one amount (by index).</summary>
    public double MeanNormalisedDistance(string layer, int amountIndex)
    {
        if (!NormalisedDistance.TryGetValue(layer, out var d))
            throw new ArgumentException($"layer: no layer '{layer}'; measured {string.Join(", ", Layers)}.", nameof(layer));
        if (amountIndex < 0 || amountIndex >= Amounts.Count)
            throw new ArgumentException($"amountIndex: {amountIndex} is outside 0..{Amounts.Count - 1}.", nameof(amountIndex));
        return d.Average(perImage => perImage[amountIndex]);
    }

    /// <summary>Index of the amount nearest to a value (e.g. the distances at 20 degrees).</summary>
    public int NearestAmountIndex(double amount) =>
        Enumerable.Range(0, Amounts.Count).MinBy(i => Math.Abs(Amounts[i] - amount));
}
