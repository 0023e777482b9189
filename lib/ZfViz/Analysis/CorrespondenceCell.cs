namespace ZfViz.Analysis;

/// <summary>
/// Δ of one occluded part at one layer. <see cref="Deltas"/> holds Δ per draw (jitter draw for a part, random
/// position for "random"); <see cref="Mean"/> and <see cref="Std"/> (sample std, 0 for one draw) are over them.
/// <see cref="Pairwise"/>[d][i,j] is the normalised Hamming distance between images i and j in draw d (0 on the diagonal).
/// <see cref="Changed"/> is the fraction of features with sign(ε) ≠ 0, averaged over images and draws: a square that
/// changes few features leaves many 0 = 0 agreements, which lowers Δ by itself.
/// </summary>
public sealed record CorrespondenceCell(string Part, string Layer, double Mean, double Std, IReadOnlyList<double> Deltas,
    IReadOnlyList<double[,]> Pairwise, double Changed);
