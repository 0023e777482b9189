using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ZfViz.Viz;

/// <summary>
/// A 3x5 pixel font (digits, the lowercase letters and . - : = ( ), so sheets can be
/// labelled without a font library. Letters are case-insensitive; other characters leave a space.
/// </summary>
public static class PixelFont
{
    public const int GlyphWidth = 3, GlyphHeight = 5, Advance = 4;

    static readonly Dictionary<char, string> Glyphs = new()
    {
        ['0'] = "111101101101111", ['1'] = "010110010010111", ['2'] = "111001111100111", ['3'] = "111001111001111",
        ['4'] = "101101111001001", ['5'] = "111100111001111", ['6'] = "111100111101111", ['7'] = "111001001001001",
        ['8'] = "111101111101111", ['9'] = "111101111001111",
        ['a'] = "010101111101101", ['c'] = "011100100100011", ['e'] = "111100110100111", ['h'] = "101101111101101",
        ['l'] = "100100100100111", ['m'] = "101111111101101", ['n'] = "110101101101101", ['o'] = "010101101101010",
        ['p'] = "110101110100100", ['r'] = "110101110101101", ['v'] = "101101101101010", ['y'] = "101101010010010",
        // The rest of the alphabet and a little punctuation (occlusion figure legends: class names, probabilities).
        ['b'] = "100100110101110", ['d'] = "001001011101011", ['f'] = "011100110100100", ['g'] = "011101011001110",
        ['i'] = "010000010010010", ['j'] = "001000001101010", ['k'] = "101101110101101", ['q'] = "011101011001001",
        ['s'] = "011100010001110", ['t'] = "010111010010011", ['u'] = "101101101101111", ['w'] = "101101111111101",
        ['x'] = "101101010101101", ['z'] = "111001010100111",
        ['.'] = "000000000000010", ['-'] = "000000111000000", [':'] = "000010000010000", ['='] = "000111000111000",
        ['('] = "010100100100010", [')'] = "010001001001010",
    };

    /// <summary>Width in pixels of <paramref name="text"/> drawn at <paramref name="scale"/> (no trailing space).</summary>
    public static int Width(string text, int scale = 1) => text.Length == 0 ? 0 : ((text.Length - 1) * Advance + GlyphWidth) * scale;

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (x, y), each font dot a <paramref name="scale"/>² square; clipped to the image.</summary>
    public static void Draw(Image<Rgb24> image, int x, int y, string text, Rgb24 colour, int scale = 1)
    {
        foreach (var ch in text)
        {
            if (Glyphs.TryGetValue(char.ToLowerInvariant(ch), out var g))
                for (int r = 0; r < GlyphHeight; r++)
                    for (int c = 0; c < GlyphWidth; c++)
                        if (g[r * GlyphWidth + c] == '1')
                            for (int dy = 0; dy < scale; dy++)
                                for (int dx = 0; dx < scale; dx++)
                                {
                                    int px = x + c * scale + dx, py = y + r * scale + dy;
                                    if (px >= 0 && py >= 0 && px < image.Width && py < image.Height) image[px, py] = colour;
                                }
            x += Advance * scale;
        }
    }
}
