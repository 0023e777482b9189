namespace ZfViz.Deconv;

/// <summary>
/// The input window an activation at (y, x) of a layer depends on: rows y*StrideY + OffsetY .. + SizeY - 1 (columns
/// likewise). Derived from the layers' kernels, strides and paddings; the offset is negative where padding reaches
/// past the image border. It is also exactly the support of the deconvnet projection of that activation.
/// </summary>
public readonly record struct ReceptiveField(int SizeY, int SizeX, int StrideY, int StrideX, int OffsetY, int OffsetX)
{
    /// <summary>The unclipped window (may extend past the image).</summary>
    public PixelWindow At(int y, int x) => new(y * StrideY + OffsetY, x * StrideX + OffsetX, SizeY, SizeX);
}

/// <summary>A rectangle of pixels: top-left (Top, Left), size Height x Width.</summary>
public readonly record struct PixelWindow(int Top, int Left, int Height, int Width)
{
    public int Bottom => Top + Height;
    public int Right => Left + Width;

    /// <summary>The part inside an image of the given size.</summary>
    public PixelWindow Clip(int imageHeight, int imageWidth)
    {
        int t = Math.Clamp(Top, 0, imageHeight), l = Math.Clamp(Left, 0, imageWidth);
        int b = Math.Clamp(Bottom, 0, imageHeight), r = Math.Clamp(Right, 0, imageWidth);
        return new PixelWindow(t, l, b - t, r - l);
    }

    /// <summary>Whether any part of the window lies outside the image.</summary>
    public bool IsClippedIn(int imageHeight, int imageWidth) => Top < 0 || Left < 0 || Bottom > imageHeight || Right > imageWidth;
}
