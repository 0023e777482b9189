using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// The way up for a batch of images: each traced layer's activation (ReLU output, [B,C,H,W]) and, per step,
/// what the way down needs (input sizes, pooling switches).
/// </summary>
public sealed class ForwardTrace : IDisposable
{
    public ForwardTrace(int inputChannels, int inputHeight, int inputWidth, IReadOnlyList<Tensor> activations, IReadOnlyList<IReadOnlyList<StepTrace>> steps)
    {
        InputChannels = inputChannels;
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        Activations = activations;
        Steps = steps;
    }

    public int InputChannels { get; }
    public int InputHeight { get; }
    public int InputWidth { get; }
    /// <summary>Activations[l] = ReLU output of layer l, for l = 0 .. traced layers - 1.</summary>
    public IReadOnlyList<Tensor> Activations { get; }
    public IReadOnlyList<IReadOnlyList<StepTrace>> Steps { get; }
    public int LayerCount => Activations.Count;
    public int BatchSize => (int)Activations[0].shape[0];

    public void Dispose()
    {
        foreach (var a in Activations) a.Dispose();
        foreach (var layer in Steps) foreach (var s in layer) s.Dispose();
    }
}
