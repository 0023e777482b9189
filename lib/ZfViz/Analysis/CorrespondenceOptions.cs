namespace ZfViz.Analysis;

/// <summary>Settings of <see cref="Correspondence.Measure"/>.</summary>
public sealed record CorrespondenceOptions
{
    /// <summary>Side of the grey square in pixels (clipped at the image border).</summary>
    public int SquareSize { get; init; } = 40;

    /// <summary>
    /// Occlusions per annotated part: draw 0 at the annotated centres, each further draw moves every image's square
    /// by its own random offset of up to <see cref="JitterPixels"/> in x and y (the annotation's uncertainty); the
    /// part's mean and std are over these draws.
    /// </summary>
    public int JitterDraws { get; init; } = 5;

    public int JitterPixels { get; init; } = 4;

    /// <summary>Random squares, each at the same position in every image; mean and std are over these draws. 0: none.</summary>
    public int RandomDraws { get; init; } = 10;

    /// <summary>
    /// A control for the spatial layers (0: none): each draw occludes, in every image, one of the annotated parts
    /// chosen at random for that image (never the same part in all images). The squares then lie as far apart between
    /// images as for one part, but cover different parts: a part below "mixed" is correspondence beyond position.
    /// Δ of a mixed draw averages only the pairs of images whose parts differ.
    /// </summary>
    public int MixedDraws { get; init; }

    /// <summary>Keep random squares off the annotated parts (no overlap with any part's square in any image).</summary>
    public bool RandomAvoidsParts { get; init; } = true;

    /// <summary>Seeds the jitter and the random positions.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// A feature change |ε| at most this fraction of the layer's largest |feature| (over the originals) counts as
    /// zero: positions the square cannot reach then have sign 0 in every image instead of float round-off signs.
    /// </summary>
    public double ZeroTolerance { get; init; } = 1e-6;

    /// <summary>Value written into the square: the network input's zero is the preprocessing's mean, i.e. grey.</summary>
    public float Fill { get; init; }
}
