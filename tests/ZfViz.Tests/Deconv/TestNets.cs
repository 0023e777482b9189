using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ZfViz.Tests.Deconv;

/// <summary>Hand-made models with the block naming of Models.ConvNet (conv1..conv5; conv, relu, pool, norm) at test-friendly sizes.</summary>
static class TestNets
{
    public record Block(int Filters, int Kernel, int Stride, int Padding, int Groups = 1, (int Size, int Stride, int Padding)? Pool = null, bool Norm = false, bool NormBeforePool = false);

    public static Module<Tensor, Tensor> Build(int inChannels, IReadOnlyList<Block> blocks, long seed = 1)
    {
        torch.random.manual_seed(seed);
        var named = new List<(string, Module<Tensor, Tensor>)>();
        int c = inChannels;
        for (int i = 0; i < blocks.Count; i++)
        {
            var b = blocks[i];
            var parts = new List<(string, Module<Tensor, Tensor>)>
            {
                ("conv", Conv2d(c, b.Filters, b.Kernel, stride: b.Stride, padding: b.Padding, groups: b.Groups)),
                ("relu", ReLU()),
            };
            var pool = b.Pool is { } p ? ("pool", (Module<Tensor, Tensor>)MaxPool2d(p.Size, p.Stride, p.Padding)) : default;
            var norm = ("norm", (Module<Tensor, Tensor>)LocalResponseNorm(5, 1e-4, 0.75, 2));
            if (b.NormBeforePool && b.Norm) parts.Add(norm);
            if (b.Pool is not null) parts.Add(pool);
            if (!b.NormBeforePool && b.Norm) parts.Add(norm);
            named.Add(($"conv{i + 1}", Sequential(parts)));
            c = b.Filters;
        }
        return Sequential(named);
    }

    /// <summary>ZFNet's geometry (Fig. 3, 224x224) with few filters.</summary>
    public static Module<Tensor, Tensor> ZfNetSmall(long seed = 1) => Build(3,
    [
        new(6, 7, 2, 1, Pool: (3, 2, 1), Norm: true),
        new(8, 5, 2, 0, Pool: (3, 2, 1), Norm: true),
        new(8, 3, 1, 1),
        new(8, 3, 1, 1),
        new(6, 3, 1, 1, Pool: (3, 2, 0)),
    ], seed);

    /// <summary>AlexNet's geometry (11x11 stride 4, two groups in conv2/4/5, LRN before pooling) with few filters.</summary>
    public static Module<Tensor, Tensor> AlexNetSmall(long seed = 2) => Build(3,
    [
        new(8, 11, 4, 2, Pool: (3, 2, 0), Norm: true, NormBeforePool: true),
        new(8, 5, 1, 2, Groups: 2, Pool: (3, 2, 0), Norm: true, NormBeforePool: true),
        new(12, 3, 1, 1),
        new(12, 3, 1, 1, Groups: 2),
        new(8, 3, 1, 1, Groups: 2, Pool: (3, 2, 0)),
    ], seed);

    /// <summary>A CIFAR-scale ZFNet-like stack (32x32 input).</summary>
    public static Module<Tensor, Tensor> CifarSmall(long seed = 3) => Build(3,
    [
        new(6, 5, 1, 2, Pool: (3, 2, 1), Norm: true),
        new(8, 3, 1, 1, Pool: (3, 2, 1), Norm: true),
        new(8, 3, 1, 1),
        new(8, 3, 1, 1),
        new(6, 3, 1, 1, Pool: (3, 2, 0)),
    ], seed);
}
