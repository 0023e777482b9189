namespace ZfViz.Training;

/// <summary>A progress report during training (one per mini-batch and one at each epoch's end, Phase "epoch").</summary>
public sealed record TrainingProgress(
    string Phase,
    int Epoch,
    int Epochs,
    int Batch,
    int Batches,
    double Loss,
    double ImagesPerSecond,
    TimeSpan Eta,
    EpochMetrics? Completed = null)
{
    public override string ToString() =>
        Phase == "epoch" && Completed is { } m
            ? $"epoch {Epoch}/{Epochs}: train loss {m.TrainLoss:F3} top-1 err {m.TrainTop1Error:P1}" +
              (m.ValTop1Error is { } v ? $", val top-1 err {v:P1} top-5 err {m.ValTop5Error:P1}" : "") + $", {m.ImagesPerSecond:F0} img/s"
            : $"epoch {Epoch}/{Epochs} batch {Batch}/{Batches}: loss {Loss:F3}, {ImagesPerSecond:F1} img/s, ETA {EtaText}";

    /// <summary>The time left as h:mm:ss, hours unbounded (a paper run on a CPU takes days: "hh" would wrap at 24).</summary>
    public string EtaText => $"{(int)Eta.TotalHours}:{Eta.Minutes:D2}:{Eta.Seconds:D2}";
}
