namespace ZfViz.Data;

/// <summary>
/// The paper's decode-time preprocessing (Sec. 3): resize so the shorter side is <see cref="ResizeShorter"/> pixels
/// (aspect ratio kept), then take the centre <see cref="Size"/> x <see cref="Size"/> square. The same record serves
/// 28, 32, 64 and 224 pixels. Per-pixel mean subtraction happens per batch (<see cref="Augment.SubtractMean"/>).
/// </summary>
/// <param name="Size">Output height and width.</param>
/// <param name="ResizeShorter">Shorter side before the centre crop; null means <see cref="Size"/> (crop only the
/// longer side). ImageNet-style evaluation uses 256 for 224 (<see cref="ImageNetStyle"/>).</param>
/// <param name="Channels">1 (grey) or 3 (RGB); greyscale sources are replicated to 3, colour ones turned to luma for 1.</param>
public sealed record ImagePreprocessing(int Size, int? ResizeShorter = null, int Channels = 3)
{
    public int ShorterSide => ResizeShorter ?? Size;

    /// <summary>Resize-256-crop-224 scaled to any size (shorter side = size * 256 / 224).</summary>
    public static ImagePreprocessing ImageNetStyle(int size, int channels = 3) =>
        new(size, (int)Math.Round(size * 256.0 / 224.0), channels);

    /// <summary>A short stable text naming these settings; part of every cache key.</summary>
    public string Key => $"s{Size}-r{ShorterSide}-c{Channels}";

    /// <summary>Checks the values; bad ones fail naming the field.</summary>
    public ImagePreprocessing Validated()
    {
        if (Size < 1) throw new ArgumentException($"Preprocessing size must be positive; got {Size}.");
        if (ShorterSide < Size) throw new ArgumentException($"ResizeShorter ({ShorterSide}) must be at least the crop size ({Size}).");
        if (Channels is not (1 or 3)) throw new ArgumentException($"Channels must be 1 or 3; got {Channels}.");
        return this;
    }

    /// <summary>
    /// The resized width and height for a w x h source (shorter side = <see cref="ShorterSide"/>, the other rounded),
    /// and the top-left corner of the centre crop in the resized image (floor of half the excess).
    /// </summary>
    public (int Width, int Height, int CropX, int CropY) Geometry(int width, int height)
    {
        int rw, rh;
        if (width <= height) { rw = ShorterSide; rh = Math.Max(ShorterSide, (int)Math.Round((double)height * ShorterSide / width)); }
        else { rh = ShorterSide; rw = Math.Max(ShorterSide, (int)Math.Round((double)width * ShorterSide / height)); }
        return (rw, rh, (rw - Size) / 2, (rh - Size) / 2);
    }
}
