using System.Diagnostics;

namespace ZfViz.Deconv;

/// <summary>
/// Wall time spent in each reverse step of a deconvnet ("conv1 conv", "conv1 pool", ...), summed over every pass
/// while it is attached to <see cref="Deconvnet.StepTimes"/>: where a batched projection spends its time. On a GPU
/// the steps run asynchronously, so the times there say when work was queued rather than done.
/// </summary>
public sealed class ReverseStepTimes
{
    readonly Dictionary<string, double> seconds = [];
    readonly List<string> order = [];

    /// <summary>Steps in the order first seen (top layer first, as the way down runs), with their summed seconds.</summary>
    public IReadOnlyList<(string Step, double Seconds)> Totals => order.Select(s => (s, seconds[s])).ToList();

    public double TotalSeconds => seconds.Values.Sum();

    internal void Add(string step, long startTimestamp)
    {
        double elapsed = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        if (seconds.TryGetValue(step, out var sum)) seconds[step] = sum + elapsed;
        else { seconds[step] = elapsed; order.Add(step); }
    }
}
