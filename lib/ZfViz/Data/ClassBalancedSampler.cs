namespace ZfViz.Data;

/// <summary>
/// The paper's transfer protocol (Sec. 5.2): N training images per class drawn at random ("15 / 30 / 60 images per
/// class, 5 random splits"), testing on (up to M of) the rest of each class. Seeded and deterministic: a class's
/// images are shuffled with System.Random(seed) (stable across .NET versions), in class order.
/// </summary>
public static class ClassBalancedSampler
{
    /// <summary>A split of a data set by its labels (index with <see cref="ImageDataset.Subset"/>).</summary>
    public static ClassBalancedSplit Sample(ImageDataset data, int trainPerClass, int? testPerClass = null, int seed = 0) =>
        Sample(Labels(data), trainPerClass, testPerClass, seed);

    static IReadOnlyList<long> Labels(ImageDataset data) => data.Labels.data<long>().ToArray();

    public static ClassBalancedSplit Sample(IReadOnlyList<long> labels, int trainPerClass, int? testPerClass = null, int seed = 0)
    {
        if (trainPerClass < 1) throw new ArgumentException($"trainPerClass must be at least 1; got {trainPerClass}.");
        if (testPerClass is < 0) throw new ArgumentException($"testPerClass must not be negative; got {testPerClass}.");
        var byClass = new SortedDictionary<long, List<long>>();
        for (int i = 0; i < labels.Count; i++)
        {
            if (!byClass.TryGetValue(labels[i], out var list)) byClass[labels[i]] = list = [];
            list.Add(i);
        }
        var rng = new Random(seed);
        var train = new List<long>();
        var test = new List<long>();
        foreach (var (label, indices) in byClass)
        {
            if (indices.Count < trainPerClass)
                throw new UserInputException($"Class {label} has {indices.Count} images; cannot draw {trainPerClass} training images per class.");
            var shuffled = indices.ToArray();
            for (int i = shuffled.Length - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
            }
            train.AddRange(shuffled.Take(trainPerClass));
            var rest = shuffled.Skip(trainPerClass);
            test.AddRange(testPerClass is int m ? rest.Take(m) : rest);
        }
        train.Sort();
        test.Sort();
        return new ClassBalancedSplit(train, test, seed);
    }

    /// <summary><paramref name="count"/> independent splits with seeds seed, seed+1, ...</summary>
    public static IReadOnlyList<ClassBalancedSplit> Splits(IReadOnlyList<long> labels, int trainPerClass, int? testPerClass = null,
        int count = 5, int seed = 0) =>
        Enumerable.Range(0, count).Select(k => Sample(labels, trainPerClass, testPerClass, seed + k)).ToArray();

    public static IReadOnlyList<ClassBalancedSplit> Splits(ImageDataset data, int trainPerClass, int? testPerClass = null,
        int count = 5, int seed = 0) =>
        Splits(Labels(data), trainPerClass, testPerClass, count, seed);
}
