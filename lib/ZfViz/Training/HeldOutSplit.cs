namespace ZfViz.Training;

/// <summary>
/// A stratified split of a set of training images into the part a network is fitted on and a held-out part that
/// decides early stopping and compares recipes. Built only from the training indices it is given, so it can never
/// reach the test images.
/// </summary>
/// <param name="Fit">Indices (ascending) the network is trained on.</param>
/// <param name="HeldOut">Indices (ascending) used to judge it; disjoint from <paramref name="Fit"/>.</param>
public sealed record HeldOutSplit(IReadOnlyList<long> Fit, IReadOnlyList<long> HeldOut)
{
    /// <summary>
    /// Holds out round(fraction x n) of each class's n training images, at least one and at most n - 1, drawn with
    /// System.Random(seed) (stable across .NET versions), classes in label order.
    /// </summary>
    /// <param name="training">Indices into the data set of the training images.</param>
    /// <param name="labels">Labels of the whole data set (indexed by those indices).</param>
    public static HeldOutSplit Stratified(IReadOnlyList<long> training, IReadOnlyList<long> labels, double fraction, int seed)
    {
        if (fraction is <= 0 or >= 1) throw new ArgumentException($"The held-out fraction must be between 0 and 1; got {fraction}.");
        if (training.Distinct().Count() != training.Count) throw new ArgumentException("The training indices contain duplicates.");
        var rng = new Random(seed);
        var fit = new List<long>();
        var heldOut = new List<long>();
        foreach (var group in training.GroupBy(i => labels[(int)i]).OrderBy(g => g.Key))
        {
            var shuffled = group.OrderBy(i => i).ToArray();
            if (shuffled.Length < 2)
                throw new UserInputException($"Class {group.Key} has {shuffled.Length} training image; a held-out split needs at least 2 per class.", "held-out split");
            for (int i = shuffled.Length - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
            }
            int held = Math.Clamp((int)Math.Round(fraction * shuffled.Length), 1, shuffled.Length - 1);
            heldOut.AddRange(shuffled.Take(held));
            fit.AddRange(shuffled.Skip(held));
        }
        fit.Sort();
        heldOut.Sort();
        return new HeldOutSplit(fit, heldOut);
    }
}
