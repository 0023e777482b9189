using System.Diagnostics;

namespace ZfViz.Training;

/// <summary>
/// A synchronous <see cref="IProgress{T}"/> (System.Progress posts to another thread, so reports can arrive out of
/// order) that passes on at most one batch report per <paramref name="interval"/> (default 5 s: a headless notebook run
/// keeps every update as an output) and every epoch report.
/// In a notebook: <c>var shown = "".Display(); var progress = new ProgressCallback(p =&gt; shown.Update(p.ToString()));</c>
/// </summary>
public sealed class ProgressCallback(Action<TrainingProgress> report, TimeSpan? interval = null) : IProgress<TrainingProgress>
{
    readonly TimeSpan every = interval ?? TimeSpan.FromSeconds(5);
    readonly Stopwatch clock = Stopwatch.StartNew();
    TimeSpan? last;

    public void Report(TrainingProgress value)
    {
        if (value.Phase == "batch" && last is { } l && clock.Elapsed - l < every && value.Batch != value.Batches) return;
        last = clock.Elapsed;
        report(value);
    }
}
