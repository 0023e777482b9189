using ZfViz.Data;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>
/// A network with what is needed to feed it (<see cref="InputNorm"/>: the training set's per-pixel mean [C,H,W] in
/// 0..1 units, subtracted from every input, and a scale). Analyses should call <see cref="Preprocess"/> on uint8 batches.
/// </summary>
public sealed class TrainedModel(ConvNet net, InputNorm norm, int epoch, IReadOnlyDictionary<string, string> metadata) : IDisposable
{
    public ConvNet Net { get; } = net;
    public NetConfig Config => Net.Config;
    public InputNorm Norm { get; } = norm;
    public Tensor PixelMean => Norm.Mean;
    /// <summary>Epochs trained (0 = freshly initialised).</summary>
    public int Epoch { get; } = epoch;
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;
    /// <summary>Class names stored with the checkpoint (empty if unknown).</summary>
    public IReadOnlyList<string> ClassNames =>
        Metadata.TryGetValue(Checkpoint.ClassNamesKey, out var s) ? System.Text.Json.JsonSerializer.Deserialize<string[]>(s) ?? [] : [];

    /// <summary>uint8 [N,C,H,W] images -> float network input ((x/255 - mean) * scale) on the model's device.</summary>
    public Tensor Preprocess(Tensor images) => Norm.Apply(images, Net.parameters().First().device);

    public void Dispose()
    {
        Net.Dispose();
        Norm.Dispose();
    }
}
