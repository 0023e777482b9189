namespace ZfViz.Models;

/// <summary>
/// One convolutional stage: conv (<paramref name="Filters"/> filters of <paramref name="Kernel"/>x<paramref name="Kernel"/>,
/// stride, zero padding, channel groups) -> ReLU -> optional max pool -> optional contrast normalisation.
/// <paramref name="Removed"/> drops the whole stage (conv, ReLU, pool, norm) from the network, as in Table 3's
/// "removed layers 3,4"; the next present stage then reads the previous present stage's maps.
/// </summary>
public sealed record ConvLayer(
    int Filters,
    int Kernel,
    int Stride = 1,
    int Padding = 0,
    int Groups = 1,
    PoolSpec? Pool = null,
    bool ContrastNorm = false,
    bool Removed = false);
