namespace ZfViz.Models;

/// <summary>
/// Named network configs. The paper's two models at 224x224, and CIFAR-10 (32x32x3) / Fashion-MNIST (28x28x1) twins
/// small enough to train on a CPU.
///
/// Scaling rules for the small presets (why each number):
/// <list type="bullet">
/// <item>Structure is kept: five conv stages, max pools 3x3 stride 2 after conv1, conv2, conv5, contrast normalisation
/// after pool1 and pool2, fc6 and fc7 with dropout 0.5, fc8 = classes.</item>
/// <item>The ZFNet-vs-AlexNet difference is kept as a ratio: ZFNet's layer 1 has the smaller filter and half the stride
/// (paper 7x7/2 vs 11x11/4; here 5x5/1 vs 7x7/2) and ZFNet's conv2 has stride 2 where AlexNet's has 1, so both reach
/// conv3 at the same resolution (paper 13x13; here 4x4 for both 32 px and 28 px inputs).</item>
/// <item>Widths are half of the paper's conv1 and 3/8 of the rest (48/96/144/144/96; paper 96/256/384/384/256) and
/// fc 4096 -> 384. Measured with the course profile (10 epochs of 50k CIFAR-10 images, 2-core CPU): these widths
/// reached 35.4% test top-1 error in ~8 minutes; 32/64/96/96/64 with fc 256 reached 41.0% in about the same time
/// (at this size a step is dominated by per-batch overheads, not by FLOPs), so the wider net was kept.</item>
/// <item>Paddings keep "same" convs (5x5 pad 2, 3x3 pad 1), pools padded by 1 so 32 -> 16 -> 8 -> 4 -> 2 (and
/// 28 -> 14 -> 7 -> 4 -> 2) without dropping border pixels.</item>
/// </list>
/// </summary>
public static class Presets
{
    static readonly PoolSpec Pool3s2 = new(3, 2, 0);
    static readonly PoolSpec Pool3s2Pad1 = new(3, 2, 1);

    /// <summary>ZFNet exactly as Fig. 3: 224 -> 110 -> 55 -> 26 -> 13 -> 13 -> 13 -> 13 -> 6, dense connections.</summary>
    public static NetConfig ZfNet { get; } = new NetConfig
    {
        Name = "zfnet",
        InputSize = 224, InputChannels = 3, Classes = 1000, Fc6 = 4096, Fc7 = 4096, Dropout = 0.5,
        Convs =
        [
            new ConvLayer(96, 7, Stride: 2, Padding: 1, Pool: Pool3s2Pad1, ContrastNorm: true),
            new ConvLayer(256, 5, Stride: 2, Padding: 0, Pool: Pool3s2Pad1, ContrastNorm: true),
            new ConvLayer(384, 3, Padding: 1),
            new ConvLayer(384, 3, Padding: 1),
            new ConvLayer(256, 3, Padding: 1, Pool: Pool3s2),
        ],
    }.Validate();

    /// <summary>
    /// AlexNet (Krizhevsky et al. 2012) as in the paper: 96x11x11/4 (pad 2) -> 55, pool -> 27, 256x5x5 pad 2, pool -> 13,
    /// 384/384/256 3x3 pad 1, pool -> 6, fc 4096/4096. Groups as in the paper's two-GPU split: conv2, conv4, conv5 use
    /// 2 groups (conv3 is dense). Contrast normalisation after pool1 and pool2 (AlexNet normalised before pooling; the
    /// order here matches ZFNet so both share one module layout).
    /// </summary>
    public static NetConfig AlexNet { get; } = new NetConfig
    {
        Name = "alexnet",
        InputSize = 224, InputChannels = 3, Classes = 1000, Fc6 = 4096, Fc7 = 4096, Dropout = 0.5,
        Convs =
        [
            new ConvLayer(96, 11, Stride: 4, Padding: 2, Pool: Pool3s2, ContrastNorm: true),
            new ConvLayer(256, 5, Padding: 2, Groups: 2, Pool: Pool3s2, ContrastNorm: true),
            new ConvLayer(384, 3, Padding: 1),
            new ConvLayer(384, 3, Padding: 1, Groups: 2),
            new ConvLayer(256, 3, Padding: 1, Groups: 2, Pool: Pool3s2),
        ],
    }.Validate();

    /// <summary>CIFAR-10 ZFNet: 32 -> conv1 5x5/1 32 -> pool 16 -> conv2 5x5/2 8 -> pool 4 -> conv3-5 4 -> pool 2; fc 384/384.</summary>
    public static NetConfig ZfNetCifar { get; } = SmallZfNet("zfnet-cifar", 32, 3);

    /// <summary>Fashion-MNIST ZFNet: 28 -> 28 -> 14 -> 7 -> 4 -> 4 -> 2, one input channel.</summary>
    public static NetConfig ZfNetFmnist { get; } = SmallZfNet("zfnet-fmnist", 28, 1);

    /// <summary>CIFAR-10 AlexNet twin: conv1 7x7/2 (pad 3) 16 -> pool 8 -> conv2 5x5/1 8 -> pool 4 -> conv3-5 4 -> pool 2. Dense (no groups).</summary>
    public static NetConfig AlexNetCifar { get; } = SmallAlexNet("alexnet-cifar", 32, 3);

    /// <summary>Fashion-MNIST AlexNet twin: 28 -> 14 -> 7 -> 7 -> 4 -> 4 -> 2.</summary>
    public static NetConfig AlexNetFmnist { get; } = SmallAlexNet("alexnet-fmnist", 28, 1);

    public static IReadOnlyList<NetConfig> All { get; } = [ZfNet, AlexNet, ZfNetCifar, ZfNetFmnist, AlexNetCifar, AlexNetFmnist];

    public static IEnumerable<string> Names => All.Select(c => c.Name);

    /// <summary>A preset by name (case-insensitive); unknown names fail with the list of valid ones.</summary>
    public static NetConfig Get(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new UserInputException($"Unknown model '{name}'. Choose one of: {string.Join(", ", Names)}.");

    static NetConfig SmallZfNet(string name, int size, int channels) => new NetConfig
    {
        Name = name,
        InputSize = size, InputChannels = channels, Classes = 10, Fc6 = 384, Fc7 = 384, Dropout = 0.5,
        Convs =
        [
            new ConvLayer(48, 5, Stride: 1, Padding: 2, Pool: Pool3s2Pad1, ContrastNorm: true),
            new ConvLayer(96, 5, Stride: 2, Padding: 2, Pool: Pool3s2Pad1, ContrastNorm: true),
            new ConvLayer(144, 3, Padding: 1),
            new ConvLayer(144, 3, Padding: 1),
            new ConvLayer(96, 3, Padding: 1, Pool: Pool3s2Pad1),
        ],
    }.Validate();

    static NetConfig SmallAlexNet(string name, int size, int channels) => new NetConfig
    {
        Name = name,
        InputSize = size, InputChannels = channels, Classes = 10, Fc6 = 384, Fc7 = 384, Dropout = 0.5,
        Convs =
        [
            new ConvLayer(48, 7, Stride: 2, Padding: 3, Pool: Pool3s2Pad1, ContrastNorm: true),
            new ConvLayer(96, 5, Stride: 1, Padding: 2, Pool: Pool3s2Pad1, ContrastNorm: true),
            new ConvLayer(144, 3, Padding: 1),
            new ConvLayer(144, 3, Padding: 1),
            new ConvLayer(96, 3, Padding: 1, Pool: Pool3s2Pad1),
        ],
    }.Validate();
}
