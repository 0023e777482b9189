using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using ZfViz.Analysis;
using ZfViz.Deconv;

namespace ZfViz.Viz;

/// <summary>
/// Zeiler &amp; Fergus Fig. 4 layout for one layer: a row per feature map ("map F" on the left), a column per
/// checkpoint ("epoch N" on top), each cell the projection of the map's strongest activation at that epoch, scaled as
/// in <see cref="TopNineSheet"/> (each on its own: zero mid-grey, the 99.5th percentile of |x| at full contrast).
/// A cell shows the activation's receptive field, moved inside the image where it reaches past the border (pixels of
/// the view outside the field are zero, so grey), or the whole image where the field is larger than the image; it is
/// upscaled to at least <c>minCellPixels</c> pixels.
/// </summary>
public static class FeatureEvolutionSheet
{
    public const int Margin = 6, Gap = 4, FontScale = 2;
    /// <summary>Height of the column-label strip above the first row (text plus space).</summary>
    public const int HeaderHeight = PixelFont.GlyphHeight * FontScale + 6;
    static readonly Rgb24 Background = new(255, 255, 255), Ink = new(0, 0, 0);

    /// <summary>Upscaling of a layer's cells: the smallest integer factor that makes the view at least <paramref name="minCellPixels"/> wide.</summary>
    public static int CellScale(FeatureEvolutionResult result, string layer, int minCellPixels = 96)
    {
        var (h, w) = ViewSize(result, result.Layer(layer));
        return Math.Max(1, (minCellPixels + Math.Max(h, w) - 1) / Math.Max(h, w));
    }

    /// <summary>Width of the row-label column: the widest "map F" label plus space.</summary>
    public static int LabelWidth(FeatureEvolutionLayer layer) =>
        layer.Maps.Select(m => PixelFont.Width($"map {m.Feature}", FontScale)).DefaultIfEmpty(0).Max() + 8;

    public static Image<Rgb24> Render(FeatureEvolutionResult result, string layer, int minCellPixels = 96)
    {
        var traced = result.Layer(layer);
        if (traced.Maps.Count == 0) throw new ArgumentException($"{traced.Name}: no maps were traced.");
        var (viewH, viewW) = ViewSize(result, traced);
        int s = CellScale(result, layer, minCellPixels);
        int cellW = viewW * s, cellH = viewH * s, labelW = LabelWidth(traced);
        // The column labels need room too: a cell no narrower than its "epoch N".
        int colW = Math.Max(cellW, result.Epochs.Select(e => PixelFont.Width($"epoch {e}", FontScale)).Max());
        int cols = result.Epochs.Count, rows = traced.Maps.Count;
        var image = new Image<Rgb24>(2 * Margin + labelW + cols * colW + (cols - 1) * Gap,
                                     2 * Margin + HeaderHeight + rows * cellH + (rows - 1) * Gap, Background);
        PixelFont.Draw(image, Margin, Margin, traced.Name, Ink, FontScale);
        for (int c = 0; c < cols; c++)
            PixelFont.Draw(image, Margin + labelW + c * (colW + Gap), Margin, $"epoch {result.Epochs[c]}", Ink, FontScale);
        for (int r = 0; r < rows; r++)
        {
            var map = traced.Maps[r];
            int y0 = Margin + HeaderHeight + r * (cellH + Gap);
            PixelFont.Draw(image, Margin, y0 + (cellH - PixelFont.GlyphHeight * FontScale) / 2, $"map {map.Feature}", Ink, FontScale);
            for (int c = 0; c < cols; c++)
            {
                var cell = map.Cells[c];
                var view = View(cell.Cell.Window, viewH, viewW, result.InputHeight, result.InputWidth);
                var shown = cell.Projection[.., view.Top..view.Bottom, view.Left..view.Right];
                var (pixels, _, _) = TopNineSheet.ProjectionPixels(shown);
                Blit(image, Margin + labelW + c * (colW + Gap), y0, pixels, viewH, viewW, s);
            }
        }
        return image;
    }

    /// <summary>A layer's cell size in input pixels: its receptive field, cut to the image.</summary>
    static (int Height, int Width) ViewSize(FeatureEvolutionResult result, FeatureEvolutionLayer layer) =>
        (Math.Min(layer.Field.SizeY, result.InputHeight), Math.Min(layer.Field.SizeX, result.InputWidth));

    /// <summary>The field's window of the given view size, moved inside the image.</summary>
    static PixelWindow View(PixelWindow field, int viewH, int viewW, int imageH, int imageW) =>
        new(Math.Clamp(field.Top, 0, imageH - viewH), Math.Clamp(field.Left, 0, imageW - viewW), viewH, viewW);

    static void Blit(Image<Rgb24> image, int x0, int y0, byte[] pixels, int h, int w, int s)
    {
        for (int y = 0; y < h * s; y++)
            for (int x = 0; x < w * s; x++)
            {
                int o = ((y / s) * w + x / s) * 3;
                image[x0 + x, y0 + y] = new Rgb24(pixels[o], pixels[o + 1], pixels[o + 2]);
            }
    }
}
