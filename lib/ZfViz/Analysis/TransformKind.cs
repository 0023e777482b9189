namespace ZfViz.Analysis;

/// <summary>The image transformations of the paper's Fig. 5 and the unit of their amount.</summary>
public enum TransformKind
{
    /// <summary>Shift down by the amount in pixels (negative: up).</summary>
    VerticalTranslation,
    /// <summary>Zoom about the centre by the amount as a factor (1: identity, 2: twice as large, 0.5: half), same output size.</summary>
    Scale,
    /// <summary>Rotate about the centre by the amount in degrees, counter-clockwise as displayed.</summary>
    Rotation,
}
