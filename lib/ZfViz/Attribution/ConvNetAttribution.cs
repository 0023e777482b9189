using TorchSharp;
using TorchSharp.Modules;
using ZfViz.Models;
using ZfViz.Runtime.Numerics;
using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>
/// <see cref="AttributionModel"/> of a <see cref="ConvNet"/> (any <see cref="NetConfig"/>): runs its blocks module by
/// module as <see cref="ConvNet.ForwardLayers"/> does, with the ReLUs following the rule. Dropout is the identity
/// (evaluation). Contrast normalisation has its true gradient, except for the deconvnet, which passes the signal
/// through it unchanged as the paper does (and as <see cref="Deconv.AutogradDeconvnet"/> does).
/// </summary>
public sealed class ConvNetAttribution : AttributionModel
{
    readonly ConvNet net;
    readonly string? upTo;
    readonly IReadOnlyList<string> blocks;

    public ConvNetAttribution(ConvNet net, string? upTo = null)
    {
        this.net = net;
        var names = net.BlockNames;
        if (upTo is not null && (!names.Contains(upTo) || !upTo.StartsWith("conv", StringComparison.Ordinal)))
            throw new ArgumentException($"{net.Config.Name} has no conv block '{upTo}'; it has {string.Join(", ", names)}.", nameof(upTo));
        this.upTo = upTo;
        blocks = upTo is null ? names : names.Take(names.ToList().IndexOf(upTo) + 1).ToList();
        CamLayer = blocks.Last(b => b.StartsWith("conv", StringComparison.Ordinal));
    }

    public override string Name => net.Config.Name;
    public override string ScoreName => upTo is null ? "class logits (fc8)" : $"{upTo} activations";
    public override string CamLayer { get; }

    public override (Tensor Scores, Tensor CamMaps) Forward(Tensor input, ReluRule rule)
    {
        Tensor x = input, cam = input;
        foreach (var name in blocks)
        {
            if (name.StartsWith("fc", StringComparison.Ordinal) && x.dim() > 2) x = x.flatten(1);
            foreach (var (sub, module) in net.Block(name).named_children())
            {
                x = module switch
                {
                    Conv2d conv => ConvChannelPadding.Conv2d(conv, x),
                    ReLU => RuleRelu.Apply(x, rule),
                    Dropout => x,
                    CrossMapNorm norm when rule == ReluRule.Deconvnet => x + (norm.call(x) - x).detach(),
                    _ => ((nn.Module<Tensor, Tensor>)module).call(x),
                };
                if (sub != "relu") continue;
                if (name == CamLayer) cam = x;
                if (name == upTo) return (x.flatten(1), cam);
            }
        }
        return (x, cam);
    }

    protected override nn.Module Network => net;

    protected override nn.Module BuildTwin() => new ConvNet(net.Config);

    protected override IReadOnlyList<(string Name, IReadOnlyList<Tensor> State)> LayersOf(nn.Module network) =>
        blocks.Reverse().Select(b =>
        {
            var block = ((ConvNet)network).Block(b);
            return (b, (IReadOnlyList<Tensor>)block.parameters().Cast<Tensor>().Concat(block.buffers()).ToList());
        }).ToList();
}
