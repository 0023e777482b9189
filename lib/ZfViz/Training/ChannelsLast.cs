using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>
/// TorchSharp 0.107 has no memory_format argument, but libtorch chooses its channels-last (NHWC) convolution kernels
/// from a tensor's strides; permuting to NHWC, making that contiguous and permuting back gives a tensor of the same
/// shape [N,C,H,W] and values with NHWC strides. Measured on this 2-core AVX-512 CPU: zfnet training 1.3x and
/// inference 1.8x faster, zfnet-cifar 1.13x and 1.8x.
/// </summary>
public static class ChannelsLast
{
    public static Tensor Of(Tensor x) => x.dim() == 4 ? x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x;
}
