using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Training;

/// <summary>Checks that two training runs are the same run: per-epoch metrics equal (times aside) and every weight
/// bit-identical (what a resumed or a streamed run must give).</summary>
static class SameRun
{
    public static void Assert(TrainingRun expected, TrainingRun actual)
    {
        Xunit.Assert.Equal(expected.Metrics.Select(m => m with { Seconds = 0, ImagesPerSecond = 0 }),
                           actual.Metrics.Select(m => m with { Seconds = 0, ImagesPerSecond = 0 }));
        foreach (var ((name, p), (_, q)) in expected.Model.Net.named_parameters().Zip(actual.Model.Net.named_parameters()))
            Xunit.Assert.True(Identical(p, q), name);
    }

    /// <summary>Same shape and the same values, element by element.</summary>
    public static bool Identical(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }
}

/// <summary>Progress reported on the trainer's own thread (Progress&lt;T&gt; posts later, too late for a cancel).</summary>
sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
