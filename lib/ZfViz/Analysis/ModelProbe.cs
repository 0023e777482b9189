using TorchSharp;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Analysis;

/// <summary>
/// The one contract through which the analyses (<see cref="Occlusion"/>, <see cref="Invariance"/>,
/// <see cref="Correspondence"/>, <see cref="TopK"/>) read a network, in the spirit of Captum's <c>forward_func</c>:
/// a batch of images in, a <see cref="ProbeReading"/> out (the feature maps of the named <see cref="Layers"/> and,
/// when the model has a classifier, its logits). The adapters for a <see cref="ConvNet"/> and for the ImageNet
/// <see cref="ResNet18"/> are the two <c>Of</c> methods; any other model, or a hand-made function in a test, goes
/// through the constructor. Every read runs without gradients, in eval mode, and gives the module back the training
/// mode it had.
/// </summary>
public sealed class ModelProbe
{
    readonly Func<Tensor, ProbeReading> forward;
    readonly nn.Module? module;

    /// <param name="layers">The names of the maps every reading holds, in order.</param>
    /// <param name="hasClassifier">Whether every reading holds logits.</param>
    /// <param name="forward">Images [N, ...] to the reading (called without gradients).</param>
    /// <param name="module">The module to hold in eval mode during a read (null: none).</param>
    public ModelProbe(IReadOnlyList<string> layers, bool hasClassifier, Func<Tensor, ProbeReading> forward, nn.Module? module = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(forward);
        if (layers.Count == 0 && !hasClassifier) throw new ArgumentException("layers: a probe reads at least one layer or the logits.", nameof(layers));
        if (layers.Distinct().Count() != layers.Count) throw new ArgumentException($"layers: names must be distinct; got {string.Join(", ", layers)}.", nameof(layers));
        Layers = layers.ToList();
        HasClassifier = hasClassifier;
        this.forward = forward;
        this.module = module;
    }

    public IReadOnlyList<string> Layers { get; }
    public bool HasClassifier { get; }

    /// <summary>Reads one batch (without gradients, in eval mode); the tensors belong to the caller's dispose scope.</summary>
    public ProbeReading Read(Tensor images)
    {
        using var noGrad = no_grad();
        using var eval = new EvalMode(module);
        var reading = forward(images);
        long n = images.shape[0];
        foreach (var layer in Layers)
        {
            if (!reading.Maps.TryGetValue(layer, out var map))
                throw new InvalidOperationException($"The probe's reading has no layer '{layer}'; it has {string.Join(", ", reading.Maps.Keys)}.");
            if (map.dim() < 1 || map.shape[0] != n)
                throw new InvalidOperationException($"The probe's layer '{layer}' has shape [{string.Join(",", map.shape)}]; expected one row per image ({n}).");
        }
        if (HasClassifier && (reading.Logits is null || reading.Logits.dim() != 2 || reading.Logits.shape[0] != n))
            throw new InvalidOperationException($"The probe's logits must be [{n}, classes]; got {(reading.Logits is null ? "none" : $"[{string.Join(",", reading.Logits.shape)}]")}.");
        return reading;
    }

    /// <summary>
    /// Reads all <paramref name="images"/> [N, ...] in batches of <paramref name="batchSize"/> and returns every layer
    /// flattened to float32 [N, D] and the logits [N, classes] on the CPU, owned by the caller. Each batch's
    /// intermediate tensors are freed with the batch; the module is in eval mode for the whole loop.
    /// </summary>
    public ProbeReading ReadFlat(Tensor images, int batchSize = 32)
    {
        if (batchSize < 1) throw new ArgumentException($"batchSize: must be at least 1; got {batchSize}.", nameof(batchSize));
        if (images.dim() < 1 || images.shape[0] < 1) throw new ArgumentException($"images: expected a batch [N, ...] with N >= 1; got [{string.Join(",", images.shape)}].", nameof(images));
        using var eval = new EvalMode(module);
        int n = (int)images.shape[0];
        var parts = Layers.ToDictionary(l => l, _ => new List<Tensor>());
        var logits = new List<Tensor>();
        try
        {
            for (int start = 0; start < n; start += batchSize)
            {
                using var batchScope = NewDisposeScope();
                int end = Math.Min(n, start + batchSize);
                var reading = Read(images[start..end]);
                foreach (var layer in Layers) parts[layer].Add(Flat(reading.Maps[layer], end - start).MoveToOuterDisposeScope());
                if (HasClassifier) logits.Add(Flat(reading.Logits!, end - start).MoveToOuterDisposeScope());
            }
            return new ProbeReading(Layers.ToDictionary(l => l, l => Join(parts[l])), HasClassifier ? Join(logits) : null);
        }
        finally
        {
            foreach (var t in parts.Values.SelectMany(p => p).Concat(logits)) t.Dispose();
        }
    }

    /// <summary>The batches as one new tensor: never a view of a caller's tensor (a probe may return its input, and cat of a single tensor may share its storage).</summary>
    static Tensor Join(List<Tensor> batches) => batches.Count == 1 ? batches[0].clone() : cat(batches, 0);

    static Tensor Flat(Tensor t, long rows) => t.detach().reshape(rows, -1).to_type(ScalarType.Float32).cpu();

    /// <summary>
    /// The adapter for a <see cref="ConvNet"/>: maps are outputs of <see cref="ConvNet.ForwardLayers"/> by name (a
    /// block, "conv1" .. "fc7", after its ReLU, pooling and normalisation; or a step inside one, e.g. "conv5.relu",
    /// a convolutional layer's ReLU output before pooling, the deconvnet's activations); logits are fc8 (the last
    /// block). <paramref name="preprocess"/> turns the images into network input (null: they already are); the batch
    /// is moved to the network's device.
    /// </summary>
    public static ModelProbe Of(ConvNet net, IReadOnlyList<string> layers, Func<Tensor, Tensor>? preprocess = null, bool logits = true)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(layers);
        var known = net.BlockNames.SelectMany(b => net.Block(b).named_children().Select(c => $"{b}.{c.name}").Prepend(b)).ToList();
        foreach (var l in layers)
            if (!known.Contains(l))
                throw new ArgumentException($"layers: {net.Config.Name} has no layer '{l}'; it has {string.Join(", ", known)}.", nameof(layers));
        var device = net.parameters().First().device;
        var classifier = net.BlockNames[^1];
        var last = logits ? null : layers.MaxBy(l => net.BlockNames.ToList().IndexOf(l.Split('.')[0]))!.Split('.')[0];
        return new ModelProbe(layers, logits, images =>
        {
            var x = (preprocess?.Invoke(images) ?? images).to(device);
            var all = net.ForwardLayers(x, stopAfter: last);
            return new ProbeReading(layers.ToDictionary(l => l, l => all[l]), logits ? all[classifier] : null);
        }, net);
    }

    /// <summary>
    /// The adapter for the ImageNet <see cref="ResNet18"/>: maps are stage outputs (conv1, pool1, layer1 .. layer4,
    /// avgpool); no logits (the ONNX export has no classifier). With <paramref name="prep"/> the images are RGB
    /// photos in 0..255 (any dtype) and are preprocessed here; without, they are the network's input already. The
    /// batch is moved to the network's device and dtype.
    /// </summary>
    public static ModelProbe Of(ResNet18 model, IReadOnlyList<string> stages, ResNet18Preprocessing? prep = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count == 0) throw new ArgumentException("stages: give at least one stage name.", nameof(stages));
        foreach (var s in stages)
            if (!ResNet18.StageNames.Contains(s))
                throw new ArgumentException($"stages: ResNet-18 has no stage '{s}'; stages are {string.Join(", ", ResNet18.StageNames)}.", nameof(stages));
        return new ModelProbe(stages, false, images =>
        {
            var weight = model.Conv1.weight!;
            var x = prep is null ? images.to(weight.device).to_type(weight.dtype) : prep.Apply(images.to(weight.device).to_type(ScalarType.Float32));
            if (stages.Count == 1) return new ProbeReading(new Dictionary<string, Tensor> { [stages[0]] = model.ForwardTo(x, stages[0]) }, null);
            var all = model.ForwardStages(x);
            return new ProbeReading(stages.ToDictionary(s => s, s => all[s]), null);
        }, model);
    }
}
