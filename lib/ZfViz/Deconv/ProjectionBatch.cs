using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// Deconvnet projections of a batch of selections, each on a window of the input that holds its whole support (the
/// receptive field, cut to the image where the field is larger than the image):
/// <see cref="Values"/> [S,C,h,w] (CPU), window s at (Top[s], Left[s]) of an image of ImageHeight x ImageWidth;
/// window positions outside the image are zero.
/// </summary>
public sealed class ProjectionBatch : IDisposable
{
    public ProjectionBatch(Tensor values, long[] top, long[] left, int imageHeight, int imageWidth)
    {
        Values = values;
        Top = top;
        Left = left;
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
    }

    public Tensor Values { get; }
    public long[] Top { get; }
    public long[] Left { get; }
    public int ImageHeight { get; }
    public int ImageWidth { get; }
    public int Count => (int)Values.shape[0];

    /// <summary>The unclipped window of projection i on the input.</summary>
    public PixelWindow Window(int i) => new((int)Top[i], (int)Left[i], (int)Values.shape[2], (int)Values.shape[3]);

    /// <summary>Projection i on the whole input: [C, ImageHeight, ImageWidth], zero outside its window.</summary>
    public Tensor FullImage(int i)
    {
        var w = Window(i);
        var clip = w.Clip(ImageHeight, ImageWidth);
        var full = zeros(Values.shape[1], ImageHeight, ImageWidth, dtype: Values.dtype);
        if (clip.Height > 0 && clip.Width > 0)
            full[.., clip.Top..clip.Bottom, clip.Left..clip.Right] =
                Values[i, .., (clip.Top - w.Top)..(clip.Bottom - w.Top), (clip.Left - w.Left)..(clip.Right - w.Left)];
        return full;
    }

    /// <summary>Projection i on a given window of the input (e.g. its receptive field): [C,h,w], zero where it has no values.</summary>
    public Tensor OnWindow(int i, PixelWindow target)
    {
        var w = Window(i);
        var result = zeros(Values.shape[1], target.Height, target.Width, dtype: Values.dtype);
        int t = Math.Max(w.Top, target.Top), l = Math.Max(w.Left, target.Left);
        int b = Math.Min(w.Bottom, target.Bottom), r = Math.Min(w.Right, target.Right);
        if (b > t && r > l)
            result[.., (t - target.Top)..(b - target.Top), (l - target.Left)..(r - target.Left)] =
                Values[i, .., (t - w.Top)..(b - w.Top), (l - w.Left)..(r - w.Left)];
        return result;
    }

    /// <summary>Projection i cut to the part of its window inside the image, with that part's position.</summary>
    public (Tensor Values, PixelWindow Window) Clipped(int i)
    {
        var w = Window(i);
        var clip = w.Clip(ImageHeight, ImageWidth);
        return (Values[i, .., (clip.Top - w.Top)..(clip.Bottom - w.Top), (clip.Left - w.Left)..(clip.Right - w.Left)], clip);
    }

    public void Dispose() => Values.Dispose();
}
