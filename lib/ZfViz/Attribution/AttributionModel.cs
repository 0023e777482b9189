using TorchSharp;
using TorchSharp.Modules;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>
/// What the attribution methods need from a network, for the CIFAR <see cref="ConvNet"/> and the ImageNet
/// <see cref="ResNet18"/> alike: a forward pass with a chosen ReLU backward that returns the scores a target picks
/// from and the maps Grad-CAM weighs, and the weighted layers from the top down for the sanity check.
/// <para>
/// Why a forward of its own rather than a scope that swaps the ReLU backward on the network: the ResNet's blocks call
/// <c>functional.relu</c> inside their forward, where no module hook can reach. Re-running the network's own modules
/// with the rule as a parameter changes nothing global, so there is nothing to restore when an exception escapes.
/// </para>
/// </summary>
public abstract class AttributionModel
{
    public abstract string Name { get; }

    /// <summary>What the scores are (e.g. "class logits", "pooled layer4 features").</summary>
    public abstract string ScoreName { get; }

    /// <summary>The layer whose maps <see cref="GradCam"/> weighs (the last convolutional one).</summary>
    public abstract string CamLayer { get; }

    /// <summary>
    /// Runs the network on <paramref name="input"/> [N,C,H,W] with every ReLU following <paramref name="rule"/> on the
    /// way down. Returns the scores [N,K] and the maps of <see cref="CamLayer"/> [N,C',h,w], both in the graph.
    /// </summary>
    public abstract (Tensor Scores, Tensor CamMaps) Forward(Tensor input, ReluRule rule);

    /// <summary>
    /// The layers with weights, from the top of the network down (the order of cascading randomisation), each with its
    /// parameters and buffers (batch norm statistics).
    /// </summary>
    public IReadOnlyList<(string Name, IReadOnlyList<Tensor> State)> LayersTopDown => LayersOf(Network);

    /// <summary>The network explained.</summary>
    protected abstract nn.Module Network { get; }

    /// <summary><see cref="LayersTopDown"/> of <paramref name="network"/>, this network or a <see cref="NewTwin"/>.</summary>
    protected abstract IReadOnlyList<(string Name, IReadOnlyList<Tensor> State)> LayersOf(nn.Module network);

    /// <summary>A newly built network of the same shape, initialised by its constructor (on the CPU).</summary>
    protected abstract nn.Module BuildTwin();

    /// <summary>
    /// A newly built twin of the network, initialised by its constructor from <paramref name="seed"/> (torch's global
    /// generator is put back afterwards), and its layers in <see cref="LayersTopDown"/>'s order. Dispose the module.
    /// </summary>
    public (nn.Module Twin, IReadOnlyList<(string Name, IReadOnlyList<Tensor> State)> Layers) NewTwin(long seed)
    {
        var saved = torch.random.get_rng_state();
        try
        {
            torch.random.manual_seed(seed);
            var twin = BuildTwin();
            return (twin, LayersOf(twin));
        }
        finally
        {
            torch.random.set_rng_state(saved);
            saved.Dispose();
        }
    }

    /// <summary>
    /// Per image, the index of the score at <paramref name="rank"/> (0: the largest, i.e. the predicted class;
    /// 1: the runner-up).
    /// </summary>
    public long[] Ranked(Tensor images, int rank = 0)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (scores, _) = Forward(images, ReluRule.Gradient);
        return scores.argsort(1, descending: true)[.., rank].cpu().data<long>().ToArray();
    }

    /// <summary>
    /// A <see cref="ConvNet"/> whose scores are the logits (fc8), or, with <paramref name="upTo"/> = a conv block
    /// (e.g. "conv3"), that block's ReLU output flattened (index = channel*h*w + y*w + x): the activations the
    /// deconvnet projects from. Grad-CAM then weighs that block's maps; by default the last conv block's.
    /// </summary>
    public static AttributionModel Of(ConvNet net, string? upTo = null) => new ConvNetAttribution(net, upTo);

    /// <summary>The ImageNet <see cref="ResNet18"/>: its export has no classifier, so the scores are the 512 pooled
    /// layer4 features and a "class" is one of them. Grad-CAM weighs layer4.</summary>
    public static AttributionModel Of(ResNet18 net) => new ResNet18Attribution(net);
}
