using TorchSharp;

namespace ZfViz.Data;

/// <summary>
/// Reads a data set batch by batch in a given order; what the trainer and the evaluator iterate. An in-memory set's
/// batches are index selections of its tensor. A streamed set's are decoded from disk on a background task,
/// <see cref="PrefetchDepth"/> batches ahead of the one in use, so decoding overlaps the network's work and at most
/// <see cref="PrefetchDepth"/> + 1 decoded batches exist at any time (about 25 MB each for 256 photos at batch 128).
/// Each batch's tensors are freed when the next one is asked for or the loop ends: a consumer must not keep them.
/// </summary>
public static class BatchReader
{
    /// <summary>Batches decoded ahead of the one in use (streamed sets).</summary>
    public const int PrefetchDepth = 1;

    /// <summary>The batches of <paramref name="data"/> at <paramref name="batches"/> (indices), in that order.</summary>
    public static IEnumerable<DataBatch> Read(ImageDataset data, IReadOnlyList<long[]> batches, int prefetch = PrefetchDepth)
    {
        if (prefetch < 0) throw new ArgumentOutOfRangeException(nameof(prefetch), prefetch, "must be >= 0");
        return data.Streamed is { } streamed ? ReadStreamed(data, streamed, batches, prefetch) : ReadInMemory(data, batches);
    }

    /// <summary>0..count-1 in batches of <paramref name="size"/> (the evaluator's order).</summary>
    public static IReadOnlyList<long[]> Sequential(int count, int size) => Chunks(Enumerable.Range(0, count).Select(i => (long)i).ToArray(), size);

    /// <summary>An order (e.g. an epoch's permutation) cut into batches of <paramref name="size"/>; the last may be smaller.</summary>
    public static IReadOnlyList<long[]> Chunks(long[] order, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "must be >= 1");
        return order.Chunk(size).ToList();
    }

    static IEnumerable<DataBatch> ReadInMemory(ImageDataset data, IReadOnlyList<long[]> batches)
    {
        foreach (var indices in batches)
        {
            using var idx = torch.tensor(indices, torch.ScalarType.Int64);
            using var images = data.Images.index_select(0, idx);
            using var labels = data.Labels.index_select(0, idx);
            yield return new DataBatch(indices, images, labels);
        }
    }

    static IEnumerable<DataBatch> ReadStreamed(ImageDataset data, StreamedImages streamed, IReadOnlyList<long[]> batches, int prefetch)
    {
        var pending = new Queue<Task<torch.Tensor>>();
        int next = 0;
        Task<torch.Tensor> Start(long[] indices)
        {
            streamed.Hold(); // counted from the moment its memory may be allocated
            return Task.Run(() =>
            {
                try { return streamed.Decode(indices); }
                catch { streamed.Release(); throw; }
            });
        }
        try
        {
            for (int b = 0; b < batches.Count; b++)
            {
                while (next < batches.Count && pending.Count <= prefetch) pending.Enqueue(Start(batches[next++]));
                // GetResult rethrows the decoder's own exception (a UserInputException naming the file), not an AggregateException.
                var images = pending.Dequeue().GetAwaiter().GetResult();
                try
                {
                    using var idx = torch.tensor(batches[b], torch.ScalarType.Int64);
                    using var labels = data.Labels.index_select(0, idx);
                    yield return new DataBatch(batches[b], images, labels);
                }
                finally
                {
                    images.Dispose();
                    streamed.Release();
                }
            }
        }
        finally
        {
            // The loop ended early (an exception, a cancelled run, a break): free what was decoded ahead.
            while (pending.Count > 0)
            {
                var task = pending.Dequeue();
                try
                {
                    task.GetAwaiter().GetResult().Dispose();
                    streamed.Release();
                }
                catch (Exception) { } // its failure was already counted released; the loop's own exception is the one to report
            }
        }
    }
}
