using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZfViz.Models;

/// <summary>
/// Every size of a ZFNet/AlexNet-style network in one record (in the spirit of nanoGPT's GPTConfig), so a what-if is
/// <c>cfg with { Fc6 = 2048 }</c> or <c>cfg.WithConv(3, l =&gt; l with { Filters = 512 })</c>.
/// Layout: conv stages conv1..convN (each conv -> ReLU -> [pool] -> [contrast norm]), flatten, fc6 and fc7
/// (linear -> ReLU -> dropout; a size of 0 removes the layer), fc8 (linear, <see cref="Classes"/> outputs).
/// <see cref="Validate"/> (called by every With* helper and by <see cref="ConvNet"/>'s constructor) rejects a config
/// whose shapes vanish or whose chain breaks, naming the layer and the reason.
/// </summary>
public sealed record NetConfig
{
    public string Name { get; init; } = "custom";
    /// <summary>Square input side in pixels (224 for the paper, 32 for CIFAR-10, 28 for Fashion-MNIST).</summary>
    public int InputSize { get; init; } = 224;
    public int InputChannels { get; init; } = 3;
    /// <summary>Conv stages in order; stage i is named conv{i+1}, its pool pool{i+1}.</summary>
    public IReadOnlyList<ConvLayer> Convs { get; init; } = [];
    /// <summary>Units of fc6 (0 = layer removed).</summary>
    public int Fc6 { get; init; } = 4096;
    /// <summary>Units of fc7 (0 = layer removed).</summary>
    public int Fc7 { get; init; } = 4096;
    /// <summary>Dropout probability after fc6 and fc7 (paper: 0.5).</summary>
    public double Dropout { get; init; } = 0.5;
    public int Classes { get; init; } = 1000;
    /// <summary>Constants of the contrast normalisation used by every stage with ContrastNorm.</summary>
    public NormSpec Norm { get; init; } = new();

    /// <summary>Name of conv stage i (0-based index into <see cref="Convs"/>).</summary>
    public static string ConvName(int index) => $"conv{index + 1}";
    public static string PoolName(int index) => $"pool{index + 1}";

    /// <summary>Copy with conv stage <paramref name="layer"/> (1-based, as in the paper) changed.</summary>
    public NetConfig WithConv(int layer, Func<ConvLayer, ConvLayer> change)
    {
        CheckLayerNumber(layer);
        var convs = Convs.ToArray();
        convs[layer - 1] = change(convs[layer - 1]);
        return (this with { Convs = convs }).Validate();
    }

    /// <summary>Copy with the given conv stages (1-based) removed, e.g. <c>WithoutConv(3, 4)</c> for Table 3.</summary>
    public NetConfig WithoutConv(params int[] layers)
    {
        var cfg = this;
        foreach (var l in layers) cfg = cfg.WithConv(l, c => c with { Removed = true });
        return cfg;
    }

    /// <summary>Copy with the fc sizes changed (0 removes a layer), e.g. <c>WithFc(8192, 8192)</c>.</summary>
    public NetConfig WithFc(int fc6, int fc7) => (this with { Fc6 = fc6, Fc7 = fc7 }).Validate();

    public NetConfig WithClasses(int classes) => (this with { Classes = classes }).Validate();

    public NetConfig WithInput(int size, int channels) => (this with { InputSize = size, InputChannels = channels }).Validate();

    /// <summary>Map shapes through the network: one entry per present conv output and pool output, in order.</summary>
    public IReadOnlyList<StageShape> Stages()
    {
        var stages = new List<StageShape>();
        int channels = InputChannels, size = InputSize;
        string from = "the input";
        for (int i = 0; i < Convs.Count; i++)
        {
            var c = Convs[i];
            if (c.Removed) continue;
            string name = ConvName(i);
            if (c.Filters < 1 || c.Kernel < 1 || c.Stride < 1 || c.Padding < 0 || c.Groups < 1)
                throw new UserInputException($"{Name}: {name} needs Filters, Kernel, Stride, Groups >= 1 and Padding >= 0; got {c}.");
            if (channels % c.Groups != 0 || c.Filters % c.Groups != 0)
                throw new UserInputException(
                    $"{Name}: {name} has {c.Groups} groups but reads {channels} maps from {from} and makes {c.Filters}; both must be divisible by the groups.");
            int outSize = OutputSize(size, c.Kernel, c.Stride, c.Padding);
            if (outSize < 1)
                throw new UserInputException(
                    $"{Name}: {name}'s {c.Kernel}x{c.Kernel} kernel (padding {c.Padding}) does not fit the {size}x{size} maps from {from}: the output would vanish.");
            channels = c.Filters; size = outSize; from = name;
            stages.Add(new StageShape(name, i, StageKind.Conv, channels, size));
            if (c.Pool is { } p)
            {
                string pool = PoolName(i);
                if (p.Size < 1 || p.Stride < 1 || p.Padding < 0 || 2 * p.Padding > p.Size)
                    throw new UserInputException($"{Name}: {pool} needs Size, Stride >= 1 and 0 <= Padding <= Size/2; got {p}.");
                int pooled = OutputSize(size, p.Size, p.Stride, p.Padding);
                if (pooled < 1)
                    throw new UserInputException(
                        $"{Name}: {pool}'s {p.Size}x{p.Size} window (padding {p.Padding}) does not fit the {size}x{size} maps from {name}: the output would vanish.");
                size = pooled; from = pool;
                stages.Add(new StageShape(pool, i, StageKind.Pool, channels, size));
            }
        }
        return stages;
    }

    /// <summary>Length of the vector fed to the first fc layer (last conv stage's maps, flattened).</summary>
    public int FlattenedFeatures
    {
        get { var last = Stages()[^1]; return last.Channels * last.Size * last.Size; }
    }

    /// <summary>Checks the whole chain; returns this config so calls can be chained. Throws ArgumentException naming the layer.</summary>
    public NetConfig Validate()
    {
        if (InputSize < 1 || InputChannels < 1)
            throw new UserInputException($"{Name}: the input needs a positive size and channel count; got {InputSize}x{InputSize}x{InputChannels}.");
        if (Classes < 1) throw new UserInputException($"{Name}: fc8 needs at least one class; got {Classes}.");
        if (Fc6 < 0 || Fc7 < 0) throw new UserInputException($"{Name}: fc6/fc7 sizes must be >= 0 (0 removes the layer); got {Fc6}/{Fc7}.");
        if (Dropout is < 0 or >= 1) throw new UserInputException($"{Name}: dropout must be in [0,1); got {Dropout}.");
        if (Norm.Size < 1 || Norm.Beta < 0 || Norm.K < 0 || Norm.Alpha < 0)
            throw new UserInputException($"{Name}: contrast normalisation needs Size >= 1 and non-negative Alpha, Beta, K; got {Norm}.");
        if (!Convs.Any(c => !c.Removed))
            throw new UserInputException($"{Name}: every conv layer is removed; at least one must remain to feed fc{(Fc6 > 0 ? 6 : Fc7 > 0 ? 7 : 8)}.");
        _ = Stages();
        return this;
    }

    /// <summary>Output side of a conv or pool window (floor mode, as PyTorch).</summary>
    public static int OutputSize(int input, int kernel, int stride, int padding) =>
        (input + 2 * padding - kernel) < 0 ? 0 : (input + 2 * padding - kernel) / stride + 1;

    static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static NetConfig FromJson(string json) =>
        (JsonSerializer.Deserialize<NetConfig>(json, JsonOptions) ?? throw new UserInputException("Network config JSON is empty.")).Validate();

    // Records compare lists by reference; a config is a value, so compare the layers element by element.
    public bool Equals(NetConfig? other) =>
        other is not null && Name == other.Name && InputSize == other.InputSize && InputChannels == other.InputChannels
        && Convs.SequenceEqual(other.Convs) && Fc6 == other.Fc6 && Fc7 == other.Fc7 && Dropout.Equals(other.Dropout)
        && Classes == other.Classes && Norm == other.Norm;

    public override int GetHashCode() =>
        HashCode.Combine(Name, InputSize, InputChannels, Convs.Count, Fc6, Fc7, Classes, Norm);

    void CheckLayerNumber(int layer)
    {
        if (layer < 1 || layer > Convs.Count)
            throw new ArgumentOutOfRangeException(nameof(layer), $"{Name}: there is no conv{layer}; conv layers are 1..{Convs.Count}.");
    }
}
