namespace ZfViz.Deconv;

/// <summary>One activation of a layer: image (index in the batch or data set), feature map, position, value.</summary>
public readonly record struct ActivationPoint(long Image, int Feature, int Y, int X, float Value);
