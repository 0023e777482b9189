namespace ZfViz.Analysis;

/// <summary>A named part to occlude and its centre in each image (one centre per image, in image order).</summary>
public sealed record OccludedPart(string Name, IReadOnlyList<PixelPoint> Centres);
