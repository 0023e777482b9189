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
    /// top-k lists. Per map, only the k images with the largest maximum can hold the batch's k strongest
    /// activations (when the k-th and (k+1)-th image maxima differ), so one max-reduction picks them and the exact
    /// search runs on those k images alone; maps whose k-th and (k+1)-th image maxima tie (e.g. dead maps, all
    /// zero) are searched over the whole batch.
    /// </summary>
    static void Accumulate(Tensor act, long imageBase, int k, List<ActivationPoint>[] best)
    {
        using var scope = NewDisposeScope();
        long b = act.shape[0], c = act.shape[1], h = act.shape[2], w = act.shape[3], hw = h * w;
        var a3 = act.reshape(b, c, hw);
        var candidates = new List<(long Image, long Position, float Value)>[c];
        var whole = new List<long>();
        if (b > k)
        {
            var (maxVals, maxImages) = a3.amax(2).t().topk(k + 1, dim: 1, largest: true, sorted: true); // [C, k+1]
            var mv = maxVals.cpu().data<float>().ToArray();
            var mi = maxImages.cpu().data<long>().ToArray();
            var few = new List<long>();
            var images = new List<long[]>();
            for (long f = 0; f < c; f++)
            {
                if (mv[f * (k + 1) + k - 1] == mv[f * (k + 1) + k]) { whole.Add(f); continue; }
                few.Add(f);
                images.Add(Enumerable.Range(0, k).Select(j => mi[f * (k + 1) + j]).Order().ToArray());
            }
            if (few.Count > 0)
            {
                // rows of act viewed as [B*C, HW]: image i of map f is row i*C + f; images ascending keeps (image, y, x) order
                var rows = tensor(few.SelectMany((f, r) => images[r].Select(i => i * c + f)).ToArray(), device: act.device);
                var flat = a3.reshape(b * c, hw).index_select(0, rows).reshape(few.Count, k * hw);
                var found = Exact(flat, k);
                for (int r = 0; r < few.Count; r++)
                    candidates[few[r]] = found[r].Select(e => (images[r][e.Index / hw], e.Index % hw, e.Value)).ToList();
            }
        }
        else whole.AddRange(Enumerable.Range(0, (int)c).Select(f => (long)f));
        if (whole.Count > 0)
        {
            var flat = act.index_select(1, tensor(whole.ToArray(), device: act.device)).transpose(0, 1).reshape(whole.Count, b * hw);
            var found = Exact(flat, k);
            for (int r = 0; r < whole.Count; r++)
                candidates[whole[r]] = found[r].Select(e => (e.Index / hw, e.Index % hw, e.Value)).ToList();
        }
        for (int f = 0; f < c; f++)
        {
            var list = best[f];
            foreach (var (img, position, value) in candidates[f])
                list.Add(new ActivationPoint(imageBase + img, f, (int)(position / w), (int)(position % w), value));
            list.Sort(Order);
            if (list.Count > k) list.RemoveRange(k, list.Count - k);
        }
    }

    /// <summary>
    /// Per row of <paramref name="flat"/> [R,N]: the k largest entries, ties broken by the smaller index. torch's
    /// top-(k+1) finds them; where the k-th and (k+1)-th values tie (topk's choice among equal values is
    /// unspecified), the tied entries are recovered exactly: the first ones in index order.
    /// </summary>
    static List<(long Index, float Value)>[] Exact(Tensor flat, int k)
    {
        long rows = flat.shape[0], n = flat.shape[1];
        int kk = (int)Math.Min(k + 1, n), keep = Math.Min(k, kk);
        var (vals, idx) = flat.topk(kk, dim: 1, largest: true, sorted: true);
        var v = vals.cpu().data<float>().ToArray();
        var ix = idx.cpu().data<long>().ToArray();
        var result = new List<(long, float)>[rows];
        var tied = new List<int>();
        for (int r = 0; r < rows; r++)
        {
            result[r] = new List<(long, float)>(keep);
            bool tie = kk > k && v[r * kk + k - 1] == v[r * kk + k];
            if (tie) tied.Add(r);
            float threshold = v[r * kk + keep - 1];
            for (int j = 0; j < keep; j++)
                if (!tie || v[r * kk + j] > threshold) result[r].Add((ix[r * kk + j], v[r * kk + j]));
        }
        if (tied.Count > 0)
        {
            // The first (k - #greater) positions equal to the k-th value, per tied row, in index order.
            var select = tensor(tied.Select(r => (long)r).ToArray(), device: flat.device);
            var threshold = tensor(tied.Select(r => v[r * kk + k - 1]).ToArray(), device: flat.device).unsqueeze(1);
            var need = tensor(tied.Select(r => (long)(k - result[r].Count)).ToArray(), device: flat.device).unsqueeze(1);
            var eq = flat.index_select(0, select).eq(threshold);
            var take = eq.logical_and(eq.to_type(ScalarType.Int64).cumsum(1).le(need));
            var nz = take.nonzero().cpu().data<long>().ToArray();
            for (int j = 0; j < nz.Length; j += 2)
            {
                int r = tied[(int)nz[j]];
                result[r].Add((nz[j + 1], v[r * kk + k - 1]));
            }
        }
        return result;
    }
}
