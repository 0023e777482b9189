using static TorchSharp.torch;

namespace ZfViz.Models;

/// <summary>
/// The stem's 3x3 stride-2 max pool with the CNTK export's asymmetric padding: one row/column of padding at the
/// top/left, none at the bottom/right (ONNX pads [1,1,0,0]). Padding never wins a max (it is -inf, as in ONNX).
/// Implemented as PyTorch's symmetric padding 1 followed by dropping the extra last row/column that symmetric
/// padding adds for odd input sizes, so outputs and switches are those of the ONNX pool for every input size
/// (for the 112x112 maps of a 224 input nothing is dropped).
/// </summary>
public sealed class ResNet18MaxPool : nn.Module<Tensor, Tensor>
{
    public const int Kernel = 3, Stride = 2, PadBegin = 1, PadEnd = 0;

    public ResNet18MaxPool(string name = "pool1") : base(name) { }

    /// <summary>Output size of the ONNX pool for an input side.</summary>
    public static long OutputSize(long inputSize) => (inputSize + PadBegin + PadEnd - Kernel) / Stride + 1;

    public override Tensor forward(Tensor input) => ForwardWithIndices(input).Output;

    /// <summary>Pooled maps and the switches: for every output, the flat index (y*W+x) of the chosen input within its channel.</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input)
    {
        var (output, indices) = nn.functional.max_pool2d_with_indices(input, [Kernel, Kernel], [Stride, Stride], [PadBegin, PadBegin]);
        long h = OutputSize(input.shape[2]), w = OutputSize(input.shape[3]);
        if (output.shape[2] == h && output.shape[3] == w) return (output, indices);
        return (output[.., .., ..(int)h, ..(int)w], indices[.., .., ..(int)h, ..(int)w]);
    }
}
