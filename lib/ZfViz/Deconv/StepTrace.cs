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

    Tensor? channelsLast;

    /// <summary>
    /// The switches channels last, [B*OutputHeight*OutputWidth, C]: row (image * OutputHeight + y) * OutputWidth + x
    /// holds every channel's switch, so windows gather all channels of a position with one row index. Made on first use.
    /// </summary>
    public Tensor SwitchesChannelsLast =>
        channelsLast ??= (Switches ?? throw new InvalidOperationException("No switches recorded.")).permute(0, 2, 3, 1).reshape(-1, Switches.shape[1]).DetachFromDisposeScope();

    public void Dispose()
    {
        Switches?.Dispose();
        channelsLast?.Dispose();
    }
}
