namespace ZfViz.Models;

/// <summary>
/// One row of <see cref="LayerSummary"/>. <paramref name="Shape"/> is [C,H,W] for conv/pool outputs and [units] for fc.
/// <paramref name="Flops"/> = 2 x multiply-adds of the layer's conv/linear for one image (ReLU, pooling and
/// normalisation are not counted). Receptive field (conv/pool rows only; 0 for fc): the activation at (y,x) sees the
/// input pixels rows <c>Start + y*Jump .. Start + y*Jump + ReceptiveField - 1</c> (columns likewise), clipped to the
/// image; Start can be negative because of zero padding.
/// </summary>
public sealed record LayerInfo(
    string Name,
    string Kind,
    IReadOnlyList<int> Shape,
    long Parameters,
    long Flops,
    int ReceptiveField,
    int Jump,
    int Start)
{
    /// <summary>The input-pixel box [y0,y1) x [x0,x1) seen by the activation at (y,x), clipped to an image of side <paramref name="inputSize"/>.</summary>
    public (int Y0, int Y1, int X0, int X1) InputBox(int y, int x, int inputSize)
    {
        if (ReceptiveField == 0) throw new InvalidOperationException($"{Name} is fully connected: every input pixel is in its field.");
        int y0 = Start + y * Jump, x0 = Start + x * Jump;
        return (Math.Max(0, y0), Math.Min(inputSize, y0 + ReceptiveField), Math.Max(0, x0), Math.Min(inputSize, x0 + ReceptiveField));
    }

    [System.Text.Json.Serialization.JsonIgnore]
    public string ShapeText => string.Join("x", Shape);
}
