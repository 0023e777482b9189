namespace ZfViz.Analysis;

/// <summary>A pixel position in an image: X to the right, Y down, both 0-based.</summary>
public readonly record struct PixelPoint(int X, int Y)
{
    public override string ToString() => $"({X},{Y})";
}
