namespace ZfViz.Analysis;

/// <summary>
/// The outcome of <see cref="Correspondence.Measure"/>: one cell per (part, layer); <see cref="Centres"/>[part][draw]
/// the square centres used (one per image); <see cref="FeatureLengths"/> the length of each layer's feature vector.
/// </summary>
public sealed record CorrespondenceResult(IReadOnlyList<string> Parts, IReadOnlyList<string> Layers, IReadOnlyList<CorrespondenceCell> Cells,
    IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<PixelPoint>>> Centres, IReadOnlyDictionary<string, long> FeatureLengths,
    int SquareSize, int ImageCount, int ForwardPasses)
{
    public CorrespondenceCell Cell(string part, string layer) =>
        Cells.FirstOrDefault(c => c.Part == part && c.Layer == layer)
        ?? throw new ArgumentException($"No result for part '{part}' at layer '{layer}'; parts {string.Join(", ", Parts)}, layers {string.Join(", ", Layers)}.");
}
