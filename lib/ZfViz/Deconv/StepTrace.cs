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
    /// Max-pooling switches, channels last: row (image * OutputHeight + y) * OutputWidth + x holds, for every channel,
    /// the flat index (iy * InputWidth + ix) of the argmax in the pooling input. Null for other steps.
    /// </summary>
    public Tensor? Switches { get; internal set; }

    public void Dispose() => Switches?.Dispose();
}
