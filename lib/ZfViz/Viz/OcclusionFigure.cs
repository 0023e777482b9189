using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using ZfViz.Analysis;
using static TorchSharp.torch;

namespace ZfViz.Viz;

/// <summary>
/// The paper's row of panels for one image (Fig. 7): (a) the image with the occluder's size drawn in its top-left
/// corner, (b) the chosen map's total activation per square position, (c) the map's projection on the unoccluded image,
/// and, when the model has a classifier, (d) p(target class) and (e) the most probable class per position, with a
/// legend. Heatmaps are upsampled to the image size: each pixel shows the value of the position whose square is
/// centred nearest to it. (b) is coloured from its own minimum to maximum, (d) from 0 to 1 (absolute probabilities).
/// </summary>
public static class OcclusionFigure
{
    const int Gap = 8, LabelScale = 2, LabelHeight = PixelFont.GlyphHeight * LabelScale + 6, BarHeight = 8;
    static readonly Rgb24 Background = new(255, 255, 255), Ink = new(30, 30, 30);

    /// <summary>Five stops of a viridis-like colour map (dark purple, blue, teal, green, yellow).</summary>
    static readonly (float R, float G, float B)[] Stops = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];

    /// <summary>Distinct colours for classes (a ten-colour qualitative palette, repeated with a darker shade beyond ten).</summary>
    static readonly Rgb24[] Palette =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189),
        new(140, 86, 75), new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207),
    ];

    /// <summary>
    /// Draws the row. <paramref name="image"/> is the photo as shown, RGB [3,H,W] in 0..1; <paramref name="projection"/>
    /// the projection [C,H,W] in the same channel order (shown like the top-9 sheets: zero at mid-grey); class names
    /// label panel (e). Each image pixel becomes a <paramref name="scale"/>² block.
    /// </summary>
    public static Image<Rgb24> Render(OcclusionResult result, Tensor image, Tensor? projection, IReadOnlyList<string>? classNames = null, int scale = 4)
    {
        int h = result.ImageHeight, w = result.ImageWidth;
        if (image.dim() != 3 || image.shape[0] != 3 || image.shape[1] != h || image.shape[2] != w)
            throw new ArgumentException($"image must be RGB [3,{h},{w}] like the occluded input; got [{string.Join(",", image.shape)}].", nameof(image));
        if (projection is not null && (projection.dim() != 3 || projection.shape[1] != h || projection.shape[2] != w))
            throw new ArgumentException($"projection must be [C,{h},{w}]; got [{string.Join(",", projection.shape)}].", nameof(projection));
        if (scale < 1) throw new ArgumentException("scale must be at least 1.", nameof(scale));

        int pw = w * scale, ph = h * scale;
        int panels = 2 + (projection is null ? 0 : 1) + (result.HasClassifier ? 2 : 0);
        var topClasses = result.Classifier is { } classifier ? ClassesByArea(classifier.TopClass) : [];
        int legendRows = Math.Min(topClasses.Count, 8);
        int below = BarHeight + 4 + PixelFont.GlyphHeight * LabelScale + 4;
        int legendHeight = legendRows * (PixelFont.GlyphHeight * LabelScale + 4);
        int height = LabelHeight + ph + Math.Max(below, result.HasClassifier ? legendHeight + 4 : 0) + 4;
        var canvas = new Image<Rgb24>(panels * pw + (panels + 1) * Gap, height, Background);

        int x0 = Gap, y0 = LabelHeight;
        char letter = 'a';
        void Label(string text) => PixelFont.Draw(canvas, x0, 2, $"{letter++} {text}", Ink, LabelScale);

        // (a) the image and the square's size in its corner.
        Label("image");
        var pixels = ToRgb(image.to(CPU).to_type(ScalarType.Float32).clamp(0, 1));
        DrawPixels(canvas, x0, y0, h, w, scale, (y, x) => pixels[y, x]);
        int s = result.Size * scale;
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
            {
                bool edge = y == 0 || x == 0 || y == s - 1 || x == s - 1;
                canvas[x0 + x, y0 + y] = edge ? new Rgb24(255, 255, 255) : new Rgb24(128, 128, 128);
            }
        x0 += pw + Gap;

        // (b) the map's total activation.
        Label($"{result.Layer} map {result.Feature}");
        float min = Flatten(result.Activation).Min(), max = Flatten(result.Activation).Max();
        DrawHeatmap(canvas, x0, y0, result, result.Activation, min, max, scale);
        ColourBar(canvas, x0, y0 + ph + 4, pw, min, max);
        x0 += pw + Gap;

        // (c) the projection.
        if (projection is not null)
        {
            Label("projection");
            var (bytes, _, _) = TopNineSheet.ProjectionPixels(projection);
            DrawPixels(canvas, x0, y0, h, w, scale, (y, x) => { int o = (y * w + x) * 3; return new Rgb24(bytes[o], bytes[o + 1], bytes[o + 2]); });
            x0 += pw + Gap;
        }

        if (result.Classifier is { Probability: var probability, TopClass: var top } read)
        {
            // (d) p(target class), on the absolute 0..1 scale.
            string target = Name(classNames, read.TargetClass);
            Label($"p({target})");
            DrawHeatmap(canvas, x0, y0, result, probability, 0, 1, scale);
            ColourBar(canvas, x0, y0 + ph + 4, pw, 0, 1);
            x0 += pw + Gap;

            // (e) the most probable class, with a legend of the classes that occur (largest area first).
            Label("top class");
            DrawPixels(canvas, x0, y0, h, w, scale, (y, x) => { var (r, c) = Cell(result, y, x); return ClassColour(top[r, c]); });
            int ly = y0 + ph + 4;
            foreach (var k in topClasses.Take(legendRows))
            {
                int box = PixelFont.GlyphHeight * LabelScale;
                for (int y = 0; y < box; y++)
                    for (int x = 0; x < box; x++) canvas[x0 + x, ly + y] = ClassColour(k);
                PixelFont.Draw(canvas, x0 + box + 4, ly, Name(classNames, k), Ink, LabelScale);
                ly += box + 4;
            }
        }
        return canvas;
    }

    /// <summary>The colour map at t in 0..1 (clamped): linear between five stops.</summary>
    public static Rgb24 Colour(double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1) * (Stops.Length - 1);
        int i = Math.Min((int)t, Stops.Length - 2);
        double f = t - i;
        var (a, b) = (Stops[i], Stops[i + 1]);
        return new Rgb24((byte)Math.Round(a.R + f * (b.R - a.R)), (byte)Math.Round(a.G + f * (b.G - a.G)), (byte)Math.Round(a.B + f * (b.B - a.B)));
    }

    /// <summary>The colour of class <paramref name="k"/> in panel (e).</summary>
    public static Rgb24 ClassColour(int k)
    {
        var c = Palette[k % Palette.Length];
        int shade = k / Palette.Length % 3; // beyond ten classes: darker, then lighter variants
        return shade switch
        {
            0 => c,
            1 => new Rgb24((byte)(c.R / 2), (byte)(c.G / 2), (byte)(c.B / 2)),
            _ => new Rgb24((byte)((c.R + 255) / 2), (byte)((c.G + 255) / 2), (byte)((c.B + 255) / 2)),
        };
    }

    /// <summary>The grid cell whose square is centred nearest to pixel (y, x).</summary>
    public static (int Row, int Column) Cell(OcclusionResult r, int y, int x)
    {
        double half = (r.Size - 1) / 2.0;
        int row = (int)Math.Clamp(Math.Round((y - half) / r.Stride, MidpointRounding.AwayFromZero), 0, r.GridHeight - 1);
        int column = (int)Math.Clamp(Math.Round((x - half) / r.Stride, MidpointRounding.AwayFromZero), 0, r.GridWidth - 1);
        return (row, column);
    }

    static void DrawHeatmap(Image<Rgb24> canvas, int x0, int y0, OcclusionResult r, float[,] values, float min, float max, int scale)
    {
        float range = max > min ? max - min : 1;
        DrawPixels(canvas, x0, y0, r.ImageHeight, r.ImageWidth, scale, (y, x) =>
        {
            var (row, column) = Cell(r, y, x);
            return Colour((values[row, column] - min) / range);
        });
    }

    static void ColourBar(Image<Rgb24> canvas, int x0, int y0, int width, float min, float max)
    {
        for (int x = 0; x < width; x++)
        {
            var c = Colour(width == 1 ? 0 : (double)x / (width - 1));
            for (int y = 0; y < BarHeight; y++) canvas[x0 + x, y0 + y] = c;
        }
        string lo = Number(min), hi = Number(max);
        PixelFont.Draw(canvas, x0, y0 + BarHeight + 3, lo, Ink, LabelScale);
        PixelFont.Draw(canvas, x0 + width - PixelFont.Width(hi, LabelScale), y0 + BarHeight + 3, hi, Ink, LabelScale);
    }

    static string Number(float v) =>
        Math.Abs(v) >= 100 ? v.ToString("0", CultureInfo.InvariantCulture) : Math.Abs(v) >= 1 ? v.ToString("0.0", CultureInfo.InvariantCulture) : v.ToString("0.00", CultureInfo.InvariantCulture);

    static string Name(IReadOnlyList<string>? names, int k) => names is not null && k >= 0 && k < names.Count ? names[k] : k.ToString(CultureInfo.InvariantCulture);

    static void DrawPixels(Image<Rgb24> canvas, int x0, int y0, int h, int w, int scale, Func<int, int, Rgb24> colourAt)
    {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var c = colourAt(y, x);
                for (int dy = 0; dy < scale; dy++)
                    for (int dx = 0; dx < scale; dx++) canvas[x0 + x * scale + dx, y0 + y * scale + dy] = c;
            }
    }

    static Rgb24[,] ToRgb(Tensor chw)
    {
        int h = (int)chw.shape[1], w = (int)chw.shape[2];
        var bytes = (chw * 255).round().to_type(ScalarType.Byte).permute(1, 2, 0).contiguous().data<byte>().ToArray();
        var result = new Rgb24[h, w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int o = (y * w + x) * 3;
                result[y, x] = new Rgb24(bytes[o], bytes[o + 1], bytes[o + 2]);
            }
        return result;
    }

    static IEnumerable<float> Flatten(float[,] values) => values.Cast<float>();

    static List<int> ClassesByArea(int[,] classes) =>
        classes.Cast<int>().GroupBy(k => k).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).ToList();
}
