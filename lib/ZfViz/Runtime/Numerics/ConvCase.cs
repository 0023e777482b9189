namespace ZfViz.Runtime.Numerics;

/// <summary>
/// One convolution shape the numerics probe checks: channels, square kernel, stride, padding, square input size,
/// groups, and the batch it runs on (one image for the 224-pixel networks, whose float64 reference is slow).
/// </summary>
public sealed record ConvCase(int InChannels, int OutChannels, int Kernel, int Stride, int Padding, int Size, int Groups = 1, int Batch = 4)
{
    public override string ToString() =>
        $"{InChannels}->{OutChannels} {Kernel}x{Kernel}/{Stride} at {Size}x{Size}" + (Groups > 1 ? $" in {Groups} groups" : "");
}
