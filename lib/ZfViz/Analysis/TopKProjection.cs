using TorchSharp;
using ZfViz.Data;
using ZfViz.Deconv;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Analysis;

/// <summary>
/// Turns a <see cref="TopKResult"/> into Fig. 2's material: every selected activation projected to pixels (batched
/// over all maps of the layer) beside the receptive-field patch of the image that produced it.
/// </summary>
public static class TopKProjection
{
    /// <summary>
    /// Projects the top-k of <paramref name="features"/> (all maps when null) of one searched layer.
    /// <paramref name="networkInput"/> gives the network input [n,C,H,W] for data-set image indices;
    /// <paramref name="display"/> the same images for display, [n,C,H,W] in 0..1; <paramref name="labels"/> their
    /// classes (or null). Images are forwarded <paramref name="imageBatch"/> at a time.
    /// </summary>
    public static IReadOnlyList<TopKFeature> Project(Deconvnet net, TopKResult result, string layer, IReadOnlyList<int>? features,
        Func<long[], Tensor> networkInput, Func<long[], Tensor> display, Func<long[], long[]>? labels = null, int imageBatch = 32)
    {
        int l = net.IndexOf(layer);
        int channels = net.Layers[l].Channels;
        features ??= Enumerable.Range(0, channels).ToList();
        foreach (var f in features)
            if (f < 0 || f >= channels) throw new ArgumentOutOfRangeException(nameof(features), $"Feature {f} is not in 0..{channels - 1} for {layer}.");
        var rf = net.ReceptiveField(l);
        var points = features.SelectMany(f => result.For(layer, f)).ToList();
        var cells = new Dictionary<(int Feature, int Rank), TopKCell>();
        var ranks = features.SelectMany(f => result.For(layer, f).Select((p, r) => (p, r))).ToDictionary(t => t.p, t => t.r);
        var images = points.Select(p => p.Image).Distinct().Order().ToArray();

        for (int start = 0; start < images.Length; start += imageBatch)
        {
            using var scope = NewDisposeScope();
            var chunk = images[start..Math.Min(images.Length, start + imageBatch)];
            var local = chunk.Select((img, i) => (img, i)).ToDictionary(t => t.img, t => (long)t.i);
            var chunkPoints = points.Where(p => local.ContainsKey(p.Image)).ToList();
            var input = networkInput(chunk);
            var shown = display(chunk).to(CPU).to_type(ScalarType.Float32);
            var classes = labels?.Invoke(chunk);
            using var trace = net.Forward(input, l);
            using var batch = net.Project(trace, l, chunkPoints.Select(p => p with { Image = local[p.Image] }).ToList());
            int height = trace.InputHeight, width = trace.InputWidth;
            for (int s = 0; s < chunkPoints.Count; s++)
            {
                var p = chunkPoints[s];
                var window = rf.At(p.Y, p.X);
                var clip = window.Clip(height, width);
                var inside = new PixelWindow(clip.Top - window.Top, clip.Left - window.Left, clip.Height, clip.Width);
                var patch = zeros(shown.shape[1], window.Height, window.Width);
                patch[.., inside.Top..inside.Bottom, inside.Left..inside.Right] = shown[local[p.Image], .., clip.Top..clip.Bottom, clip.Left..clip.Right];
                var projection = batch.OnWindow(s, window);
                cells[(p.Feature, ranks[p])] = new TopKCell(p, projection.MoveToOuterDisposeScope(), patch.MoveToOuterDisposeScope(), window, inside,
                    window.IsClippedIn(height, width), classes?[local[p.Image]] ?? -1);
            }
        }
        return features.Select(f => new TopKFeature(net.Layers[l].Name, f,
            Enumerable.Range(0, result.For(layer, f).Count).Select(r => cells[(f, r)]).ToList())).ToList();
    }

    /// <summary>Project for a data set: network input via <paramref name="preprocess"/>, display = images / 255, labels from the data set.</summary>
    public static IReadOnlyList<TopKFeature> Project(Deconvnet net, TopKResult result, string layer, IReadOnlyList<int>? features,
        ImageDataset data, Func<Tensor, Tensor> preprocess, int imageBatch = 32)
    {
        Tensor Select(long[] idx) => data.Images.index_select(0, tensor(idx));
        return Project(net, result, layer, features, idx => preprocess(Select(idx)),
            idx => Select(idx).to_type(ScalarType.Float32).div(HeldScalars.ByteMax),
            idx => data.Labels.index_select(0, tensor(idx)).data<long>().ToArray(), imageBatch);
    }
}
