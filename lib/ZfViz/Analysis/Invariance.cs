using ZfViz.Models;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Analysis;

/// <summary>
/// The invariance study of Sec. 4.2 / Fig. 5: transform images by growing amounts, run the network, and compare each
/// layer's feature vector with the untransformed image's; with a classifier, also follow the probability of the true
/// label. Transformations and their fill: <see cref="Transforms"/>.
/// </summary>
public static class Invariance
{
    /// <summary>The key under which a feature function may return class scores (softmax is taken here, they are not compared as a layer).</summary>
    public const string LogitsKey = "logits";

    /// <summary>
    /// Measures invariance with a feature function: images in the same dtype and units as <paramref name="images"/>
    /// -> named feature tensors [N, ...] (each flattened to one vector per image), optionally with
    /// <see cref="LogitsKey"/> [N, classes].
    /// </summary>
    /// <param name="images">[N,C,H,W], uint8 or float. uint8 images are transformed in float and rounded back to uint8, so
    /// the feature function sees what a camera would have given it.</param>
    /// <param name="labels">True labels [N] (int64) for the probability of the true label; null: not measured.</param>
    /// <param name="fill">Colour of pixels moved in from outside: [C] or [N,C] in the images' units; null: each image's
    /// own mean colour (keeps the image's average and adds no dark frame the network could read as an edge).</param>
    public static InvarianceResult Measure(Func<Tensor, IReadOnlyDictionary<string, Tensor>> features, Tensor images, TransformKind kind,
        IReadOnlyList<double> amounts, Tensor? labels = null, Tensor? fill = null, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(amounts);
        if (images.dim() != 4 || images.shape[0] < 1 || images.shape[2] < 1 || images.shape[3] < 1)
            throw new ArgumentException($"images: expected a batch [N,C,H,W] with N >= 1; got [{string.Join(",", images.shape)}].", nameof(images));
        bool isByte = images.dtype == ScalarType.Byte;
        if (!isByte && !images.is_floating_point())
            throw new ArgumentException($"images: expected uint8 or float; got {images.dtype}.", nameof(images));
        if (!Enum.IsDefined(kind))
            throw new ArgumentException($"kind: unknown transform {kind}; use {string.Join(", ", Enum.GetNames<TransformKind>())}.", nameof(kind));
        if (amounts.Count == 0) throw new ArgumentException("amounts: give at least one amount.", nameof(amounts));
        foreach (var a in amounts)
        {
            if (!double.IsFinite(a)) throw new ArgumentException($"amounts: {a} is not a finite number.", nameof(amounts));
            if (kind == TransformKind.Scale && a <= 0) throw new ArgumentException($"amounts: scale factors must be positive; got {a}.", nameof(amounts));
        }
        int n = (int)images.shape[0], c = (int)images.shape[1];
        if (labels is not null && (labels.dim() != 1 || labels.shape[0] != n || labels.dtype != ScalarType.Int64))
            throw new ArgumentException($"labels: expected int64 [{n}] (one per image); got {labels.dtype} [{string.Join(",", labels.shape)}].", nameof(labels));
        if (batchSize < 1) throw new ArgumentException($"batchSize: must be at least 1; got {batchSize}.", nameof(batchSize));

        using var outer = NewDisposeScope();
        var source = images.cpu();
        var asFloat = source.to_type(ScalarType.Float32);
        var fillColour = fill ?? asFloat.mean([2, 3]);
        if (fill is not null && !((fill.dim() == 1 && fill.shape[0] == c) || (fill.dim() == 2 && fill.shape[0] == n && fill.shape[1] == c)))
            throw new ArgumentException($"fill: expected [C] = [{c}] or [N,C] = [{n},{c}]; got [{string.Join(",", fill.shape)}].", nameof(fill));

        // All transformed images first (cheap), kept in the input's dtype: the feature function and the notebook see the same pixels.
        var transformed = stack(amounts.Select(a =>
        {
            var t = Transforms.Apply(asFloat, kind, a, fillColour);
            return isByte ? t.round().clamp(HeldScalars.Zero, HeldScalars.ByteMax).to_type(ScalarType.Byte) : t.to_type(source.dtype);
        }).ToArray(), 1); // [N, A, C, H, W]

        var reference = Run(features, source, batchSize);
        var layers = reference.Keys.Where(k => k != LogitsKey).ToList();
        if (layers.Count == 0 && !reference.ContainsKey(LogitsKey))
            throw new ArgumentException("features: the feature function returned no tensors.", nameof(features));
        var referenceNorm = layers.ToDictionary(l => l, l => reference[l].norm(1).data<float>().ToArray());

        var distance = layers.ToDictionary(l => l, _ => Jagged<double>(n, amounts.Count));
        var normalised = layers.ToDictionary(l => l, _ => Jagged<double>(n, amounts.Count));
        bool hasLogits = reference.ContainsKey(LogitsKey);
        var trueProb = hasLogits && labels is not null ? Jagged<double>(n, amounts.Count) : null;
        var top = hasLogits ? Jagged<int>(n, amounts.Count) : null;
        var topProb = hasLogits ? Jagged<double>(n, amounts.Count) : null;
        var labelArray = labels?.cpu().data<long>().ToArray();

        for (int ai = 0; ai < amounts.Count; ai++)
        {
            using var scope = NewDisposeScope();
            var current = Run(features, transformed[.., ai], batchSize);
            foreach (var l in layers)
            {
                if (!current.TryGetValue(l, out var f) || f.shape[1] != reference[l].shape[1])
                    throw new InvalidOperationException($"features: '{l}' changed shape or went missing between calls.");
                var d = (f - reference[l]).norm(1).data<float>().ToArray();
                for (int i = 0; i < n; i++)
                {
                    distance[l][i][ai] = d[i];
                    normalised[l][i][ai] = referenceNorm[l][i] > 0 ? d[i] / referenceNorm[l][i] : double.NaN;
                }
            }
            if (hasLogits)
            {
                var p = current[LogitsKey].softmax(1);
                var best = p.max(1);
                var bestIndex = best.indexes.data<long>().ToArray();
                var bestValue = best.values.data<float>().ToArray();
                for (int i = 0; i < n; i++)
                {
                    top![i][ai] = (int)bestIndex[i];
                    topProb![i][ai] = bestValue[i];
                    if (trueProb is not null)
                    {
                        if (labelArray![i] < 0 || labelArray[i] >= p.shape[1])
                            throw new ArgumentException($"labels: label {labelArray[i]} of image {i} is outside 0..{p.shape[1] - 1}.", nameof(labels));
                        trueProb[i][ai] = p[i, labelArray[i]].item<float>();
                    }
                }
            }
        }
        return new InvarianceResult(kind, amounts.ToList(), layers, distance, normalised, trueProb, top, topProb,
            transformed.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// A feature function for a <see cref="ConvNet"/>: the block outputs named in <paramref name="layers"/> (e.g.
    /// "conv1" = layer 1 after ReLU, pooling and normalisation; "fc7" = layer 7) and the logits (fc8), in eval mode.
    /// </summary>
    public static Func<Tensor, IReadOnlyDictionary<string, Tensor>> ConvNetFeatures(ConvNet net, Func<Tensor, Tensor> preprocess, IReadOnlyList<string> layers)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(preprocess);
        if (layers is null || layers.Count == 0) throw new ArgumentException("layers: give at least one block name.", nameof(layers));
        foreach (var l in layers)
            if (!net.BlockNames.Contains(l)) throw new ArgumentException($"layers: {net.Config.Name} has no block '{l}'; it has {string.Join(", ", net.BlockNames)}.", nameof(layers));
        return images =>
        {
            // Eval mode for the call (no dropout), then the mode the caller had: a training loop may share the net.
            bool wasTraining = net.training;
            net.eval();
            try
            {
                var all = net.ForwardLayers(preprocess(images));
                var result = layers.ToDictionary(l => l, l => all[l]);
                result[LogitsKey] = all[net.BlockNames[^1]];
                return result;
            }
            finally
            {
                if (wasTraining) net.train();
            }
        };
    }

    /// <summary>The ImageNet ResNet-18 stages named in <paramref name="stages"/> (e.g. "conv1", "avgpool") of RGB 0..255 uint8 photos [N,3,224,224].</summary>
    public static Func<Tensor, IReadOnlyDictionary<string, Tensor>> ResNet18Stages(ResNet18 model, ResNet18Preprocessing prep, IReadOnlyList<string> stages)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prep);
        if (stages is null || stages.Count == 0) throw new ArgumentException("stages: give at least one stage name.", nameof(stages));
        foreach (var s in stages) ResNet18.CheckStage(s);
        return images =>
        {
            bool wasTraining = model.training;
            model.eval();
            try
            {
                var device = model.Conv1.weight!.device;
                var all = model.ForwardStages(prep.Apply(images.to(device).to_type(ScalarType.Float32)));
                return stages.ToDictionary(s => s, s => all[s]);
            }
            finally
            {
                if (wasTraining) model.train();
            }
        };
    }

    // Features flattened to [N, D] float32 on the CPU, computed in batches without gradients.
    static Dictionary<string, Tensor> Run(Func<Tensor, IReadOnlyDictionary<string, Tensor>> features, Tensor images, int batchSize)
    {
        using var _ = no_grad();
        int n = (int)images.shape[0];
        var parts = new Dictionary<string, List<Tensor>>();
        for (int start = 0; start < n; start += batchSize)
        {
            // Each batch's intermediate tensors are freed with the batch; only the flattened rows move out.
            using var batchScope = NewDisposeScope();
            int end = Math.Min(n, start + batchSize);
            var output = features(images[start..end]);
            foreach (var (name, t) in output)
            {
                if (t.dim() < 1 || t.shape[0] != end - start)
                    throw new ArgumentException($"features: '{name}' has shape [{string.Join(",", t.shape)}]; expected one row per image ({end - start}).", nameof(features));
                if (!parts.TryGetValue(name, out var list)) parts[name] = list = [];
                list.Add(t.detach().reshape(end - start, -1).to_type(ScalarType.Float32).cpu().MoveToOuterDisposeScope());
            }
        }
        var joined = parts.ToDictionary(p => p.Key, p => cat(p.Value, 0));
        foreach (var list in parts.Values) foreach (var t in list) t.Dispose();
        return joined;
    }

    static T[][] Jagged<T>(int rows, int columns) => Enumerable.Range(0, rows).Select(_ => new T[columns]).ToArray();
}
