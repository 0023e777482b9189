using TorchSharp;
using TorchSharp.Modules;
using ZfViz.Models;
using ZfViz.Runtime.Numerics;
using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>
/// <see cref="AttributionModel"/> of the ImageNet <see cref="ResNet18"/>: the stem, the pool and every basic block
/// written out as <see cref="ResNet18Block.forward"/> computes them, with the ReLUs (also the one after each residual
/// add) following the rule. Batch norms run as the network is set (evaluation: an affine map). The scores are the
/// globally pooled layer4 maps (the export has no classifier); <see cref="CamLayer"/> is layer4.
/// Cascading randomisation goes by stage: layer4, layer3, layer2, layer1, conv1.
/// </summary>
public sealed class ResNet18Attribution(ResNet18 net) : AttributionModel
{
    public override string Name => "resnet18";
    public override string ScoreName => "pooled layer4 features";
    public override string CamLayer => "layer4";

    public override (Tensor Scores, Tensor CamMaps) Forward(Tensor input, ReluRule rule)
    {
        var x = ConvChannelPadding.Conv2d(net.Conv1, net.Conv1Pad.call(input));
        x = RuleRelu.Apply(net.Bn1.call(x), rule);
        x = net.Pool1.call(x);
        foreach (var layer in net.Layers)
            foreach (var block in layer)
                x = Block(block, x, rule);
        return (x.mean([2, 3]), x);
    }

    static Tensor Block(ResNet18Block block, Tensor x, ReluRule rule)
    {
        var h = block.Pad1 is null ? x : block.Pad1.call(x);
        h = RuleRelu.Apply(block.Bn1.call(ConvChannelPadding.Conv2d(block.Conv1, h)), rule);
        h = block.Bn2.call(ConvChannelPadding.Conv2d(block.Conv2, h));
        var shortcut = block.DownsampleConv is null ? x : block.DownsampleBn!.call(ConvChannelPadding.Conv2d(block.DownsampleConv, x));
        return RuleRelu.Apply(h + shortcut, rule);
    }

    protected override nn.Module Network => net;

    protected override nn.Module BuildTwin() => new ResNet18(net.BlocksPerLayer, net.BatchNormEps);

    protected override IReadOnlyList<(string Name, IReadOnlyList<Tensor> State)> LayersOf(nn.Module network) =>
        ResNet18.StageNames.Where(s => s.StartsWith("layer", StringComparison.Ordinal) || s == "conv1").Reverse()
            .Select(s =>
            {
                var stage = ((ResNet18)network).Stage(s);
                return (s, (IReadOnlyList<Tensor>)stage.parameters().Cast<Tensor>().Concat(stage.buffers()).ToList());
            }).ToList();
}
