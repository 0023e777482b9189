namespace ZfViz.Analysis;

/// <summary>Which activations of a feature map <see cref="TopK"/> keeps.</summary>
public enum TopKRule
{
    /// <summary>
    /// The sheets' rule, the paper's Fig. 2 ("the top 9 activations ... across the validation data", nine different
    /// images per map): every image offers its strongest activation of the map (the first maximum in row-major (y, x)
    /// order), and the k images whose strongest activation is largest are kept, ties to the earlier image.
    /// </summary>
    DistinctImages,

    /// <summary>
    /// The k largest activations over all images and positions, ties by (image, y, x): one image may hold several
    /// (neighbouring positions of one strong patch often do). <c>zfviz top9 --input</c> prints these.
    /// </summary>
    AllPositions,
}
