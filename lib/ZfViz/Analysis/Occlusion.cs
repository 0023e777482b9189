using TorchSharp;
using ZfViz.Deconv;
using ZfViz.Models;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Analysis;

/// <summary>
/// Occlusion sensitivity (Zeiler &amp; Fergus 2014, Sec. 4.4, Fig. 7): a square of constant value is slid over the
/// image, and for every position the network is run on the occluded copy. Recorded per position: the total
/// activation of one feature map of one layer (by default the map with the largest total on the unoccluded image, or
/// with <see cref="MapStrength.Peak"/> the map with the largest single activation),
/// and, when the model has a classifier, the probability of a target class (by default the unoccluded image's most
/// probable class; pass the true label instead) and the most probable class.
/// <para>The fill value is the grey of the data's mean: the networks here read mean-subtracted input (CIFAR: the
/// training set's mean image; ImageNet ResNet-18: its mean image), so the default fill 0 puts the mean image's own
/// pixels under the square, which is what "grey" means for a mean-subtracted network.</para>
/// All occluded copies of an image are run in batches of <c>batchSize</c>, so memory stays bounded.
/// </summary>
public static class Occlusion
{
    /// <summary>
    /// The general form: <paramref name="probe"/> reads the maps [B,maps,h,w] of <paramref name="layer"/> (default:
    /// its first layer) of a batch of network input [B,C,H,W] and, when it has a classifier, the logits.
    /// </summary>
    public static OcclusionResult Measure(ModelProbe probe, Tensor image, int size, int stride,
        string? layer = null, int? feature = null, int? targetClass = null, float fill = 0f, int batchSize = 32, MapStrength strongest = MapStrength.Total)
    {
        ArgumentNullException.ThrowIfNull(probe);
        layer ??= probe.Layers.Count > 0 ? probe.Layers[0] : throw new ArgumentException("probe: it reads no layer.", nameof(probe));
        if (!probe.Layers.Contains(layer))
            throw new ArgumentException($"layer '{layer}': the probe reads {string.Join(", ", probe.Layers)}.", nameof(layer));
        if (image.dim() != 4 || image.shape[0] != 1)
            throw new ArgumentException($"image must be one network input [1,C,H,W]; got [{string.Join(",", image.shape)}].", nameof(image));
        int h = (int)image.shape[2], w = (int)image.shape[3];
        if (size < 1 || size > Math.Min(h, w))
            throw new ArgumentException($"size {size}: the square must be 1 .. {Math.Min(h, w)} px for a {h}x{w} image.", nameof(size));
        if (stride < 1) throw new ArgumentException($"stride {stride}: must be at least 1.", nameof(stride));
        if (batchSize < 1) throw new ArgumentException($"batchSize {batchSize}: must be at least 1.", nameof(batchSize));

        using var scope = NewDisposeScope();
        var baseReading = probe.Read(image);
        var (baseMaps, baseLogits) = (baseReading[layer], baseReading.Logits);
        if (baseMaps.dim() != 4)
            throw new InvalidOperationException($"The probe's layer '{layer}' must give maps [B,C,h,w]; got [{string.Join(",", baseMaps.shape)}].");
        var totals = baseMaps[0].sum([1, 2]).to(CPU).to_type(ScalarType.Float32).data<float>().ToArray();
        var peaks = baseMaps[0].amax([1, 2]).to(CPU).to_type(ScalarType.Float32).data<float>().ToArray();
        int map = feature ?? ArgMax(strongest == MapStrength.Peak ? peaks : totals);
        if (map < 0 || map >= totals.Length)
            throw new ArgumentException($"feature {map}: {layer} has maps 0..{totals.Length - 1}.", nameof(feature));
        float[]? baseProbs = baseLogits is null ? null : softmax(baseLogits.to_type(ScalarType.Float32), 1)[0].to(CPU).data<float>().ToArray();
        int? target = null;
        if (baseProbs is null)
        {
            if (targetClass is not null) throw new ArgumentException($"targetClass {targetClass}: this model has no classifier.", nameof(targetClass));
        }
        else
        {
            target = targetClass ?? ArgMax(baseProbs);
            if (target < 0 || target >= baseProbs.Length)
                throw new ArgumentException($"targetClass {target}: the classifier has classes 0..{baseProbs.Length - 1}.", nameof(targetClass));
        }

        int gh = OcclusionResult.GridCount(h, size, stride), gw = OcclusionResult.GridCount(w, size, stride);
        var tops = Enumerable.Range(0, gh).Select(i => i * stride).ToArray();
        var lefts = Enumerable.Range(0, gw).Select(j => j * stride).ToArray();
        var activation = new float[gh, gw];
        float[,]? probability = baseProbs is null ? null : new float[gh, gw], topProbability = baseProbs is null ? null : new float[gh, gw];
        int[,]? topClass = baseProbs is null ? null : new int[gh, gw];

        var rows = HeldScalars.Arange(h, device: image.device);
        var columns = HeldScalars.Arange(w, device: image.device);
        using var side = size.ToScalar();
        using var fillValue = fill.ToScalar();
        int positions = gh * gw;
        for (int start = 0; start < positions; start += batchSize)
        {
            using var chunkScope = NewDisposeScope();
            int n = Math.Min(batchSize, positions - start);
            var cellTops = tensor(Enumerable.Range(start, n).Select(p => (long)tops[p / gw]).ToArray(), device: image.device);
            var cellLefts = tensor(Enumerable.Range(start, n).Select(p => (long)lefts[p % gw]).ToArray(), device: image.device);
            var insideY = rows.unsqueeze(0).ge(cellTops.unsqueeze(1)).logical_and(rows.unsqueeze(0).lt(cellTops.unsqueeze(1).add(side, HeldScalars.One))); // [n,H]
            var insideX = columns.unsqueeze(0).ge(cellLefts.unsqueeze(1)).logical_and(columns.unsqueeze(0).lt(cellLefts.unsqueeze(1).add(side, HeldScalars.One))); // [n,W]
            var square = insideY.view(n, 1, h, 1).logical_and(insideX.view(n, 1, 1, w)); // [n,1,H,W]
            var occluded = image.expand(n, -1, -1, -1).masked_fill(square, fillValue);
            var reading = probe.Read(occluded);
            var (maps, logits) = (reading[layer], reading.Logits);
            var sums = maps[.., map].sum([1, 2]).to(CPU).to_type(ScalarType.Float32).data<float>().ToArray();
            for (int i = 0; i < n; i++) activation[(start + i) / gw, (start + i) % gw] = sums[i];
            if (logits is null || probability is null) continue;
            var probs = softmax(logits.to_type(ScalarType.Float32), 1).to(CPU);
            var p = probs[.., (long)target!.Value].data<float>().ToArray();
            var (best, bestIndex) = probs.max(1);
            var bestP = best.data<float>().ToArray();
            var bestK = bestIndex.data<long>().ToArray();
            for (int i = 0; i < n; i++)
            {
                int r = (start + i) / gw, c = (start + i) % gw;
                probability[r, c] = p[i];
                topProbability![r, c] = bestP[i];
                topClass![r, c] = (int)bestK[i];
            }
        }
        return new OcclusionResult
        {
            ImageHeight = h, ImageWidth = w, Size = size, Stride = stride, Fill = fill, Tops = tops, Lefts = lefts,
            Layer = layer, Feature = map, MapTotals = totals, MapPeaks = peaks, Activation = activation,
            Classifier = baseProbs is null ? null : new OcclusionClassifier(target!.Value, baseProbs, probability!, topClass!, topProbability!),
        };
    }

    /// <summary>
    /// Occlusion of a preset network (Models.ConvNet): the map is one of <paramref name="layer"/>'s ReLU outputs
    /// (default: the top convolutional layer, the paper's layer 5), the classifier is fc8.
    /// </summary>
    public static OcclusionResult Measure(ConvNet net, Tensor image, int size, int stride, string? layer = null, int? feature = null,
        int? targetClass = null, float fill = 0f, int? batchSize = null, MapStrength strongest = MapStrength.Total)
    {
        var convs = net.ConvStages.Select(s => s.Name).ToList();
        layer ??= convs[^1];
        if (!convs.Contains(layer))
            throw new ArgumentException($"layer '{layer}': {net.Config.Name} has convolutional layers {string.Join(", ", convs)}.", nameof(layer));
        var c = net.Config;
        if (image.dim() != 4 || image.shape[0] != 1 || image.shape[1] != c.InputChannels || image.shape[2] != c.InputSize || image.shape[3] != c.InputSize)
            throw new ArgumentException($"image: {c.Name} expects one input [1,{c.InputChannels},{c.InputSize},{c.InputSize}]; got [{string.Join(",", image.shape)}].", nameof(image));
        // Built on the network's device: the occluded copies are made there.
        using var x = image.to(net.parameters().First().device);
        var probe = ModelProbe.Of(net, [$"{layer}.relu"]);
        return Measure(probe, x, size, stride, $"{layer}.relu", feature, targetClass, fill, batchSize ?? DefaultBatch(c), strongest) with { Layer = layer };
    }

    /// <summary>
    /// Occlusion of the ImageNet ResNet-18 (no classifier in the ONNX export: the activation part only). The map is
    /// a channel of <paramref name="stage"/>'s output (conv1, pool1, layer1 .. layer4; default layer4, after its ReLU).
    /// </summary>
    public static OcclusionResult Measure(ResNet18 model, Tensor image, int size, int stride, string stage = "layer4", int? feature = null,
        float fill = 0f, int batchSize = 16, MapStrength strongest = MapStrength.Total)
    {
        if (!ResNet18.StageNames.Contains(stage) || stage == "avgpool")
            throw new ArgumentException($"stage '{stage}': choose one of {string.Join(", ", ResNet18.StageNames.Where(s => s != "avgpool"))}.", nameof(stage));
        if (image.dim() != 4 || image.shape[0] != 1 || image.shape[1] != 3)
            throw new ArgumentException($"image must be one network input [1,3,H,W]; got [{string.Join(",", image.shape)}].", nameof(image));
        var weight = model.Conv1.weight!;
        using var x = image.to(weight.dtype).to(weight.device);
        return Measure(ModelProbe.Of(model, [stage]), x, size, stride, stage, feature, null, fill, batchSize, strongest);
    }

    /// <summary>Panel (c): the deconvnet projection [C,H,W] (CPU) of the strongest activation of the result's map on the unoccluded image.</summary>
    public static Tensor Projection(ConvNet net, Tensor image, OcclusionResult result)
    {
        var deconv = Deconvnet.FromModule(net);
        using var x = image.to(net.parameters().First().device);
        var (_, projection) = deconv.ProjectStrongest(x, deconv.IndexOf(result.Layer), result.Feature);
        return projection.cpu();
    }

    /// <summary>Panel (c) for the ResNet-18: the projection [3,H,W] (BGR input space, CPU) of the map's strongest activation.</summary>
    public static Tensor Projection(ResNet18 model, Tensor image, OcclusionResult result) =>
        ResNet18Deconv.Project(model, image, result.Layer, result.Feature).Image;

    /// <summary>
    /// Occluded copies per pass when not given: about 2M input values (64 CIFAR images, 13 at 224x224), since the
    /// pass keeps every intermediate activation of the batch.
    /// </summary>
    static int DefaultBatch(NetConfig c) => Math.Clamp(2_000_000 / (c.InputChannels * c.InputSize * c.InputSize), 1, 64);

    /// <summary>Index of the largest value; the first on ties.</summary>
    static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
