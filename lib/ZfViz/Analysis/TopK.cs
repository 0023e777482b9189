using TorchSharp;
using ZfViz.Data;
using ZfViz.Deconv;
using static TorchSharp.torch;

namespace ZfViz.Analysis;

/// <summary>
/// Streams a data set through the network once and keeps, for every feature map of the chosen layers, the k
/// strongest activations (image, position, value); activations are never held beyond one batch.
/// Activation = the layer's ReLU output (before pooling). "Strongest" = largest value; ties are broken by the first
/// in row-major order of (image, y, x). (Activation values themselves can differ in the last bit between batch sizes
/// or devices, as convolution algorithms do.)
/// </summary>
public static class TopK
{
    /// <summary>Searches batches of network input ([B,C,H,W] float, already preprocessed), numbered consecutively from image 0.</summary>
    public static TopKResult Search(Deconvnet net, IEnumerable<Tensor> batches, IReadOnlyList<string> layers, int k = 9)
    {
        if (k < 1) throw new ArgumentException($"k must be at least 1; got {k}.");
        if (layers.Count == 0) throw new ArgumentException("Choose at least one layer to search.");
        var indices = layers.Select(net.IndexOf).ToArray();
        int last = indices.Max();
        var best = indices.Select(l => Enumerable.Range(0, net.Layers[l].Channels).Select(_ => new List<ActivationPoint>()).ToArray()).ToArray();
        long seen = 0;
        // The scope opens before MoveNext, so tensors the batch source creates are freed with the batch.
        using var e = batches.GetEnumerator();
        while (true)
        {
            using var scope = NewDisposeScope();
            if (!e.MoveNext()) break;
            var batch = e.Current;
            using var trace = net.Forward(batch, last, record: false);
            for (int i = 0; i < indices.Length; i++)
                Accumulate(trace.Activations[indices[i]], seen, k, best[i]);
            seen += batch.shape[0];
        }
        return new TopKResult(k, indices.Select(i => net.Layers[i].Name).ToList(), indices,
            best.Select(l => (IReadOnlyList<IReadOnlyList<ActivationPoint>>)l.Select(f => (IReadOnlyList<ActivationPoint>)f).ToList()).ToList(), seen);
    }

    /// <summary>Searches a data set: uint8 images are turned into network input by <paramref name="preprocess"/>, batch by batch.</summary>
    public static TopKResult Search(Deconvnet net, ImageDataset data, Func<Tensor, Tensor> preprocess, IReadOnlyList<string> layers, int k = 9, int batchSize = 128) =>
        Search(net, Batches(data, preprocess, batchSize), layers, k);

    /// <summary>The data set in network-input batches (each disposed by the consumer's scope).</summary>
    public static IEnumerable<Tensor> Batches(ImageDataset data, Func<Tensor, Tensor> preprocess, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentException($"Batch size must be at least 1; got {batchSize}.");
        for (int i = 0; i < data.Count; i += batchSize)
            yield return preprocess(data.Images[i..Math.Min(data.Count, i + batchSize)]);
    }

    /// <summary>Orders activations strongest first, then by (image, y, x).</summary>
    public static readonly Comparison<ActivationPoint> Order = (a, b) =>
    {
        int c = b.Value.CompareTo(a.Value);
        if (c != 0) return c;
        c = a.Image.CompareTo(b.Image);
        if (c != 0) return c;
        c = a.Y.CompareTo(b.Y);
        return c != 0 ? c : a.X.CompareTo(b.X);
    };

    /// <summary>
    /// Merges one batch's activations [B,C,H,W] (images numbered from <paramref name="imageBase"/>) into the running
    /// top-k lists. Per map: torch's top-(k+1); where the k-th and (k+1)-th values tie, the tied positions are
    /// recovered exactly (first in (image, y, x) order) so the boundary does not depend on topk's tie order.
    /// </summary>
    static void Accumulate(Tensor act, long imageBase, int k, List<ActivationPoint>[] best)
    {
        using var scope = NewDisposeScope();
        long b = act.shape[0], c = act.shape[1], h = act.shape[2], w = act.shape[3], n = b * h * w;
        var flat = act.transpose(0, 1).reshape(c, n); // row-major in (image, y, x) per feature
        int kk = (int)Math.Min(k + 1, n);
        var (vals, idx) = flat.topk(kk, dim: 1, largest: true, sorted: true);
        var v = vals.cpu().data<float>().ToArray();
        var ix = idx.cpu().data<long>().ToArray();
        int keep = Math.Min(k, kk);

        var candidates = new List<(long Index, float Value)>[c];
        var tied = new List<int>();
        for (int f = 0; f < c; f++)
        {
            candidates[f] = new List<(long, float)>(keep);
            bool tie = kk > k && v[f * kk + k - 1] == v[f * kk + k];
            if (tie) tied.Add(f);
            float threshold = v[f * kk + keep - 1];
            for (int j = 0; j < keep; j++)
                if (!tie || v[f * kk + j] > threshold) candidates[f].Add((ix[f * kk + j], v[f * kk + j]));
        }
        if (tied.Count > 0)
        {
            // The first (k - #greater) positions equal to the k-th value, per tied map, in index order.
            var rows = tensor(tied.Select(f => (long)f).ToArray(), device: act.device);
            var threshold = tensor(tied.Select(f => v[f * kk + k - 1]).ToArray(), device: act.device).unsqueeze(1);
            var need = tensor(tied.Select(f => (long)(k - candidates[f].Count)).ToArray(), device: act.device).unsqueeze(1);
            var eq = flat.index_select(0, rows).eq(threshold);
            var take = eq.logical_and(eq.to_type(ScalarType.Int64).cumsum(1).le(need));
            var nz = take.nonzero().cpu().data<long>().ToArray();
            for (int j = 0; j < nz.Length; j += 2)
            {
                int f = tied[(int)nz[j]];
                candidates[f].Add((nz[j + 1], v[f * kk + k - 1]));
            }
        }
        for (int f = 0; f < c; f++)
        {
            var list = best[f];
            foreach (var (index, value) in candidates[f])
            {
                long image = index / (h * w), rem = index % (h * w);
                list.Add(new ActivationPoint(imageBase + image, f, (int)(rem / w), (int)(rem % w), value));
            }
            list.Sort(Order);
            if (list.Count > k) list.RemoveRange(k, list.Count - k);
        }
    }
}
