using System.Diagnostics;
using TorchSharp;
using ZfViz.Data;
using ZfViz.Deconv;
using ZfViz.IO;
using ZfViz.Models;
using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Analysis;

/// <summary>
/// Zeiler &amp; Fergus Fig. 4: how the strongest activation of a feature map changes during training. For every
/// checkpoint of a run (epoch order) the model gets that checkpoint's weights, one streaming pass over the images
/// finds each map's strongest activation in all chosen layers at once (<see cref="TopK"/> with k = 1), and the
/// chosen maps' activations are projected to pixels (<see cref="TopKProjection"/>: batched per layer, forwarding only
/// the images that hold them). The same maps are followed through all checkpoints.
/// </summary>
public static class FeatureEvolution
{
    public const int DefaultMapsPerLayer = 6;

    /// <summary>
    /// Traces maps over a data set: uint8 images become network input through <paramref name="preprocess"/>, batch by
    /// batch; patches are the images / 255. <paramref name="maps"/> picks maps per layer (layer name -> map indices);
    /// layers it leaves out get <see cref="ChooseMaps"/> at the last checkpoint. The model's weights are restored
    /// afterwards. <paramref name="log"/> gets one line per checkpoint.
    /// </summary>
    public static FeatureEvolutionResult Trace(ConvNet model, IReadOnlyList<(int Epoch, string Path)> checkpoints, ImageDataset images,
        Func<Tensor, Tensor> preprocess, IReadOnlyList<string> layers, int mapsPerLayer = DefaultMapsPerLayer,
        IReadOnlyDictionary<string, IReadOnlyList<int>>? maps = null, TextWriter? log = null, int batchSize = 128)
    {
        if (images.Count == 0) throw new ArgumentException($"The data set '{images.Name}' has no images to search.");
        return Run(model, checkpoints, images.Count, images.Height, images.Width, () => TopK.Batches(images, preprocess, batchSize),
            (net, found, layer, features) => TopKProjection.Project(net, found, layer, features, images, preprocess),
            layers, mapsPerLayer, maps, log);
    }

    /// <summary>
    /// Traces maps over network input held in memory, <paramref name="input"/> [N,C,H,W] (already preprocessed),
    /// searched <paramref name="batchSize"/> images at a time. Patches are cut from <paramref name="display"/>
    /// ([N,C,H,W] in 0..1; default: the input itself).
    /// </summary>
    public static FeatureEvolutionResult Trace(ConvNet model, IReadOnlyList<(int Epoch, string Path)> checkpoints, Tensor input,
        IReadOnlyList<string> layers, int mapsPerLayer = DefaultMapsPerLayer, IReadOnlyDictionary<string, IReadOnlyList<int>>? maps = null,
        TextWriter? log = null, int batchSize = 128, Tensor? display = null)
    {
        if (input.dim() != 4 || input.shape[0] == 0) throw new ArgumentException($"Expected network input [N,C,H,W] with N >= 1; got [{string.Join(",", input.shape)}].");
        if (batchSize < 1) throw new ArgumentException($"Batch size must be at least 1; got {batchSize}.");
        display ??= input;
        if (display.shape[0] != input.shape[0]) throw new ArgumentException($"The display images ({display.shape[0]}) must match the input ({input.shape[0]}) one to one.");
        long n = input.shape[0];
        IEnumerable<Tensor> Batches()
        {
            for (long i = 0; i < n; i += batchSize) yield return input[(int)i..(int)Math.Min(n, i + batchSize)];
        }
        Tensor Select(Tensor t, long[] idx) => t.index_select(0, tensor(idx, device: t.device));
        return Run(model, checkpoints, n, (int)input.shape[2], (int)input.shape[3], Batches,
            (net, found, layer, features) => TopKProjection.Project(net, found, layer, features, idx => Select(input, idx), idx => Select(display, idx)),
            layers, mapsPerLayer, maps, log);
    }

    /// <summary>
    /// The default choice of maps: per searched layer, the <paramref name="mapsPerLayer"/> maps whose strongest
    /// activation is largest (alive maps first; dead maps, all zero, come last), ties by the smaller map index.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<int>> ChooseMaps(TopKResult strongest, int mapsPerLayer)
    {
        if (mapsPerLayer < 1) throw new ArgumentException($"Choose at least one map per layer; got {mapsPerLayer}.");
        var chosen = new Dictionary<string, IReadOnlyList<int>>(StringComparer.OrdinalIgnoreCase);
        for (int l = 0; l < strongest.LayerNames.Count; l++)
            chosen[strongest.LayerNames[l]] = strongest.Best[l]
                .Select((top, f) => (Feature: f, Value: top.Count > 0 ? top[0].Value : float.NegativeInfinity))
                .OrderByDescending(t => t.Value).ThenBy(t => t.Feature).Take(mapsPerLayer).Select(t => t.Feature).ToList();
        return chosen;
    }

    delegate IReadOnlyList<TopKFeature> Projector(Deconvnet net, TopKResult found, string layer, IReadOnlyList<int> features);

    static FeatureEvolutionResult Run(ConvNet model, IReadOnlyList<(int Epoch, string Path)> checkpoints, long imageCount, int height, int width, Func<IEnumerable<Tensor>> batches,
        Projector project, IReadOnlyList<string> layers, int mapsPerLayer, IReadOnlyDictionary<string, IReadOnlyList<int>>? maps, TextWriter? log)
    {
        Check(checkpoints);
        if (layers.Count == 0) throw new ArgumentException("Choose at least one layer to trace.");
        if (mapsPerLayer < 1) throw new ArgumentException($"Choose at least one map per layer; got {mapsPerLayer}.");
        var net = Deconvnet.FromModule(model);
        var indices = layers.Select(net.IndexOf).ToArray();
        var names = indices.Select(i => net.Layers[i].Name).ToList();
        if (names.Distinct().Count() != names.Count) throw new ArgumentException($"Each layer once, please; got {string.Join(", ", layers)}.");
        var given = CheckMaps(net, names, maps);

        // The last checkpoint decides which maps to follow, so it goes first; the others follow in epoch order.
        int n = checkpoints.Count;
        var order = new[] { n - 1 }.Concat(Enumerable.Range(0, n - 1));
        var projected = new IReadOnlyList<TopKFeature>[n][];
        IReadOnlyDictionary<string, IReadOnlyList<int>>? chosen = null;
        var original = model.CheckpointParameters().Select(p => p.Parameter.detach().clone()).ToList();
        try
        {
            foreach (int c in order)
            {
                var watch = Stopwatch.StartNew();
                LoadWeights(model, checkpoints[c].Path);
                var found = TopK.Search(net, batches(), names, k: 1);
                if (chosen is null)
                {
                    var fallback = ChooseMaps(found, mapsPerLayer);
                    chosen = names.ToDictionary(l => l, l => given.TryGetValue(l, out var m) ? m : fallback[l], StringComparer.OrdinalIgnoreCase);
                }
                projected[c] = names.Select(l => project(net, found, l, chosen[l])).ToArray();
                log?.WriteLine($"epoch {checkpoints[c].Epoch}: strongest activations of {string.Join(", ", names)} over {found.Images} images, " +
                               $"{chosen.Values.Sum(m => m.Count)} maps projected, {watch.Elapsed.TotalSeconds:0.0} s");
            }
        }
        finally
        {
            using var _ = no_grad();
            foreach (var ((_, p), saved) in model.CheckpointParameters().Zip(original)) { p.copy_(saved); saved.Dispose(); }
        }

        var traced = names.Select((name, l) => new FeatureEvolutionLayer(name, indices[l], net.ReceptiveField(indices[l]),
            chosen![name].Select((feature, m) => new FeatureEvolutionMap(feature, Enumerable.Range(0, n).Select(c =>
            {
                var cell = projected[c][l][m].Cells[0];
                return new FeatureEvolutionCell(checkpoints[c].Epoch, cell.Point, FullImage(cell, height, width), cell);
            }).ToList())).ToList())).ToList();
        return new FeatureEvolutionResult(checkpoints.Select(c => c.Epoch).ToList(), traced, imageCount, height, width);
    }

    static void Check(IReadOnlyList<(int Epoch, string Path)> checkpoints)
    {
        if (checkpoints.Count == 0) throw new ArgumentException("No checkpoints to trace: give at least one (epoch, weights file) pair (see RunFiles.EpochCheckpoints).");
        for (int i = 1; i < checkpoints.Count; i++)
            if (checkpoints[i].Epoch <= checkpoints[i - 1].Epoch)
                throw new ArgumentException($"Checkpoints must be in increasing epoch order; epoch {checkpoints[i].Epoch} follows epoch {checkpoints[i - 1].Epoch}.");
        foreach (var (epoch, path) in checkpoints)
            if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint of epoch {epoch} not found: {path}", path);
    }

    static Dictionary<string, IReadOnlyList<int>> CheckMaps(Deconvnet net, IReadOnlyList<string> names, IReadOnlyDictionary<string, IReadOnlyList<int>>? maps)
    {
        var given = new Dictionary<string, IReadOnlyList<int>>(StringComparer.OrdinalIgnoreCase);
        if (maps is null) return given;
        foreach (var (layer, features) in maps)
        {
            var name = names.FirstOrDefault(n => string.Equals(n, layer, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Maps were given for '{layer}', which is not among the traced layers ({string.Join(", ", names)}).");
            int channels = net.Layers[net.IndexOf(name)].Channels;
            if (features.Count == 0) throw new ArgumentException($"{name}: the list of maps is empty.");
            foreach (var f in features)
                if (f < 0 || f >= channels) throw new ArgumentException($"{name}: map {f} is out of range; it has maps 0..{channels - 1}.");
            if (features.Distinct().Count() != features.Count) throw new ArgumentException($"{name}: map indices repeat ({string.Join(", ", features)}).");
            given[name] = features.ToList();
        }
        return given;
    }

    /// <summary>Copies a checkpoint's weights into the model in place (the deconvnet shares the parameters).</summary>
    static void LoadWeights(ConvNet model, string path)
    {
        var (tensors, _) = Safetensors.Load(path);
        try { Checkpoint.LoadWeights(path, model, tensors); }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
    }

    /// <summary>A cell's receptive-field projection placed on the whole input [C,H,W] (zero elsewhere).</summary>
    static Tensor FullImage(TopKCell cell, int height, int width)
    {
        var clip = cell.Window.Clip(height, width);
        var full = zeros(cell.Projection.shape[0], height, width, dtype: cell.Projection.dtype);
        if (clip.Height > 0 && clip.Width > 0)
            full[.., clip.Top..clip.Bottom, clip.Left..clip.Right] =
                cell.Projection[.., cell.Inside.Top..cell.Inside.Bottom, cell.Inside.Left..cell.Inside.Right];
        return full;
    }
}
