using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>One activation of a ResNet-18 stage: image (index in the stream), feature map, position, value.</summary>
public readonly record struct ResNet18Activation(long Image, int Feature, int Y, int X, float Value)
{
    /// <summary>The selection that projects this activation with <see cref="ResNet18Deconv.ProjectMany"/> (image index within the given batch).</summary>
    public ResNet18Selection ToSelection(int imageInBatch) => new(imageInBatch, Feature, (Y, X));
}

/// <summary>
/// The top-k search of the paper's Fig. 2 for a <see cref="ResNet18"/> stage: streams batches of network input once
/// and keeps, for every feature map, the k images whose strongest activation of that map is largest (one activation
/// per image, at the first maximum in row-major order). Ties between images go to the earlier image.
/// Project the results with <see cref="ResNet18Deconv.ProjectMany"/>.
/// </summary>
public static class ResNet18TopK
{
    /// <summary>Per feature (0..C-1) its k strongest activations, strongest first. Images are numbered from 0 across the batches.</summary>
    public static IReadOnlyList<IReadOnlyList<ResNet18Activation>> Search(ResNet18 model, IEnumerable<Tensor> batches, string stage, int k = 9) =>
        Search(model, batches, [stage], k)[stage];

    /// <summary>Several stages in one pass over the batches (one forward per batch): per stage, per feature its k strongest activations.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<ResNet18Activation>>> Search(ResNet18 model, IEnumerable<Tensor> batches,
        IReadOnlyList<string> stages, int k = 9)
    {
        if (stages.Count == 0) throw new ArgumentException("Choose at least one stage to search.");
        foreach (var stage in stages)
        {
            ResNet18.CheckStage(stage);
            if (stage == "avgpool") throw new ArgumentException("avgpool has no positions; search a spatial stage (conv1 .. layer4).");
        }
        if (k < 1) throw new ArgumentException($"k must be at least 1; got {k}.");
        var best = stages.Distinct().ToDictionary(s => s, s => Enumerable.Range(0, ResNet18.StageChannels[s]).Select(_ => new List<ResNet18Activation>(k + 1)).ToArray());
        var device = model.Conv1.weight!.device;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            long seen = 0;
            using var _ = no_grad();
            foreach (var batch in batches)
            {
                using var scope = NewDisposeScope();
                var x = batch.to(device);
                var outputs = best.Count == 1 ? new Dictionary<string, Tensor> { [stages[0]] = model.ForwardTo(x, stages[0]) } : model.ForwardStages(x);
                foreach (var (stage, lists) in best) Accumulate(outputs[stage], seen, k, lists);
                seen += batch.shape[0];
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
        return best.ToDictionary(p => p.Key, p => (IReadOnlyList<IReadOnlyList<ResNet18Activation>>)p.Value);
    }

    /// <summary>Merges one batch of stage outputs [B,C,h,w] (images numbered from <paramref name="seen"/>) into the per-feature lists.</summary>
    static void Accumulate(Tensor a, long seen, int k, List<ResNet18Activation>[] best)
    {
        int channels = best.Length;
        long b = a.shape[0], w = a.shape[3];
        var flat = a.flatten(2);                    // [B,C,h*w]
        var values = flat.amax(2);
        var where = flat.argmax(2);                 // the first maximum in row-major order
        var v = values.cpu().data<float>().ToArray();
        var idx = where.cpu().data<long>().ToArray();
        for (int f = 0; f < channels; f++)
        {
            var list = best[f];
            for (int i = 0; i < b; i++)
            {
                float value = v[i * channels + f];
                // Strictly larger than the current k-th: an equal later image loses the tie.
                if (list.Count == k && value <= list[^1].Value) continue;
                long p = idx[i * channels + f];
                var act = new ResNet18Activation(seen + i, f, (int)(p / w), (int)(p % w), value);
                int at = list.FindIndex(x => value > x.Value);
                list.Insert(at < 0 ? list.Count : at, act);
                if (list.Count > k) list.RemoveAt(k);
            }
        }
    }
}
