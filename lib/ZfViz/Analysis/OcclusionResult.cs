namespace ZfViz.Analysis;

/// <summary>
/// What <see cref="Occlusion.Measure(ModelProbe, TorchSharp.torch.Tensor, int, int, string?, int?, int?, float, int, MapStrength)"/>
/// measured for one image: a grid of square positions and, per position, the chosen feature map's total activation;
/// with a classifier also <see cref="Classifier"/> (the probability of the target class and the most probable class).
/// Grids are indexed [row, column]; row i covers input rows Tops[i] .. Tops[i] + Size - 1.
/// </summary>
public sealed record OcclusionResult
{
    public required int ImageHeight { get; init; }
    public required int ImageWidth { get; init; }
    /// <summary>Side of the square in pixels.</summary>
    public required int Size { get; init; }
    public required int Stride { get; init; }
    /// <summary>The value written under the square (network-input units).</summary>
    public float Fill { get; init; }
    /// <summary>Top row of the square for each grid row (0, stride, 2·stride, ...).</summary>
    public required int[] Tops { get; init; }
    /// <summary>Left column of the square for each grid column.</summary>
    public required int[] Lefts { get; init; }
    /// <summary>The layer (ConvNet: conv1..conv5, the ReLU output) or stage (ResNet-18) whose map is summed.</summary>
    public required string Layer { get; init; }
    /// <summary>The map whose total is recorded.</summary>
    public required int Feature { get; init; }
    /// <summary>The total activation of every map of the layer on the unoccluded image (the default map is the largest).</summary>
    public required float[] MapTotals { get; init; }
    /// <summary>The largest single activation of every map on the unoccluded image (<see cref="MapStrength.Peak"/>).</summary>
    public required float[] MapPeaks { get; init; }
    /// <summary>Total activation of map <see cref="Feature"/> with the square at each position.</summary>
    public required float[,] Activation { get; init; }
    /// <summary>The classifier's read-outs; null when the model has no classifier.</summary>
    public OcclusionClassifier? Classifier { get; init; }

    public int GridHeight => Tops.Length;
    public int GridWidth => Lefts.Length;
    public int Positions => GridHeight * GridWidth;
    public bool HasClassifier => Classifier is not null;

    /// <summary>The map's total activation on the unoccluded image.</summary>
    public float BaseActivation => MapTotals[Feature];

    /// <summary>Centre of the square of grid cell (row, column) in pixel coordinates (a pixel's centre is at its index).</summary>
    public (double Y, double X) Centre(int row, int column) => (Tops[row] + (Size - 1) / 2.0, Lefts[column] + (Size - 1) / 2.0);

    /// <summary>Centre of the square of a grid cell (e.g. <see cref="LowestCell"/>).</summary>
    public (double Y, double X) Centre((int Row, int Column) cell) => Centre(cell.Row, cell.Column);

    /// <summary>The grid cell whose square's centre is nearest the image's centre (the first in row-major order on ties).</summary>
    public (int Row, int Column) CentreCell
    {
        get
        {
            (int Row, int Column) best = (0, 0);
            double bestDistance = double.MaxValue;
            for (int a = 0; a < GridHeight; a++)
                for (int b = 0; b < GridWidth; b++)
                {
                    var (y, x) = Centre(a, b);
                    double d = Math.Pow(y - (ImageHeight - 1) / 2.0, 2) + Math.Pow(x - (ImageWidth - 1) / 2.0, 2);
                    if (d < bestDistance) (bestDistance, best) = (d, (a, b));
                }
            return best;
        }
    }

    /// <summary>The grid cells whose square touches the image's border, in row-major order.</summary>
    public IReadOnlyList<(int Row, int Column)> BorderCells
    {
        get
        {
            var border = new List<(int, int)>();
            for (int a = 0; a < GridHeight; a++)
                for (int b = 0; b < GridWidth; b++)
                    if (Tops[a] == 0 || Lefts[b] == 0 || Tops[a] + Size == ImageHeight || Lefts[b] + Size == ImageWidth) border.Add((a, b));
            return border;
        }
    }

    /// <summary>The cell of a grid's smallest value (e.g. where the square hurts most), the first in row-major order on ties.</summary>
    public static (int Row, int Column) LowestCell(float[,] grid)
    {
        if (grid.Length == 0) throw new ArgumentException("grid: empty.", nameof(grid));
        (int Row, int Column) best = (0, 0);
        for (int a = 0; a < grid.GetLength(0); a++)
            for (int b = 0; b < grid.GetLength(1); b++)
                if (grid[a, b] < grid[best.Row, best.Column]) best = (a, b);
        return best;
    }

    /// <summary>Number of positions along an image side: floor((side - size) / stride) + 1.</summary>
    public static int GridCount(int side, int size, int stride) => (side - size) / stride + 1;
}
