using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// Deconvnet projections of a batch of selections, each on its receptive-field window of the input:
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

    /// <summary>Projection i cut to the part of its window inside the image, with that part's position.</summary>
    public (Tensor Values, PixelWindow Window) Clipped(int i)
    {
        var w = Window(i);
        var clip = w.Clip(ImageHeight, ImageWidth);
        return (Values[i, .., (clip.Top - w.Top)..(clip.Bottom - w.Top), (clip.Left - w.Left)..(clip.Right - w.Left)], clip);
    }

    public void Dispose() => Values.Dispose();
}
