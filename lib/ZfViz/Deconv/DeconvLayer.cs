namespace ZfViz.Deconv;

/// <summary>
/// One convolutional layer (conv1, conv2, ...) as an ordered list of steps. Its activation, the thing the deconvnet
/// projects and the top-9 search ranks, is the output of the step at <see cref="TapIndex"/>: the layer's ReLU
/// (before pooling and normalisation).
/// </summary>
public sealed class DeconvLayer
{
    public DeconvLayer(string name, IReadOnlyList<DeconvStep> steps)
    {
        if (steps.Count == 0 || steps.OfType<ConvStep>().Count() != 1)
            throw new ArgumentException($"Layer {name}: expected exactly one convolution; got steps [{string.Join(", ", steps)}].");
        Name = name;
        Steps = steps;
        int relu = steps.ToList().FindIndex(s => s is ReluStep);
        TapIndex = relu >= 0 ? relu : steps.ToList().FindIndex(s => s is ConvStep);
    }

    public string Name { get; }
    public IReadOnlyList<DeconvStep> Steps { get; }
    public int TapIndex { get; }
    public ConvStep Conv => Steps.OfType<ConvStep>().Single();
    public int Channels => Conv.OutChannels;

    public override string ToString() => $"{Name} [{string.Join(" -> ", Steps)}]";
}
