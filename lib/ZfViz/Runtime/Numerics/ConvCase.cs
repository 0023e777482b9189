namespace ZfViz.Runtime.Numerics;

/// <summary>One convolution shape the numerics probe checks: channels, square kernel, stride, padding, square input size.</summary>
public sealed record ConvCase(int InChannels, int OutChannels, int Kernel, int Stride, int Padding, int Size)
{
    public override string ToString() => $"{InChannels}->{OutChannels} {Kernel}x{Kernel}/{Stride} at {Size}x{Size}";
}
