using static TorchSharp.torch;

namespace ZfViz.Analysis;

/// <summary>
/// What a <see cref="ModelProbe"/> read from a network for one batch of N images: the feature maps of the probe's
/// layers ([N, ...] each, in <see cref="ModelProbe.Layers"/> order) and the classifier's logits [N, classes], or null
/// when the model has no classifier. Dispose it to free the tensors at once (else the caller's dispose scope does).
/// </summary>
public sealed record ProbeReading(IReadOnlyDictionary<string, Tensor> Maps, Tensor? Logits) : IDisposable
{
    /// <summary>The map of one layer; an unknown name fails with the names read.</summary>
    public Tensor this[string layer] => Maps.TryGetValue(layer, out var map) ? map
        : throw new ArgumentException($"layer '{layer}' was not read; the probe reads {string.Join(", ", Maps.Keys)}.", nameof(layer));

    public void Dispose()
    {
        foreach (var map in Maps.Values) map.Dispose();
        Logits?.Dispose();
    }
}
