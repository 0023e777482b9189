using TorchSharp;
using TorchSharp.Modules;
using ZfViz.Runtime;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using ZfViz.Runtime.Numerics;

namespace ZfViz.Models;

/// <summary>
/// A ZFNet/AlexNet-style network built from a <see cref="NetConfig"/>. Module tree (removed layers are absent):
/// <code>
/// conv1..conv5 : Sequential(conv: Conv2d, relu: ReLU, [pool: MaxPool2d], [norm: CrossMapNorm = LocalResponseNorm's function])
/// fc6, fc7     : Sequential(linear: Linear, relu: ReLU, dropout: Dropout)
/// fc8          : Sequential(linear: Linear)
/// </code>
/// so parameters are named e.g. <c>conv1.conv.weight</c>; checkpoints use PyTorch-style <c>conv1.weight</c>
/// (see <see cref="CheckpointName"/>). The network outputs logits (softmax is applied by the loss / evaluation).
/// <see cref="Precision"/> chooses how <see cref="forward"/> computes (float32, or mixed bfloat16 with float32 weights);
/// <see cref="ForwardLayers"/> and <see cref="ForwardFrom"/>, which the deconvnet and the analyses use, stay float32.
/// </summary>
public sealed class ConvNet : Module<Tensor, Tensor>
{
    public NetConfig Config { get; }

    // Ordered blocks; registered as named children so state_dict names follow the block names.
    readonly List<(string Name, Sequential Block)> blocks = [];
    // Stride, padding and groups of each conv block, for the mixed-precision path's functional convolutions.
    readonly Dictionary<string, ConvLayer> convSpecs = [];
    Precision precision = Precision.Float32;

    public ConvNet(NetConfig config) : base(config.Name)
    {
        Config = config.Validate();
        int channels = config.InputChannels;
        for (int i = 0; i < config.Convs.Count; i++)
        {
            var c = config.Convs[i];
            if (c.Removed) continue;
            var layers = new List<(string, Module<Tensor, Tensor>)>
            {
                ("conv", WithoutStrayTensors(() => Conv2d(channels, c.Filters, c.Kernel, stride: c.Stride, padding: c.Padding, groups: c.Groups))),
                ("relu", ReLU(inplace: false)),
            };
            if (c.Pool is { } p) layers.Add(("pool", MaxPool2d(p.Size, p.Stride, p.Padding)));
            if (c.ContrastNorm) layers.Add(("norm", new CrossMapNorm(c.Filters, config.Norm)));
            blocks.Add((NetConfig.ConvName(i), Sequential(layers)));
            convSpecs[NetConfig.ConvName(i)] = c;
            channels = c.Filters;
        }
        int features = config.FlattenedFeatures;
        foreach (var (name, units) in new[] { ("fc6", config.Fc6), ("fc7", config.Fc7) })
        {
            if (units == 0) continue;
            blocks.Add((name, Sequential(("linear", Linear(features, units)), ("relu", ReLU()), ("dropout", nn.Dropout(config.Dropout)))));
            features = units;
        }
        blocks.Add(("fc8", Sequential(("linear", Linear(features, config.Classes)))));
        foreach (var (name, block) in blocks) register_module(name, block);
    }

    /// <summary>
    /// Builds a module in a dispose scope and keeps only its parameters and buffers: TorchSharp 0.107's Conv2d leaves a
    /// temporary of its bias initialisation to the finalizer.
    /// </summary>
    static T WithoutStrayTensors<T>(Func<T> make) where T : Module
    {
        using var scope = NewDisposeScope();
        var module = make();
        foreach (var p in module.parameters()) p.DetachFromDisposeScope();
        foreach (var b in module.buffers()) b.DetachFromDisposeScope();
        return module;
    }

    /// <summary>Names of the present blocks in forward order (conv1.., fc6, fc7, fc8).</summary>
    public IReadOnlyList<string> BlockNames => blocks.Select(b => b.Name).ToList();

    public Sequential Block(string name) =>
        blocks.FirstOrDefault(b => b.Name == name).Block
        ?? throw new ArgumentException($"{Config.Name} has no block '{name}'; it has {string.Join(", ", BlockNames)}.");

    /// <summary>The Conv2d of a conv block (e.g. "conv1").</summary>
    public Conv2d Conv(string name) => (Conv2d)Block(name).named_children().First(c => c.name == "conv").module;

    /// <summary>The Linear of an fc block (e.g. "fc6").</summary>
    public Linear Fc(string name) => (Linear)Block(name).named_children().First(c => c.name == "linear").module;

    /// <summary>Present conv stages: block name and its spec.</summary>
    public IReadOnlyList<(string Name, ConvLayer Layer)> ConvStages =>
        Config.Convs.Select((c, i) => (NetConfig.ConvName(i), c)).Where(t => !t.c.Removed).ToList();

    /// <summary>
    /// How <see cref="forward"/> computes: <see cref="Runtime.Precision.Float32"/> (default) or
    /// <see cref="Runtime.Precision.Mixed"/>: conv layers (and fc layers with <see cref="MixedPrecisionLinear"/>) on
    /// bfloat16 copies of the activations and of the float32 master weights (autograd carries the gradients back
    /// through the casts to the float32 parameters), ReLU and pooling on those bfloat16 values, contrast normalisation,
    /// the fc layers and the logits in float32. TorchSharp has no autocast, hence the casts by hand. Resolve
    /// <see cref="Runtime.Precision.Auto"/> first (<see cref="MixedPrecisionPolicy.Resolve(Precision)"/>).
    /// </summary>
    public Precision Precision
    {
        get => precision;
        set => precision = value == Precision.Auto
            ? throw new ArgumentException("Resolve Precision.Auto with MixedPrecisionPolicy.Resolve before setting it on a network.")
            : value;
    }

    /// <summary>
    /// Whether mixed precision also runs the fc layers in bfloat16 (default false: they stay float32). Measured on the
    /// 2-core AVX-512 CPU (shared, one run): fc6 of zfnet (9216 -> 4096) at batch 16 took 0.39 s in float32 and 0.12 s
    /// in bfloat16, but casting its 38M float32 weights to bfloat16 took 2.3 s, and a training step's forward and
    /// backward 10.2 s against 5.7 s in float32. Convolutions have few weights for their arithmetic; fc layers do not.
    /// </summary>
    public bool MixedPrecisionLinear { get; set; }

    public override Tensor forward(Tensor input)
    {
        if (precision == Precision.Mixed)
        {
            using var scope = NewDisposeScope();
            var h = input;
            foreach (var (name, _) in blocks) h = ForwardBlock(name, h);
            return h.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
        }
        var x = input;
        foreach (var (name, block) in blocks)
        {
            if (name.StartsWith("fc", StringComparison.Ordinal) && x.dim() > 2) x = x.flatten(1);
            x = RunBlock(block, x);
        }
        return x;
    }

    /// <summary>A block's sub-modules in order; convolutions go through <see cref="ConvChannelPadding"/> (the numerics guard).</summary>
    static Tensor RunBlock(Sequential block, Tensor x)
    {
        if (!ConvChannelPadding.Active) return block.forward(x);
        foreach (var (_, module) in block.named_children()) x = RunModule(module, x);
        return x;
    }

    static Tensor RunModule(nn.Module module, Tensor x) =>
        module is Conv2d conv ? ConvChannelPadding.Conv2d(conv, x) : ((Module<Tensor, Tensor>)module).forward(x);

    /// <summary>
    /// One block of <see cref="forward"/> in the network's <see cref="Precision"/> (flattening before the first fc
    /// block): the benchmark times the layers one by one with it. In mixed precision the result is bfloat16, except
    /// after contrast normalisation (float32).
    /// </summary>
    public Tensor ForwardBlock(string name, Tensor x)
    {
        var block = Block(name);
        if (name.StartsWith("fc", StringComparison.Ordinal) && x.dim() > 2) x = x.flatten(1);
        if (precision != Precision.Mixed) return RunBlock(block, x);
        const ScalarType half = ScalarType.BFloat16;
        foreach (var (_, module) in block.named_children())
        {
            x = module switch
            {
                // through the numerics guard like float32: its padding and layout hold for bfloat16 where the doctor checked them
                Conv2d conv when convSpecs[name] is var c => ConvChannelPadding.Conv2d(x.to_type(half), conv.weight!.to_type(half), conv.bias?.to_type(half),
                    [c.Stride, c.Stride], [c.Padding, c.Padding], c.Groups),
                Linear linear when MixedPrecisionLinear => nn.functional.linear(x.to_type(half), linear.weight!.to_type(half), linear.bias?.to_type(half)),
                Linear linear => linear.forward(x.to_type(ScalarType.Float32)),
                CrossMapNorm norm => norm.forward(x.to_type(ScalarType.Float32)),
                _ => ((Module<Tensor, Tensor>)module).forward(x),
            };
        }
        return x;
    }

    /// <summary>
    /// Forward pass that keeps every intermediate activation. Keys: "conv1.conv", "conv1.relu", "conv1.pool",
    /// "conv1.norm" (present sub-modules only), "conv1" (the block output = its last sub-module), likewise
    /// "fc6.linear", "fc6.relu", "fc6", ..., and "fc8" (logits). The deconvnet projects from "convK.relu"
    /// (pool switches come from "convK.relu" and the pool spec). Dropout is the identity in eval mode.
    /// </summary>
    public Dictionary<string, Tensor> ForwardLayers(Tensor input, string? stopAfter = null)
    {
        var result = new Dictionary<string, Tensor>();
        var x = input;
        foreach (var (name, block) in blocks)
        {
            if (name.StartsWith("fc", StringComparison.Ordinal) && x.dim() > 2) x = x.flatten(1);
            foreach (var (sub, module) in block.named_children())
            {
                x = RunModule(module, x);
                result[$"{name}.{sub}"] = x;
            }
            result[name] = x;
            if (name == stopAfter) break;
        }
        return result;
    }

    /// <summary>Runs the network from the input of block <paramref name="fromBlock"/> to the logits (e.g. for occluded features).</summary>
    public Tensor ForwardFrom(string fromBlock, Tensor x)
    {
        bool on = false;
        foreach (var (name, block) in blocks)
        {
            on |= name == fromBlock;
            if (!on) continue;
            if (name.StartsWith("fc", StringComparison.Ordinal) && x.dim() > 2) x = x.flatten(1);
            x = RunBlock(block, x);
        }
        if (!on) throw new ArgumentException($"{Config.Name} has no block '{fromBlock}'; it has {string.Join(", ", BlockNames)}.");
        return x;
    }

    /// <summary>PyTorch-style checkpoint name of a module parameter: "conv1.conv.weight" -> "conv1.weight", "fc6.linear.bias" -> "fc6.bias".</summary>
    public static string CheckpointName(string parameterName)
    {
        var parts = parameterName.Split('.');
        return parts.Length == 3 ? $"{parts[0]}.{parts[2]}" : parameterName;
    }

    /// <summary>Parameters under their checkpoint names (conv weights [out,in/groups,kh,kw], linear [out,in]).</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> CheckpointParameters() =>
        named_parameters().Select(p => (CheckpointName(p.name), p.parameter)).ToList();
}
