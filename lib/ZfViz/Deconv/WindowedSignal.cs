using TorchSharp;
using static TorchSharp.torch;
using ZfViz.Runtime;

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

    /// <summary>Selections <paramref name="start"/> .. start + count - 1 (their values a view, not a copy).</summary>
    public WindowedSignal Slice(int start, int count) =>
        new(Values.narrow(0, start, count), Top[start..(start + count)], Left[start..(start + count)], Image[start..(start + count)], MapHeight, MapWidth);

    /// <summary>Signals of the same window size on the same map, one after another.</summary>
    public static WindowedSignal Concat(IReadOnlyList<WindowedSignal> parts)
    {
        if (parts.Count == 1) return parts[0];
        var first = parts[0];
        if (parts.Any(p => p.Height != first.Height || p.Width != first.Width || p.MapHeight != first.MapHeight || p.MapWidth != first.MapWidth))
            throw new ArgumentException("Only signals of one window size on one map can be joined.");
        return new WindowedSignal(cat(parts.Select(p => p.Values).ToArray(), 0),
            parts.SelectMany(p => p.Top).ToArray(), parts.SelectMany(p => p.Left).ToArray(), parts.SelectMany(p => p.Image).ToArray(),
            first.MapHeight, first.MapWidth);
    }

    /// <summary>True when every window lies inside the map (no masking needed).</summary>
    public bool InsideMap =>
        Top.All(t => t >= 0 && t + Height <= MapHeight) && Left.All(l => l >= 0 && l + Width <= MapWidth);

    /// <summary>[S,1,h,w] float mask: 1 where the window position lies inside the map.</summary>
    public Tensor InsideMask()
    {
        var device = Values.device;
        using var mapHeight = MapHeight.ToScalar();
        using var mapWidth = MapWidth.ToScalar();
        var rows = tensor(Top, device: device).unsqueeze(1).add(HeldScalars.Arange(Height, device: device).unsqueeze(0), HeldScalars.One);
        var cols = tensor(Left, device: device).unsqueeze(1).add(HeldScalars.Arange(Width, device: device).unsqueeze(0), HeldScalars.One);
        var rowOk = rows.ge(HeldScalars.Zero).logical_and(rows.lt(mapHeight)).to_type(Values.dtype);
        var colOk = cols.ge(HeldScalars.Zero).logical_and(cols.lt(mapWidth)).to_type(Values.dtype);
        return (rowOk.unsqueeze(2) * colOk.unsqueeze(1)).unsqueeze(1);
    }

    /// <summary>This signal with window positions outside the map set to zero.</summary>
    public WindowedSignal MaskedToMap() => InsideMap ? this : With(Values * InsideMask());

    /// <summary>
    /// The same signal with every window axis that is longer than the map replaced by the whole map (start 0).
    /// The signal's support (window ∩ map) stays inside, so nothing is lost, and receptive fields larger than the
    /// image (deep layers of small networks) cost no more than whole maps.
    /// </summary>
    public WindowedSignal FittedToMap()
    {
        var masked = MaskedToMap();
        if (Height <= MapHeight && Width <= MapWidth) return masked;
        var v = masked.Values;
        long[] top = Top, left = Left;
        if (Height > MapHeight)
        {
            v = Crop(v, 2, Top.Select(t => -t).ToArray(), MapHeight);
            top = new long[Count];
        }
        if (Width > MapWidth)
        {
            v = Crop(v, 3, Left.Select(l => -l).ToArray(), MapWidth);
            left = new long[Count];
        }
        return new WindowedSignal(v, top, left, Image, MapHeight, MapWidth).MaskedToMap();
    }

    /// <summary>Per selection s, takes positions shift[s] .. shift[s]+size-1 along dim (2 = rows, 3 = columns); zero where outside.</summary>
    static Tensor Crop(Tensor values, int dim, long[] shift, int size)
    {
        long s = values.shape[0], length = values.shape[dim];
        if (shift.All(d => d == shift[0]) && shift[0] >= 0 && shift[0] + size <= length) return values.narrow(dim, shift[0], size).contiguous();
        using var end = length.ToScalar();
        using var last = (length - 1).ToScalar();
        var index = tensor(shift, device: values.device).view(s, 1).add(HeldScalars.Arange(size, device: values.device).view(1, size), HeldScalars.One);
        var valid = index.ge(HeldScalars.Zero).logical_and(index.lt(end));
        index = index.clamp(HeldScalars.Zero, last);
        var shape = values.shape.ToArray();
        shape[dim] = size;
        var view = dim == 2 ? new long[] { s, 1, size, 1 } : new long[] { s, 1, 1, size };
        return values.gather(dim, index.view(view).expand(shape)) * valid.view(view).to_type(values.dtype);
    }
}
