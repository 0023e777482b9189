namespace ZfViz.Analysis;

/// <summary>
/// What <see cref="Occlusion.Map(Models.ConvNet, TorchSharp.torch.Tensor, int, int, string?, int?, int?, float, int)"/>
/// measured for one image: a grid of square positions and, per position, the chosen feature map's total activation and
/// (when the model has a classifier) the probability of the target class and the most probable class.
/// Grids are indexed [row, column]; row i covers input rows Tops[i] .. Tops[i] + Size - 1.
/// </summary>
/// <param name="Tops">Top row of the square for each grid row (0, stride, 2·stride, ...).</param>
/// <param name="Lefts">Left column of the square for each grid column.</param>
/// <param name="Layer">The layer (ConvNet: conv1..conv5, the ReLU output) or stage (ResNet-18) whose map is summed.</param>
/// <param name="MapTotals">The total activation of every map of the layer on the unoccluded image (the default map is the largest).</param>
/// <param name="MapPeaks">The largest single activation of every map on the unoccluded image (<see cref="MapStrength.Peak"/>).</param>
/// <param name="Activation">Total activation of map <paramref name="Feature"/> with the square at each position.</param>
/// <param name="TargetClass">The class whose probability is mapped (null without a classifier).</param>
/// <param name="BaseProbabilities">Softmax of the unoccluded image (null without a classifier).</param>
/// <param name="Probability">p(<paramref name="TargetClass"/>) at each position.</param>
/// <param name="TopClass">The most probable class at each position.</param>
/// <param name="TopProbability">Its probability.</param>
public sealed record OcclusionResult(
    int ImageHeight, int ImageWidth, int Size, int Stride, float Fill,
    int[] Tops, int[] Lefts,
    string Layer, int Feature, float[] MapTotals, float[] MapPeaks, float[,] Activation,
    int? TargetClass, float[]? BaseProbabilities, float[,]? Probability, int[,]? TopClass, float[,]? TopProbability)
{
    public int GridHeight => Tops.Length;
    public int GridWidth => Lefts.Length;
    public int Positions => GridHeight * GridWidth;
    public bool HasClassifier => Probability is not null;

    /// <summary>The map's total activation on the unoccluded image.</summary>
    public float BaseActivation => MapTotals[Feature];

    /// <summary>p(target class) on the unoccluded image.</summary>
    public float? BaseProbability => TargetClass is { } k && BaseProbabilities is { } p ? p[k] : null;

    /// <summary>The most probable class of the unoccluded image.</summary>
    public int? BaseTopClass => BaseProbabilities is { } p ? Array.IndexOf(p, p.Max()) : null;

    /// <summary>Centre of the square of grid cell (row, column) in pixel coordinates (a pixel's centre is at its index).</summary>
    public (double Y, double X) Centre(int row, int column) => (Tops[row] + (Size - 1) / 2.0, Lefts[column] + (Size - 1) / 2.0);

    /// <summary>Number of positions along an image side: floor((side - size) / stride) + 1.</summary>
    public static int GridCount(int side, int size, int stride) => (side - size) / stride + 1;
}
