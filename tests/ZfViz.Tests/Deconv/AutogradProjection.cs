using TorchSharp;
using ZfViz.Deconv;
using static TorchSharp.torch;

namespace ZfViz.Tests.Deconv;

/// <summary>
/// The tests' reference deconvnet: <see cref="AutogradDeconvnet"/> (autograd with the rectified backward), addressed
/// by block index as <see cref="Deconvnet"/>'s layers are. Its own correctness is pinned by a hand-computed example
/// in AutogradDeconvnetTests.
/// </summary>
static class AutogradProjection
{
    static string BlockName(nn.Module model, int layer) => model.named_children().ElementAt(layer).name;

    /// <summary>Activation of block <paramref name="layer"/> (ReLU output) for input x, with the deconvnet's backward.</summary>
    public static Tensor Activation(nn.Module model, int layer, Tensor x) => AutogradDeconvnet.Activations(model, x, BlockName(model, layer));

    /// <summary>Projections of signals [S, C_l, H_l, W_l] on layer <paramref name="layer"/> for one image [1,C,H,W]; returns [S,C,H,W].</summary>
    public static Tensor Project(nn.Module model, int layer, Tensor input, Tensor signal) =>
        AutogradDeconvnet.ProjectSignals(model, input, BlockName(model, layer), signal);
}
