using ZfViz.Runtime.Numerics;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using ZfViz.Runtime;

namespace ZfViz.Models;

/// <summary>
/// A ResNet "basic block": out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), with 3x3 convolutions without
/// bias and, when the block halves the resolution or changes the width, a shortcut of a 1x1 stride-2 convolution and
/// batch norm (<c>downsample</c>); otherwise the shortcut is the identity. Children, in PyTorch naming:
/// <c>pad1</c> (stride-2 blocks only), <c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c>, <c>downsample.conv</c>,
/// <c>downsample.bn</c>. A stride-2 block pads its first convolution as the CNTK export does: one zero row/column at
/// the top/left and none at the bottom/right (ONNX pads [1,1,0,0]), done by <c>pad1</c> before an unpadded conv.
/// </summary>
public sealed class ResNet18Block : Module<Tensor, Tensor>
{
    public int InChannels { get; }
    public int OutChannels { get; }
    public int Stride { get; }

    public ZeroPad2d? Pad1 { get; }
    public Conv2d Conv1 { get; }
    public BatchNorm2d Bn1 { get; }
    public Conv2d Conv2 { get; }
    public BatchNorm2d Bn2 { get; }
    public Conv2d? DownsampleConv { get; }
    public BatchNorm2d? DownsampleBn { get; }

    /// <summary>Zero padding of <see cref="Conv1"/> as (top, left, bottom, right), ONNX order.</summary>
    public (int Top, int Left, int Bottom, int Right) Conv1Pads => Stride == 1 ? (1, 1, 1, 1) : (1, 1, 0, 0);

    public ResNet18Block(string name, int inChannels, int outChannels, int stride, double eps) : base(name)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Stride = stride;
        if (stride != 1)
        {
            // ZeroPad2d takes (left, right, top, bottom).
            Pad1 = ZeroPad2d((1, 0, 1, 0));
            register_module("pad1", Pad1);
        }
        Conv1 = Conv2d(inChannels, outChannels, 3, stride: stride, padding: stride == 1 ? 1 : 0, bias: false);
        Bn1 = BatchNorm2d(outChannels, eps: eps);
        Conv2 = Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1, bias: false);
        Bn2 = BatchNorm2d(outChannels, eps: eps);
        register_module("conv1", Conv1);
        register_module("bn1", Bn1);
        register_module("conv2", Conv2);
        register_module("bn2", Bn2);
        if (stride != 1 || inChannels != outChannels)
        {
            DownsampleConv = Conv2d(inChannels, outChannels, 1, stride: stride, bias: false);
            DownsampleBn = BatchNorm2d(outChannels, eps: eps);
            register_module("downsample", Sequential(("conv", DownsampleConv), ("bn", DownsampleBn)));
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = Pad1 is null ? x : Pad1.call(x);
        // convolutions through the numerics guard (its channel padding and layout), as every ZFViz convolution
        h = functional.relu(Bn1.call(ConvChannelPadding.Conv2d(Conv1, h)));
        h = Bn2.call(ConvChannelPadding.Conv2d(Conv2, h));
        var shortcut = DownsampleConv is null ? x : DownsampleBn!.call(ConvChannelPadding.Conv2d(DownsampleConv, x));
        return functional.relu(h.add(shortcut, HeldScalars.One)).MoveToOuterDisposeScope(); // h + shortcut makes a temporary Scalar
    }
}
