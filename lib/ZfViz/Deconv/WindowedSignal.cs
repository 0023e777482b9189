using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// A batch of deconvnet signals, each living on a window of the same size at one level of the network:
/// <see cref="Values"/> is [S,C,h,w] and selection s covers rows Top[s]..Top[s]+h-1 and columns Left[s]..Left[s]+w-1
/// of a map of <see cref="MapHeight"/> x <see cref="MapWidth"/>, for image Image[s] of the forward trace.
/// Window positions outside the map hold zeros. An activation reaches only its receptive field, so the way down
/// computes on these windows instead of whole maps.
/// </summary>
public sealed class WindowedSignal
{
    public WindowedSignal(Tensor values, long[] top, long[] left, long[] image, int mapHeight, int mapWidth)
    {
        Values = values;
        Top = top;
        Left = left;
        Image = image;
        MapHeight = mapHeight;
        MapWidth = mapWidth;
    }

    public Tensor Values { get; }
    public long[] Top { get; }
    public long[] Left { get; }
    public long[] Image { get; }
    public int MapHeight { get; }
    public int MapWidth { get; }

    public int Count => (int)Values.shape[0];
    public int Height => (int)Values.shape[2];
    public int Width => (int)Values.shape[3];

    public WindowedSignal With(Tensor values, long[] top, long[] left, int mapHeight, int mapWidth) =>
        new(values, top, left, Image, mapHeight, mapWidth);

    public WindowedSignal With(Tensor values) => new(values, Top, Left, Image, MapHeight, MapWidth);

    /// <summary>True when every window lies inside the map (no masking needed).</summary>
    public bool InsideMap =>
        Top.All(t => t >= 0 && t + Height <= MapHeight) && Left.All(l => l >= 0 && l + Width <= MapWidth);

    /// <summary>[S,1,h,w] float mask: 1 where the window position lies inside the map.</summary>
    public Tensor InsideMask()
    {
        var device = Values.device;
        var rows = tensor(Top, device: device).unsqueeze(1) + arange(Height, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        var cols = tensor(Left, device: device).unsqueeze(1) + arange(Width, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        var rowOk = rows.ge(0).logical_and(rows.lt(MapHeight)).to_type(Values.dtype);
        var colOk = cols.ge(0).logical_and(cols.lt(MapWidth)).to_type(Values.dtype);
        return (rowOk.unsqueeze(2) * colOk.unsqueeze(1)).unsqueeze(1);
    }

    /// <summary>This signal with window positions outside the map set to zero.</summary>
    public WindowedSignal MaskedToMap() => InsideMap ? this : With(Values * InsideMask());
}
