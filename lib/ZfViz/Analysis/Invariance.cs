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
    /// <summary>
    /// Measures invariance through a probe: its layers (each flattened to one vector per image) are compared, and its
    /// logits, when it has them, give the probabilities. The probe reads images in the dtype and units of
    /// <paramref name="images"/> (e.g. a ConvNet's <see cref="ModelProbe"/>
    /// with the model's preprocessing).
    /// </summary>
    /// <param name="images">[N,C,H,W], uint8 or float. uint8 images are transformed in float and rounded back to uint8, so
    /// the probe sees what a camera would have given it.</param>
    /// <param name="labels">True labels [N] (int64) for the probability of the true label; null: not measured.</param>
    /// <param name="fill">Colour of pixels moved in from outside: [C] or [N,C] in the images' units; null: each image's
    /// own mean colour (keeps the image's average and adds no dark frame the network could read as an edge).</param>
    public static InvarianceResult Measure(ModelProbe probe, Tensor images, TransformKind kind,
        IReadOnlyList<double> amounts, Tensor? labels = null, Tensor? fill = null, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(probe);
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

        var reference = probe.ReadFlat(source, batchSize);
        var layers = probe.Layers;
        var referenceNorm = layers.ToDictionary(l => l, l => reference[l].norm(1).data<float>().ToArray());

        var distance = layers.ToDictionary(l => l, _ => Jagged<double>(n, amounts.Count));
        var normalised = layers.ToDictionary(l => l, _ => Jagged<double>(n, amounts.Count));
        bool hasLogits = probe.HasClassifier;
        var trueProb = hasLogits && labels is not null ? Jagged<double>(n, amounts.Count) : null;
        var top = hasLogits ? Jagged<int>(n, amounts.Count) : null;
        var topProb = hasLogits ? Jagged<double>(n, amounts.Count) : null;
        var labelArray = labels?.cpu().data<long>().ToArray();

        for (int ai = 0; ai < amounts.Count; ai++)
        {
            using var scope = NewDisposeScope();
            var current = probe.ReadFlat(transformed[.., ai], batchSize);
            foreach (var l in layers)
            {
                var f = current[l];
                if (f.shape[1] != reference[l].shape[1])
                    throw new InvalidOperationException($"probe: '{l}' changed shape between calls.");
                var d = (f - reference[l]).norm(1).data<float>().ToArray();
                for (int i = 0; i < n; i++)
                {
                    distance[l][i][ai] = d[i];
                    normalised[l][i][ai] = referenceNorm[l][i] > 0 ? d[i] / referenceNorm[l][i] : double.NaN;
                }
            }
            if (hasLogits)
            {
                var p = current.Logits!.softmax(1);
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

    static T[][] Jagged<T>(int rows, int columns) => Enumerable.Range(0, rows).Select(_ => new T[columns]).ToArray();
}
