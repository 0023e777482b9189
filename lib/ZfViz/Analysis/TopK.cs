using TorchSharp;
using ZfViz.Data;
using ZfViz.Deconv;
using static TorchSharp.torch;

namespace ZfViz.Analysis;

/// <summary>
/// The one top-k search (Fig. 2's selection): streams batches through the network once and keeps, for every feature
/// map of the chosen layers, the k strongest activations (image, position, value) under a <see cref="TopKRule"/>;
/// activations are never held beyond one batch. The sheets use <see cref="TopKRule.DistinctImages"/> (nine different
/// images per map, as the paper's Fig. 2); <c>zfviz top9 --input</c> prints <see cref="TopKRule.AllPositions"/>.
/// "Strongest" = largest value; ties are broken by the first in row-major order of (image, y, x). Images are
/// numbered from 0 across the batches. (Activation values themselves can differ in the last bit between batch sizes
/// or devices, as convolution algorithms do.)
/// </summary>
public static class TopK
{
    /// <summary>
    /// Searches the maps of every layer the probe reads (each [B,C,h,w]), e.g. a <see cref="Models.ResNet18"/>'s stages;
    /// the batches are what the probe reads.
    /// </summary>
    public static TopKResult Search(ModelProbe probe, IEnumerable<Tensor> batches, int k = 9, TopKRule rule = TopKRule.DistinctImages)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (probe.Layers.Count == 0) throw new ArgumentException("probe: it reads no layer to search.", nameof(probe));
        return Stream(probe.Layers, null, batches, batch =>
        {
            var reading = probe.Read(batch);
            return probe.Layers.Select(l => reading[l]).ToList();
        }, k, rule);
    }

    /// <summary>
    /// Searches layers of a deconvnet (activation = a conv layer's ReLU output, before pooling: what the deconvnet
    /// projects) on batches of network input ([B,C,H,W] float, already preprocessed).
    /// </summary>
    public static TopKResult Search(Deconvnet net, IEnumerable<Tensor> batches, IReadOnlyList<string> layers, int k = 9, TopKRule rule = TopKRule.DistinctImages)
    {
        if (layers.Count == 0) throw new ArgumentException("Choose at least one layer to search.");
        var indices = layers.Select(net.IndexOf).ToArray();
        int last = indices.Max();
        return Stream(indices.Select(i => net.Layers[i].Name).ToList(), indices.Select(i => net.Layers[i].Channels).ToList(), batches, batch =>
        {
            var trace = net.Forward(batch, last, record: false); // its tensors belong to the batch's scope
            return indices.Select(i => trace.Activations[i]).ToList();
        }, k, rule);
    }

    /// <summary>Searches a data set: uint8 images are turned into network input by <paramref name="preprocess"/>, batch by batch.</summary>
    public static TopKResult Search(Deconvnet net, ImageDataset data, Func<Tensor, Tensor> preprocess, IReadOnlyList<string> layers, int k = 9, int batchSize = 128,
        TopKRule rule = TopKRule.DistinctImages) =>
        Search(net, Batches(data, preprocess, batchSize), layers, k, rule);

    /// <summary>The data set in network-input batches (each disposed by the consumer's scope).</summary>
    public static IEnumerable<Tensor> Batches(ImageDataset data, Func<Tensor, Tensor> preprocess, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentException($"Batch size must be at least 1; got {batchSize}.");
        for (int i = 0; i < data.Count; i += batchSize)
            yield return preprocess(data.Images[i..Math.Min(data.Count, i + batchSize)]);
    }

    /// <summary>
    /// The loop: one batch at a time (every tensor the batch source and <paramref name="activations"/> make is freed
    /// with the batch), each layer's maps [B,C,h,w] merged into the running per-map lists.
    /// </summary>
    static TopKResult Stream(IReadOnlyList<string> names, IReadOnlyList<int>? channels, IEnumerable<Tensor> batches,
        Func<Tensor, IReadOnlyList<Tensor>> activations, int k, TopKRule rule)
    {
        if (k < 1) throw new ArgumentException($"k must be at least 1; got {k}.");
        if (!Enum.IsDefined(rule)) throw new ArgumentException($"rule: unknown {rule}.", nameof(rule));
        var best = names.Select((_, i) => channels is null ? null : NewLists(channels[i])).ToArray();
        long seen = 0;
        // The scope opens before MoveNext, so tensors the batch source creates are freed with the batch.
        using var e = batches.GetEnumerator();
        while (true)
        {
            using var scope = NewDisposeScope();
            if (!e.MoveNext()) break;
            var batch = e.Current;
            var maps = activations(batch);
            for (int i = 0; i < names.Count; i++)
            {
                var act = maps[i];
                if (act.dim() != 4) throw new ArgumentException($"{names[i]}: top-k needs maps [B,C,h,w]; got [{string.Join(",", act.shape)}].");
                best[i] ??= NewLists((int)act.shape[1]);
                if (rule == TopKRule.DistinctImages) AccumulateDistinct(act, seen, k, best[i]!);
                else Accumulate(act, seen, k, best[i]!);
            }
            seen += batch.shape[0];
        }
        return new TopKResult(k, rule, names,
            best.Select(l => (IReadOnlyList<IReadOnlyList<ActivationPoint>>)(l ?? []).Select(f => (IReadOnlyList<ActivationPoint>)f).ToList()).ToList(), seen);
    }

    static List<ActivationPoint>[] NewLists(int channels) => Enumerable.Range(0, channels).Select(_ => new List<ActivationPoint>()).ToArray();

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
    /// <see cref="TopKRule.AllPositions"/>: merges one batch's activations [B,C,H,W] (images numbered from <paramref name="imageBase"/>) into the running
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
            Merge(best[f], candidates[f].Select(t => new ActivationPoint(imageBase + t.Image, f, (int)(t.Position / w), (int)(t.Position % w), t.Value)), k);
    }

    /// <summary>
    /// <see cref="TopKRule.DistinctImages"/>: merges one batch's activations [B,C,h,w] (images numbered from
    /// <paramref name="imageBase"/>): per map, each image's first maximum, then the k images with the largest ones.
    /// </summary>
    static void AccumulateDistinct(Tensor act, long imageBase, int k, List<ActivationPoint>[] best)
    {
        using var scope = NewDisposeScope();
        long c = act.shape[1], w = act.shape[3];
        var flat = act.flatten(2);                                // [B,C,h*w]
        var peaks = flat.amax(2);                                 // [B,C]
        var where = flat.argmax(2).cpu().data<long>().ToArray();  // torch's argmax: the first maximum
        var found = Exact(peaks.t().contiguous(), k);             // per map, the k images, ties to the earlier
        for (int f = 0; f < c; f++)
        {
            var points = found[f].Select(e =>
            {
                long p = where[e.Index * c + f];
                return new ActivationPoint(imageBase + e.Index, f, (int)(p / w), (int)(p % w), e.Value);
            });
            Merge(best[f], points, k);
        }
    }

    /// <summary>Adds a batch's candidates to a running list and keeps its k strongest in <see cref="Order"/>.</summary>
    static void Merge(List<ActivationPoint> list, IEnumerable<ActivationPoint> candidates, int k)
    {
        list.AddRange(candidates);
        list.Sort(Order);
        if (list.Count > k) list.RemoveRange(k, list.Count - k);
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
