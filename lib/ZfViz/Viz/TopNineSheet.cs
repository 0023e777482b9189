using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using ZfViz.Analysis;
using ZfViz.Deconv;
using static TorchSharp.torch;

namespace ZfViz.Viz;

/// <summary>Where one cell of a sheet was drawn (pixels of the sheet) and what it shows.</summary>
public sealed record SheetCell(string Layer, int Feature, int Rank, bool IsProjection, int Left, int Top, int Width, int Height, TopKCell Cell);

/// <summary>A rendered Fig. 2 sheet and the position of every cell in it.</summary>
public sealed record TopNineSheetImage(Image<Rgb24> Image, IReadOnlyList<SheetCell> Cells);

/// <summary>
/// Zeiler &amp; Fergus Fig. 2 layout: for every feature map a 3x3 grid of the projections of its top-9 activations
/// beside a 3x3 grid of the image patches that caused them, many maps per sheet, each block labelled with its map
/// index. Display conventions:
/// <list type="bullet">
/// <item>Each projection is scaled on its own: zero is mid-grey, and the 99.5th percentile of its non-zero absolute
/// values (over pixels and colour channels) reaches full contrast (0.5 + 0.5 x / q, clamped), so structure shows
/// whatever its strength and a few extreme pixels cannot grey out the rest.</item>
/// <item>Cells show the receptive field; where it is larger than the image (deep layers of CIFAR-scale networks),
/// the whole image. Hatched: what is not both in the image and in the field (a field reaching past the image border,
/// or image rows/columns a larger-than-image field does not cover). Fields clipped at the border get an orange frame.</item>
/// </list>
/// </summary>
public static class TopNineSheet
{
    static readonly Rgb24 Background = new(255, 255, 255);
    static readonly Rgb24 ClippedFrame = new(255, 140, 0);
    static readonly Rgb24 HatchLight = new(200, 200, 200), HatchDark = new(150, 150, 150);
    const int MinCellPixels = 48;

    /// <param name="features">Maps of one layer (or several; each block is labelled with its map index only).</param>
    /// <param name="imageHeight">Height of the network input (to place cells of fields larger than the image).</param>
    /// <param name="columns">Feature blocks per row.</param>
    public static TopNineSheetImage Render(IReadOnlyList<TopKFeature> features, int imageHeight, int imageWidth, int columns = 4, int? scale = null)
    {
        if (features.Count == 0) throw new ArgumentException("Nothing to draw: no feature maps given.");
        var first = features.SelectMany(f => f.Cells).FirstOrDefault() ?? throw new ArgumentException("The feature maps have no top activations.");
        int viewH = Math.Min(first.Window.Height, imageHeight), viewW = Math.Min(first.Window.Width, imageWidth);
        int s = scale ?? Math.Max(1, (MinCellPixels + Math.Max(viewH, viewW) - 1) / Math.Max(viewH, viewW));
        int cellW = viewW * s, cellH = viewH * s, gap = 2, pad = 6, label = 9;
        int gridW = 3 * cellW + 2 * gap, gridH = 3 * cellH + 2 * gap;
        int blockW = 2 * gridW + pad, blockH = label + gridH;
        columns = Math.Clamp(columns, 1, features.Count);
        int rows = (features.Count + columns - 1) / columns;
        var image = new Image<Rgb24>(columns * blockW + (columns + 1) * 2 * pad, rows * blockH + (rows + 1) * 2 * pad, Background);
        var cells = new List<SheetCell>();
        for (int i = 0; i < features.Count; i++)
        {
            var f = features[i];
            int bx = 2 * pad + (i % columns) * (blockW + 2 * pad), by = 2 * pad + (i / columns) * (blockH + 2 * pad);
            PixelFont.Draw(image, bx, by, $"{f.Feature}", new Rgb24(0, 0, 0));
            for (int r = 0; r < f.Cells.Count && r < 9; r++)
            {
                var cell = f.Cells[r];
                var view = View(cell.Window, imageHeight, imageWidth);
                int cx = bx + (r % 3) * (cellW + gap), cy = by + label + (r / 3) * (cellH + gap);
                DrawCell(image, cx, cy, s, view, cell, ProjectionPixels(cell.Projection), cell.Window, imageHeight, imageWidth);
                cells.Add(new SheetCell(f.Layer, f.Feature, r, true, cx, cy, cellW, cellH, cell));
                int px = cx + gridW + pad;
                DrawCell(image, px, cy, s, view, cell, PatchPixels(cell.Patch), cell.Window, imageHeight, imageWidth);
                cells.Add(new SheetCell(f.Layer, f.Feature, r, false, px, cy, cellW, cellH, cell));
            }
        }
        return new TopNineSheetImage(image, cells);
    }

    /// <summary>The part of the input a cell shows: the receptive field, or the whole image where the field is larger.</summary>
    static PixelWindow View(PixelWindow field, int imageHeight, int imageWidth)
    {
        int h = Math.Min(field.Height, imageHeight), w = Math.Min(field.Width, imageWidth);
        int top = field.Height > imageHeight ? 0 : field.Top, left = field.Width > imageWidth ? 0 : field.Left;
        return new PixelWindow(top, left, h, w);
    }

    /// <summary>The fraction of non-zero |values| below the value shown at full contrast.</summary>
    public const double ContrastQuantile = 0.995;

    /// <summary>Projection [C,h,w] -> bytes [h,w,3] with zero at mid-grey and the 99.5th percentile of |x| at full contrast (shared with the other sheets).</summary>
    public static (byte[] Pixels, int Height, int Width) ProjectionPixels(Tensor projection)
    {
        using var scope = NewDisposeScope();
        var x = projection.to(CPU).to_type(ScalarType.Float32);
        // A robust maximum: over a large field (ResNet layer4: 563 px) a few extreme pixels would leave the rest grey.
        var magnitudes = x.abs().flatten();
        var nonZero = magnitudes[magnitudes > 0];
        var scale = nonZero.numel() == 0 ? 0f : quantile(nonZero, tensor(ContrastQuantile, ScalarType.Float32)).item<float>();
        var y = scale > 0 ? (x / (2 * scale) + 0.5f).clamp(0, 1) : full_like(x, 0.5f);
        return ToBytes(y);
    }

    static (byte[] Pixels, int Height, int Width) PatchPixels(Tensor patch) => ToBytes(patch.to(CPU).to_type(ScalarType.Float32).clamp(0, 1));

    static (byte[] Pixels, int Height, int Width) ToBytes(Tensor chw)
    {
        using var scope = NewDisposeScope();
        var x = chw.shape[0] == 1 ? chw.expand(3, -1, -1) : chw;
        var bytes = (x * 255).round().to_type(ScalarType.Byte).permute(1, 2, 0).contiguous().data<byte>().ToArray();
        return (bytes, (int)chw.shape[1], (int)chw.shape[2]);
    }

    static void DrawCell(Image<Rgb24> image, int x0, int y0, int s, PixelWindow view, TopKCell cell,
        (byte[] Pixels, int Height, int Width) data, PixelWindow field, int imageHeight, int imageWidth)
    {
        for (int vy = 0; vy < view.Height; vy++)
            for (int vx = 0; vx < view.Width; vx++)
            {
                int iy = view.Top + vy, ix = view.Left + vx; // input pixel
                int fy = iy - field.Top, fx = ix - field.Left; // position in the field tensors
                bool outside = iy < 0 || ix < 0 || iy >= imageHeight || ix >= imageWidth
                               || fy < 0 || fx < 0 || fy >= field.Height || fx >= field.Width;
                Rgb24 colour;
                if (outside) colour = default;
                else
                {
                    int o = (fy * data.Width + fx) * 3;
                    colour = new Rgb24(data.Pixels[o], data.Pixels[o + 1], data.Pixels[o + 2]);
                }
                for (int dy = 0; dy < s; dy++)
                    for (int dx = 0; dx < s; dx++)
                    {
                        int px = x0 + vx * s + dx, py = y0 + vy * s + dy;
                        image[px, py] = outside ? (((px + py) / 3) % 2 == 0 ? HatchLight : HatchDark) : colour;
                    }
            }
        if (cell.Clipped)
        {
            int w = view.Width * s, h = view.Height * s;
            for (int i = 0; i < w; i++) { image[x0 + i, y0] = ClippedFrame; image[x0 + i, y0 + h - 1] = ClippedFrame; }
            for (int i = 0; i < h; i++) { image[x0, y0 + i] = ClippedFrame; image[x0 + w - 1, y0 + i] = ClippedFrame; }
        }
    }
}
