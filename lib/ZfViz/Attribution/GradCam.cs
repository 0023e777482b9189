using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Attribution;

/// <summary>
/// Selvaraju et al. 2017: for the score y_c and the maps A^k of <see cref="AttributionModel.CamLayer"/>, the weights
/// a_k = mean over positions of dy_c/dA^k, the map ReLU(sum_k a_k A^k), bilinearly upsampled to the input's size.
/// Returns [N,1,H,W] (not normalised).
/// </summary>
public sealed class GradCam : IAttributionMethod
{
    public string Name => "Grad-CAM";

    public Tensor Explain(AttributionModel model, Tensor images, long[] targets)
    {
        ReluBackprop.CheckTargets(images, targets);
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = images.detach().clone().requires_grad_(true);
        var (scores, maps) = model.Forward(x, ReluRule.Gradient);
        var picked = ReluBackprop.Picked(scores, targets).sum();
        var dMaps = autograd.grad([picked], [maps])[0].detach();
        var weights = dMaps.mean([2, 3], keepdim: true);
        var cam = nn.functional.relu((weights * maps.detach()).sum(1, keepdim: true));
        return nn.functional.interpolate(cam, [images.shape[2], images.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false)
            .MoveToOuterDisposeScope();
    }
}
