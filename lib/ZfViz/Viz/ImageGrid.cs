using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;

namespace ZfViz.Viz;

/// <summary>How to map tensor values to 0..255 for display.</summary>
public enum Scaling
{
    /// <summary>Each tile stretched to its own min..max (filters, projections).</summary>
    PerTile,
    /// <summary>One min..max over the whole batch (keeps relative strength visible).</summary>
    Shared,
    /// <summary>Values already in 0..1 (images).</summary>
    None,
}

/// <summary>Lays out a batch of images (a tensor [N,C,H,W] with C = 1 or 3) as a grid with a gap between tiles.</summary>
public static class ImageGrid
{
    public static Image<Rgb24> Render(torch.Tensor batch, int columns = 8, int gap = 2, int scale = 1,
                                      Scaling scaling = Scaling.PerTile, Rgb24? background = null)
    {
        using var scope = torch.NewDisposeScope();
        if (batch.dim() == 3) batch = batch.unsqueeze(0);
        if (batch.dim() != 4 || (batch.shape[1] != 1 && batch.shape[1] != 3))
            throw new ArgumentException($"ImageGrid expects [N,1|3,H,W]; got [{string.Join(",", batch.shape)}].");
        if (columns < 1 || scale < 1 || gap < 0) throw new ArgumentException("columns and scale must be >= 1, gap >= 0.");

        var x = batch.detach().to(torch.CPU).to_type(torch.ScalarType.Float32);
        x = scaling switch
        {
            Scaling.PerTile => Normalise(x, perTile: true),
            Scaling.Shared => Normalise(x, perTile: false),
            _ => x.clamp(0, 1),
        };
        if (x.shape[1] == 1) x = x.expand(-1, 3, -1, -1);
        var pixels = (x * 255).round().to_type(torch.ScalarType.Byte).permute(0, 2, 3, 1).contiguous().data<byte>().ToArray();

        int n = (int)x.shape[0], h = (int)x.shape[2], w = (int)x.shape[3];
        int cols = Math.Min(columns, Math.Max(n, 1)), rows = (n + cols - 1) / cols;
        int tileW = w * scale, tileH = h * scale;
        var image = new Image<Rgb24>(Math.Max(1, cols * tileW + (cols + 1) * gap), Math.Max(1, rows * tileH + (rows + 1) * gap),
                                     background ?? new Rgb24(255, 255, 255));
        for (int i = 0; i < n; i++)
        {
            int ox = gap + (i % cols) * (tileW + gap), oy = gap + (i / cols) * (tileH + gap);
            for (int y = 0; y < tileH; y++)
            for (int xx = 0; xx < tileW; xx++)
            {
                int src = ((i * h + y / scale) * w + xx / scale) * 3;
                image[ox + xx, oy + y] = new Rgb24(pixels[src], pixels[src + 1], pixels[src + 2]);
            }
        }
        return image;
    }

    static torch.Tensor Normalise(torch.Tensor x, bool perTile)
    {
        var dims = perTile ? new long[] { 1, 2, 3 } : new long[] { 0, 1, 2, 3 };
        var lo = x.amin(dims, keepdim: true);
        var hi = x.amax(dims, keepdim: true);
        return (x - lo) / (hi - lo).clamp_min(1e-12);
    }
}
