namespace ZfViz.Deconv;

/// <summary>
/// One activation of a layer, of any network (ZFNet conv layer or ResNet-18 stage): image (index in the batch or
/// data set), feature map, position, value. What <see cref="Analysis.TopK"/> finds and the deconvnets project.
/// </summary>
public readonly record struct ActivationPoint(long Image, int Feature, int Y, int X, float Value);
