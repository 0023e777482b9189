using TorchSharp;

namespace ZfViz.Data;

/// <summary>
/// The data-set abstraction every consumer takes (trainer, top-9 search, analyses): images decoded into one
/// uint8 tensor [N,C,H,W] (0..255, kept compact: CIFAR-10 train is 150 MB), int64 labels [N], and class names.
/// Conversion to float and normalisation happen per batch (see <see cref="Augment"/>). A split too large for memory
/// (ILSVRC-2012: 250 GB at 256x256; see <see cref="StreamingPolicy"/>) is <em>streamed</em>: it holds file paths and
/// labels only, and the trainer and evaluator read it through <see cref="BatchReader"/>, decoding each batch from disk.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    readonly object materialising = new();
    torch.Tensor? images;

    public string Name { get; }

    /// <summary>uint8 [N,C,H,W] on the CPU. A streamed set decodes all its files on first use, and only when they fit
    /// in memory (a sample of it, say); read a large one with <see cref="BatchReader"/>.</summary>
    public torch.Tensor Images
    {
        get
        {
            if (images is not null) return images;
            lock (materialising)
            {
                if (images is null)
                {
                    var s = Streamed!;
                    if (StreamingPolicy.ShouldStream(s.Count, s.Prep))
                        throw new UserInputException(
                            $"{Name}: its {s.Count} images are streamed from disk ({StreamingPolicy.DecodedBytes(s.Count, s.Prep) / 1e9:F1} GB decoded), too many to hold in memory; take a Sample of it first (or raise ${StreamingPolicy.EnvironmentVariable}).",
                            Name);
                    images = s.Decode(Enumerable.Range(0, s.Count).Select(i => (long)i).ToArray());
                }
                return images;
            }
        }
    }

    /// <summary>The files of a streamed set (null: the images are in memory).</summary>
    public StreamedImages? Streamed { get; }

    /// <summary>int64 [N], each in 0..ClassNames.Count-1.</summary>
    public torch.Tensor Labels { get; }
    public IReadOnlyList<string> ClassNames { get; }

    public ImageDataset(string name, torch.Tensor images, torch.Tensor labels, IReadOnlyList<string> classNames)
    {
        if (images.dim() != 4) throw new ArgumentException($"{name}: images must be [N,C,H,W]; got [{string.Join(",", images.shape)}].");
        if (images.dtype != torch.ScalarType.Byte) throw new ArgumentException($"{name}: images must be uint8; got {images.dtype}.");
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"{name}: {images.shape[0]} images but {(labels.dim() == 1 ? labels.shape[0] : -1)} labels.");
        Name = name;
        this.images = images;
        Labels = labels.to_type(torch.ScalarType.Int64);
        ClassNames = classNames;
    }

    /// <summary>A streamed set: the images stay on disk (<paramref name="files"/>), the labels in memory.</summary>
    public ImageDataset(string name, StreamedImages files, torch.Tensor labels, IReadOnlyList<string> classNames)
    {
        if (labels.dim() != 1 || labels.shape[0] != files.Count)
            throw new ArgumentException($"{name}: {files.Count} files but {(labels.dim() == 1 ? labels.shape[0] : -1)} labels.");
        Name = name;
        Streamed = files;
        Labels = labels.to_type(torch.ScalarType.Int64);
        ClassNames = classNames;
    }

    /// <summary>True when the images are read from disk batch by batch.</summary>
    public bool IsStreamed => Streamed is not null;

    public int Count => Streamed?.Count ?? (int)images!.shape[0];
    public int Channels => Streamed?.Prep.Channels ?? (int)images!.shape[1];
    public int Height => Streamed?.Prep.Size ?? (int)images!.shape[2];
    public int Width => Streamed?.Prep.Size ?? (int)images!.shape[3];

    /// <summary>A view on some of the images (indices into this data set).</summary>
    public ImageDataset Subset(IReadOnlyList<long> indices, string? name = null)
    {
        using var idx = torch.tensor(indices.ToArray(), torch.ScalarType.Int64);
        if (Streamed is { } s) return new ImageDataset(name ?? Name, s.Subset(indices), Labels.index_select(0, idx), ClassNames);
        return new ImageDataset(name ?? Name, Images.index_select(0, idx), Labels.index_select(0, idx), ClassNames);
    }

    /// <summary>
    /// The first n images (or all, if n is null or larger). Folder data sets are stored class by class, so the first
    /// n are often one class: for a representative subset use <see cref="Sample"/>.
    /// </summary>
    public ImageDataset Take(int? n) =>
        n is null || n >= Count ? this
        : Streamed is { } s ? new ImageDataset(Name, s.Subset(Enumerable.Range(0, n.Value).Select(i => (long)i)), Labels[..n.Value], ClassNames)
        : new ImageDataset(Name, Images[..n.Value], Labels[..n.Value], ClassNames);

    /// <summary>
    /// A class-balanced subset of n images (or all, if n is null or larger): each class's images and the order of the
    /// classes shuffled with System.Random(seed), then taken round-robin over the classes, so class counts differ by at
    /// most one (as far as each class has images) and fewer images than classes come from classes spread over the
    /// whole set (the ImageNet samples: one photo per class). Deterministic for a seed; kept in data-set order.
    /// </summary>
    public ImageDataset Sample(int? n, int seed = 0)
    {
        if (n is null || n >= Count) return this;
        if (n < 1) throw new UserInputException($"{Name}: a sample needs at least one image; got {n}.");
        var rng = new Random(seed);
        var queues = Labels.data<long>().ToArray()
            .Select((label, index) => (label, index: (long)index))
            .GroupBy(x => x.label).OrderBy(g => g.Key)
            .Select(g => new Queue<long>(g.Select(x => x.index).OrderBy(_ => rng.Next())))
            .ToList()
            .OrderBy(_ => rng.Next())
            .ToList();
        var chosen = new List<long>(n.Value);
        while (chosen.Count < n)
            foreach (var q in queues.Where(q => q.Count > 0))
            {
                chosen.Add(q.Dequeue());
                if (chosen.Count == n) break;
            }
        chosen.Sort();
        return Subset(chosen);
    }

    public void Dispose()
    {
        images?.Dispose();
        Labels.Dispose();
    }
}
