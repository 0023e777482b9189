namespace ZfViz.Models;

/// <summary>
/// Local contrast normalisation across feature maps (torch.nn.LocalResponseNorm):
/// b_c = a_c / (K + Alpha/Size * sum over the Size neighbouring maps of a^2)^Beta.
/// Defaults are Krizhevsky et al.'s (n=5, alpha=1e-4, beta=0.75, k=2) in Caffe's convention, which divides alpha by n;
/// the ZF paper normalises "across feature maps" without giving constants, so it shares AlexNet's.
/// </summary>
public sealed record NormSpec(int Size = 5, double Alpha = 1e-4, double Beta = 0.75, double K = 2.0);
