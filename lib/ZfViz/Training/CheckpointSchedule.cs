namespace ZfViz.Training;

/// <summary>Which epochs keep a model checkpoint (Fig. 4 shows epochs 1, 2, 5, 10, 20, 30, 40, 64 of a 70-epoch run).</summary>
public static class CheckpointSchedule
{
    public static readonly int[] PaperEpochs = [1, 2, 5, 10, 20, 30, 40, 64];
    public const int PaperTotalEpochs = 70;

    /// <summary>
    /// The paper's epochs scaled to a run of <paramref name="epochs"/>: ceil(e * epochs / 70), de-duplicated, plus the
    /// last epoch; runs of 8 epochs or fewer keep every epoch. For 10 epochs: 1, 2, 3, 5, 6, 10.
    /// </summary>
    public static IReadOnlyList<int> Scaled(int epochs)
    {
        if (epochs <= PaperEpochs.Length) return Enumerable.Range(1, Math.Max(0, epochs)).ToArray();
        return PaperEpochs.Select(e => (int)Math.Ceiling(e * (double)epochs / PaperTotalEpochs))
            .Append(epochs).Where(e => e >= 1 && e <= epochs).Distinct().Order().ToArray();
    }

    public static IReadOnlyList<int> Parse(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, out var e) && e >= 1 ? e : throw new UserInputException($"Checkpoint epochs: '{s}' is not a positive integer (expected e.g. 1,2,5,10)."))
            .Distinct().Order().ToArray();
}
