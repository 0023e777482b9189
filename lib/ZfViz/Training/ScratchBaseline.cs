using ZfViz.Data;
using ZfViz.Models;

namespace ZfViz.Training;

/// <summary>
/// The from-scratch baseline of the transfer experiments (paper Tables 4-5) trained so that it can learn from a few
/// images per class: a first run on the fitted part of a stratified held-out split records the held-out curve, and
/// the final network is trained on all the training images with the same schedule, stopped at the epoch the held-out
/// images liked best. The test images are never seen: the split is built from the training indices alone.
/// </summary>
public static class ScratchBaseline
{
    /// <param name="training">Indices into <paramref name="data"/> of the training images (at least 2 per class).</param>
    public static ScratchBaselineRun Train(NetConfig config, ImageDataset data, IReadOnlyList<long> training, ScratchRecipe recipe,
        int seed = 1, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var split = HeldOutSplit.Stratified(training, data.Labels.data<long>().ToArray(), recipe.HeldOutFraction, seed);
        var curve = HeldOutCurve(config, data, split, recipe, training.Count, seed, progress, cancel);
        int best = EarlyStopping.BestEpoch(curve);
        using var all = data.Subset(training);
        var final = Trainer.Run(recipe.Network(config), all, null, recipe.Options(config, training.Count, seed),
            progress: progress, cancel: cancel, stopAfterEpoch: best);
        return new ScratchBaselineRun(recipe, split, curve, best, final.Model);
    }

    /// <summary>
    /// Compares recipes on one held-out split: each is trained on <c>split.Fit</c> and judged on <c>split.HeldOut</c>
    /// at its best epoch (the epoch early stopping would pick).
    /// </summary>
    public static IReadOnlyList<RecipeTrial> Search(NetConfig config, ImageDataset data, HeldOutSplit split, IEnumerable<ScratchRecipe> candidates,
        int seed = 1, IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        if (split.Fit.Intersect(split.HeldOut).Any()) throw new ArgumentException("The fitted and held-out images overlap.");
        var trials = new List<RecipeTrial>();
        foreach (var recipe in candidates)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var curve = HeldOutCurve(config, data, split, recipe, split.Fit.Count, seed, progress, cancel);
            trials.Add(new RecipeTrial(recipe, curve, EarlyStopping.BestEpoch(curve), clock.Elapsed));
        }
        return trials;
    }

    /// <summary>Trains on the fitted part for the epochs a set of <paramref name="budgetImages"/> would get; returns the per-epoch curve.</summary>
    static IReadOnlyList<EpochMetrics> HeldOutCurve(NetConfig config, ImageDataset data, HeldOutSplit split, ScratchRecipe recipe, int budgetImages,
        int seed, IProgress<TrainingProgress>? progress, CancellationToken cancel)
    {
        using var fit = data.Subset(split.Fit);
        using var heldOut = data.Subset(split.HeldOut);
        var run = Trainer.Run(recipe.Network(config), fit, heldOut, recipe.Options(config, budgetImages, seed), progress: progress, cancel: cancel);
        run.Model.Dispose();
        return run.Metrics;
    }
}
