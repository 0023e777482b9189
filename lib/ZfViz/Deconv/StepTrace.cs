using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>What one step recorded on the way up that the way down needs: its input size and, for max pooling, the switches.</summary>
public sealed class StepTrace : IDisposable
{
    public StepTrace(int inputHeight, int inputWidth)
    {
        InputHeight = inputHeight;
        InputWidth = inputWidth;
    }

    public int InputHeight { get; }
    public int InputWidth { get; }
    public int OutputHeight { get; internal set; }
    public int OutputWidth { get; internal set; }

    /// <summary>
    /// Max-pooling switches [B,C,OutputHeight,OutputWidth]: the flat index (iy * InputWidth + ix) of each window's
    /// argmax in the pooling input. Null for other steps.
    /// </summary>
    public Tensor? Switches { get; internal set; }

    Tensor? offsets;

    /// <summary>
    /// The switches as positions inside their own pooling window (of <paramref name="pooling"/>, the step's own
    /// geometry), channels last: [B*OutputHeight*OutputWidth, C] bytes holding ky * kernelX + kx, where row
    /// (image * OutputHeight + y) * OutputWidth + x holds every channel's switch, so windows gather all channels of a
    /// position with one row index. A window's switch then costs one byte to gather instead of eight (four for kernels
    /// of more than 256 positions), and its place in an unpooled window is a table lookup instead of index arithmetic.
    /// Made on first use.
    /// </summary>
    public Tensor SwitchOffsetsChannelsLast(WindowMap pooling)
    {
        if (offsets is not null) return offsets;
        var switches = Switches ?? throw new InvalidOperationException("No switches recorded.");
        using var scope = NewDisposeScope();
        using var width = InputWidth.ToScalar();
        using var kernelX = pooling.KernelX.ToScalar();
        using var strideY = pooling.StrideY.ToScalar();
        using var strideX = pooling.StrideX.ToScalar();
        using var padY = pooling.PadY.ToScalar();
        using var padX = pooling.PadX.ToScalar();
        var iy = switches.div(width, rounding_mode: RoundingMode.floor);
        var ix = switches - iy.mul(width);
        // The window of output (y, x) starts at input (y * stride - pad, x * stride - pad).
        var windowTop = arange(OutputHeight, dtype: ScalarType.Int64, device: switches.device).mul(strideY).sub(padY).view(1, 1, -1, 1);
        var windowLeft = arange(OutputWidth, dtype: ScalarType.Int64, device: switches.device).mul(strideX).sub(padX).view(1, 1, 1, -1);
        var code = (iy - windowTop).mul(kernelX).add(ix - windowLeft);
        offsets = code.to_type(pooling.KernelY * pooling.KernelX <= 256 ? ScalarType.Byte : ScalarType.Int32).permute(0, 2, 3, 1).reshape(-1, switches.shape[1]).DetachFromDisposeScope();
        return offsets;
    }

    public void Dispose()
    {
        Switches?.Dispose();
        offsets?.Dispose();
    }
}
