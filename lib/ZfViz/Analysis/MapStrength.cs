namespace ZfViz.Analysis;

/// <summary>
/// Which feature map counts as "the strongest on the unoccluded image" (Fig. 7 b, the paper does not say which measure).
/// Total: the largest sum over the map's positions, which favours maps that respond weakly everywhere (textures,
/// background). Peak: the largest single activation, the map that responds most to one place (usually the object).
/// </summary>
public enum MapStrength
{
    Total,
    Peak,
}
