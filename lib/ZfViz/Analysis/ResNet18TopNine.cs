using TorchSharp;
using ZfViz.Data;
using ZfViz.Deconv;
using ZfViz.Models;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Analysis;

/// <summary>
/// Fig. 2 for the ImageNet <see cref="ResNet18"/>: the top-k search of its stages (<see cref="TopK"/> through a <see cref="ModelProbe"/>, the sheets' rule
/// <see cref="TopKRule.DistinctImages"/>),
/// batched deconvnet projections (<see cref="ResNet18Deconv.ProjectMany"/>) and the receptive-field patches
/// (<see cref="ResNet18ReceptiveField"/>), as the <see cref="TopKFeature"/> records that
/// <see cref="Viz.TopNineSheet.Render"/> draws. Activation = a stage's output: for conv1 and layer1..layer4 after
/// its final ReLU, for pool1 the max-pooled conv1 output. Projections and patches are shown as RGB photos: the
/// network's input is BGR minus a mean image, so patches are that input with the mean added back and the channels
/// reversed (0..1), and projections have their channels reversed.
/// </summary>
public static class ResNet18TopNine
{
    /// <summary>The spatial stages the sheets are drawn for, in order.</summary>
    public static readonly IReadOnlyList<string> Stages = ["conv1", "pool1", "layer1", "layer2", "layer3", "layer4"];

    /// <summary>Network input batches of a data set of RGB uint8 [N,3,224,224] photos (e.g. imagenet-samples:all at 224).</summary>
    public static IEnumerable<Tensor> Batches(ImageDataset data, ResNet18Preprocessing prep, int batchSize = 16)
    {
        if (batchSize < 1) throw new ArgumentException($"Batch size must be at least 1; got {batchSize}.");
        for (int i = 0; i < data.Count; i += batchSize)
        {
            using var rgb = data.Images[i..Math.Min(data.Count, i + batchSize)].to_type(ScalarType.Float32);
            yield return prep.Apply(rgb);
        }
    }

    /// <summary>
    /// Searches several stages of a data set in one pass (one forward per batch): per stage, per feature map its k
    /// strongest activations, one per image (<see cref="TopKRule.DistinctImages"/>); result[stage][feature].
    /// </summary>
    public static TopKResult Search(ResNet18 model, ImageDataset data, ResNet18Preprocessing prep, IReadOnlyList<string> stages, int k = 9, int batchSize = 16)
    {
        foreach (var stage in stages)
            if (stage == "avgpool") throw new ArgumentException("avgpool has no positions; search a spatial stage (conv1 .. layer4).");
        return TopK.Search(ModelProbe.Of(model, stages.Distinct().ToList()), Batches(data, prep, batchSize), k);
    }

    /// <summary>Network input (BGR minus the mean image) [N,3,H,W] back to RGB in 0..1 for display (224x224 inputs).</summary>
    public static Tensor ToDisplay(Tensor input, ResNet18Preprocessing prep)
    {
        using var scope = NewDisposeScope();
        using var mean = prep.MeanImageBgr.to(input.device).to_type(input.dtype);
        return input.add(mean, HeldScalars.One).flip(-3).div_(HeldScalars.ByteMax).clamp(HeldScalars.Zero, HeldScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Projects the top-k activations of the given feature maps (all when null) of one stage and cuts the
    /// projections and the image patches to each activation's receptive field.
    /// <paramref name="networkInput"/> returns the network input [n,3,H,W] for image indices of the search;
    /// <paramref name="display"/> the same images as RGB in 0..1 (null: undo the preprocessing with
    /// <see cref="ToDisplay"/>, which needs <paramref name="prep"/>); <paramref name="labels"/> their classes (or null).
    /// </summary>
    public static IReadOnlyList<TopKFeature> Project(ResNet18 model, IReadOnlyList<IReadOnlyList<ActivationPoint>> top, string stage,
        IReadOnlyList<int>? features, Func<long[], Tensor> networkInput, Func<long[], Tensor>? display = null, ResNet18Preprocessing? prep = null,
        Func<long[], long[]>? labels = null, int batchSize = 16)
    {
        var rf = ResNet18ReceptiveField.Of(model, stage);
        features ??= Enumerable.Range(0, top.Count).ToList();
        foreach (var f in features)
            if (f < 0 || f >= top.Count) throw new ArgumentOutOfRangeException(nameof(features), $"Feature {f} is not in 0..{top.Count - 1} for {stage}.");
        if (display is null && prep is null) throw new ArgumentException("Give display images or the preprocessing to undo.");
        var acts = features.SelectMany(f => top[f]).ToList();
        var images = acts.Select(a => a.Image).Distinct().Order().ToArray();
        var local = images.Select((img, i) => (img, i)).ToDictionary(t => t.img, t => t.i);
        using var scope = NewDisposeScope();
        var input = networkInput(images).to_type(ScalarType.Float32).cpu();
        var shown = (display?.Invoke(images) ?? ToDisplay(input, prep!)).to(CPU).to_type(ScalarType.Float32);
        var classes = labels?.Invoke(images);
        var projections = ResNet18Deconv.ProjectMany(model, input, stage, acts.Select(a => new ResNet18Selection(local[a.Image], a.Feature, (a.Y, a.X))).ToList(), batchSize);
        int height = (int)input.shape[2], width = (int)input.shape[3];
        var cells = new List<TopKCell>(acts.Count);
        for (int i = 0; i < acts.Count; i++)
        {
            var a = acts[i];
            var window = rf.At(a.Y, a.X);
            var clip = window.Clip(height, width);
            var inside = new PixelWindow(clip.Top - window.Top, clip.Left - window.Left, clip.Height, clip.Width);
            var patch = zeros(3, window.Height, window.Width);
            var projection = zeros(3, window.Height, window.Width);
            int img = local[a.Image];
            patch[.., inside.Top..inside.Bottom, inside.Left..inside.Right] = shown[img, .., clip.Top..clip.Bottom, clip.Left..clip.Right];
            // Projections come out in the network's BGR order: reverse the channels to show them as RGB.
            projection[.., inside.Top..inside.Bottom, inside.Left..inside.Right] =
                projections[i].Image.to_type(ScalarType.Float32).flip(0)[.., clip.Top..clip.Bottom, clip.Left..clip.Right];
            projections[i].Image.Dispose();
            cells.Add(new TopKCell(a, projection.MoveToOuterDisposeScope(),
                patch.MoveToOuterDisposeScope(), window, inside, window.IsClippedIn(height, width), classes?[img] ?? -1));
        }
        var byFeature = cells.GroupBy(c => c.Point.Feature).ToDictionary(g => g.Key, g => g.ToList());
        return features.Select(f => new TopKFeature(stage, f, byFeature.TryGetValue(f, out var c) ? c : [])).ToList();
    }

    /// <summary>Project for a data set of RGB uint8 photos [N,3,224,224]: input via <paramref name="prep"/>, display = photos / 255, labels from the data set.</summary>
    public static IReadOnlyList<TopKFeature> Project(ResNet18 model, IReadOnlyList<IReadOnlyList<ActivationPoint>> top, string stage,
        IReadOnlyList<int>? features, ImageDataset data, ResNet18Preprocessing prep, int batchSize = 16)
    {
        Tensor Select(long[] idx) { using var i = tensor(idx); return data.Images.index_select(0, i); }
        return Project(model, top, stage, features,
            idx => { using var rgb = Select(idx).to_type(ScalarType.Float32); return prep.Apply(rgb); },
            idx => { using var rgb = Select(idx).to_type(ScalarType.Float32); return rgb.div(HeldScalars.ByteMax); },
            prep, idx => { using var i = tensor(idx); return data.Labels.index_select(0, i).data<long>().ToArray(); }, batchSize);
    }
}
