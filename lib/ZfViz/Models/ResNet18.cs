using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ZfViz.Models;

/// <summary>
/// ResNet-18 as a TorchSharp module, laid out like the ImageNet network in the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 (a CNTK export; load it with <see cref="LoadImageNet"/>). Note: that
/// file's last stage has three basic blocks, not two (2,2,2,3 blocks; 15.9 M parameters without a classifier); the
/// importer reads the block counts from the graph, and <c>new ResNet18()</c> builds the standard 2,2,2,2. Input
/// [N,3,224,224] in the package's own preprocessing (BGR, 0..255 minus a mean image; see
/// <see cref="ResNet18Preprocessing"/>); output the 512-d global-average-pooled features [N,512] (no classifier).
///
/// Stages (top-level children, in order; each name is also a hook point and a <see cref="ForwardTo"/> target):
/// <code>
/// conv1    Sequential(pad: ZeroPad2d top/left 3, bottom/right 2; conv: 7x7/2 64; bn; relu)   64 x 112 x 112
/// pool1    ResNet18MaxPool 3x3/2, pads [1,1,0,0]                                              64 x 56 x 56
/// layer1   Sequential("0","1": ResNet18Block 64)                                              64 x 56 x 56
/// layer2   Sequential("0": ResNet18Block 64->128 /2, "1": 128)                               128 x 28 x 28
/// layer3   Sequential("0": ResNet18Block 128->256 /2, "1": 256)                              256 x 14 x 14
/// layer4   Sequential("0": ResNet18Block 256->512 /2, "1", "2": 512)                         512 x 7 x 7
/// avgpool  global average pool, flattened                                                     512
/// </code>
/// The ONNX graph fixes its input batch at 1; this module takes any batch N. Parameter names follow, e.g. <c>conv1.conv.weight</c>, <c>layer2.0.downsample.conv.weight</c>,
/// <c>layer3.1.bn2.running_var</c>. The ONNX graph's 7x7 average pool equals the global average for 224 inputs;
/// the module averages globally so other input sizes work too.
/// </summary>
public sealed class ResNet18 : Module<Tensor, Tensor>
{
    public static readonly IReadOnlyList<string> StageNames = ["conv1", "pool1", "layer1", "layer2", "layer3", "layer4", "avgpool"];
    public const int FeatureCount = 512;
    public const int InputSize = 224;
    /// <summary>Channels of each spatial stage's output.</summary>
    public static readonly IReadOnlyDictionary<string, int> StageChannels = new Dictionary<string, int>
    {
        ["conv1"] = 64, ["pool1"] = 64, ["layer1"] = 64, ["layer2"] = 128, ["layer3"] = 256, ["layer4"] = 512, ["avgpool"] = 512,
    };

    public ZeroPad2d Conv1Pad { get; }
    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn1 { get; }
    public ResNet18MaxPool Pool1 { get; }
    /// <summary>layer1..layer4, their blocks in order.</summary>
    public IReadOnlyList<IReadOnlyList<ResNet18Block>> Layers { get; }

    readonly List<(string Name, Module<Tensor, Tensor> Module)> stages = [];

    /// <summary>Zero padding of the stem convolution as (top, left, bottom, right), ONNX order.</summary>
    public static readonly (int Top, int Left, int Bottom, int Right) Conv1Pads = (3, 3, 2, 2);

    /// <summary>The batch norms' epsilon (1e-5 in the ONNX file).</summary>
    public double BatchNormEps { get; }

    /// <summary>Basic blocks in layer1..layer4.</summary>
    public IReadOnlyList<int> BlocksPerLayer { get; }

    /// <summary>
    /// A randomly initialised network (PyTorch's default initialisation) with the given blocks per layer
    /// (default 2,2,2,2, the standard ResNet-18); batch norm eps as in the ONNX file.
    /// </summary>
    public ResNet18(IReadOnlyList<int>? blocksPerLayer = null, double eps = 1e-5, string name = "resnet18") : base(name)
    {
        BlocksPerLayer = blocksPerLayer ?? [2, 2, 2, 2];
        BatchNormEps = eps;
        if (BlocksPerLayer.Count != 4 || BlocksPerLayer.Any(b => b < 1))
            throw new ArgumentException($"ResNet-18 needs four layers of at least one block; got [{string.Join(",", BlocksPerLayer)}].");
        Conv1Pad = ZeroPad2d((Conv1Pads.Left, Conv1Pads.Right, Conv1Pads.Top, Conv1Pads.Bottom));
        Conv1 = Conv2d(3, 64, 7, stride: 2, padding: 0L, bias: false);
        Bn1 = BatchNorm2d(64, eps: eps);
        stages.Add(("conv1", new GuardedSequence("conv1", ("pad", Conv1Pad), ("conv", Conv1), ("bn", Bn1), ("relu", ReLU())))); // conv via the numerics guard
        Pool1 = new ResNet18MaxPool();
        stages.Add(("pool1", Pool1));
        var layers = new List<IReadOnlyList<ResNet18Block>>();
        int channels = 64;
        foreach (var (width, index) in new[] { 64, 128, 256, 512 }.Select((w, i) => (w, i)))
        {
            int stride = index == 0 ? 1 : 2;
            var blocks = Enumerable.Range(0, BlocksPerLayer[index])
                .Select(b => new ResNet18Block(b.ToString(), b == 0 ? channels : width, width, b == 0 ? stride : 1, eps))
                .ToArray();
            layers.Add(blocks);
            stages.Add(($"layer{index + 1}", Sequential(blocks.Select(b => (b.GetName(), (Module<Tensor, Tensor>)b)))));
            channels = width;
        }
        Layers = layers;
        stages.Add(("avgpool", Sequential(("pool", AdaptiveAvgPool2d(1)), ("flatten", Flatten()))));
        foreach (var (n, m) in stages) register_module(n, m);
    }

    /// <summary>The stage module (for hooks) by name; see <see cref="StageNames"/>.</summary>
    public Module<Tensor, Tensor> Stage(string name) =>
        stages.FirstOrDefault(s => s.Name == name).Module
        ?? throw new ArgumentException($"ResNet-18 has no stage '{name}'; stages are {string.Join(", ", StageNames)}.");

    public static void CheckStage(string stage)
    {
        if (!StageNames.Contains(stage))
            throw new ArgumentException($"ResNet-18 has no stage '{stage}'; stages are {string.Join(", ", StageNames)}.");
    }

    /// <summary>Output shape [C,H,W] of a spatial stage ([512] for avgpool) for a square input of the given side.</summary>
    public static long[] StageShape(string stage, long inputSize = InputSize)
    {
        CheckStage(stage);
        long s = (inputSize + Conv1Pads.Top + Conv1Pads.Bottom - 7) / 2 + 1;
        if (stage == "conv1") return [64, s, s];
        s = ResNet18MaxPool.OutputSize(s);
        if (stage is "pool1" or "layer1") return [64, s, s];
        foreach (var (name, c) in new[] { ("layer2", 128L), ("layer3", 256L), ("layer4", 512L) })
        {
            s = (s + 1 - 3) / 2 + 1;
            if (stage == name) return [c, s, s];
        }
        return [FeatureCount];
    }

    public override Tensor forward(Tensor input) => ForwardTo(input, "avgpool");

    /// <summary>Runs the network up to and including <paramref name="stage"/> and returns that stage's output.</summary>
    public Tensor ForwardTo(Tensor input, string stage)
    {
        CheckStage(stage);
        CheckInput(input);
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var (name, module) in stages)
        {
            x = module.call(x);
            if (name == stage) break;
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Every stage's output, in order (costs the memory of all of them).</summary>
    public Dictionary<string, Tensor> ForwardStages(Tensor input)
    {
        CheckInput(input);
        var outputs = new Dictionary<string, Tensor>();
        var x = input;
        foreach (var (name, module) in stages) outputs[name] = x = module.call(x);
        return outputs;
    }

    /// <summary>Throws a clear <see cref="ArgumentException"/> for inputs this network cannot take.</summary>
    public static void CheckInput(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != 3)
            throw new ArgumentException($"ResNet-18 expects images [N,3,H,W]; got [{string.Join(",", input.shape)}].");
        if (input.shape[2] < 32 || input.shape[3] < 32)
            throw new ArgumentException($"ResNet-18 needs images of at least 32x32 pixels; got {input.shape[2]}x{input.shape[3]}.");
        if (PooledSize(input.shape[2]) % 8 != 0 || PooledSize(input.shape[3]) % 8 != 0)
            throw new ArgumentException(
                $"ResNet-18 with the CNTK paddings needs even map sizes entering layer2..layer4 (after the stem: a multiple of 8); " +
                $"a {input.shape[2]}x{input.shape[3]} input gives {PooledSize(input.shape[2])}x{PooledSize(input.shape[3])}. Use e.g. 224x224.");
    }

    /// <summary>Side of the stem's output (pool1) for an input side.</summary>
    public static long PooledSize(long inputSize) =>
        ResNet18MaxPool.OutputSize((inputSize + Conv1Pads.Top + Conv1Pads.Bottom - 7) / 2 + 1);

    /// <summary>
    /// The ImageNet-trained network from the NuGet package (or $ZFVIZ_RESNET18_ONNX), in evaluation mode on the CPU.
    /// Move it with <c>.to(device)</c>.
    /// </summary>
    public static ResNet18 LoadImageNet(string? onnxPath = null) => ResNet18Onnx.Load(onnxPath ?? ResNet18Package.NetworkOnnx());
}
