namespace ZfViz.Analysis;

/// <summary>The top-k cells of one feature map of one layer, strongest first.</summary>
public sealed record TopKFeature(string Layer, int Feature, IReadOnlyList<TopKCell> Cells);
