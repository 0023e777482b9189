namespace ZfViz.Training;

/// <summary>The outcome of <see cref="Trainer.Run"/>: the final model, every epoch's metrics, where the files are.</summary>
/// <param name="ResumedFromEpoch">0 for a fresh run; else the epoch whose saved state the run continued from.</param>
public sealed record TrainingRun(TrainedModel Model, IReadOnlyList<EpochMetrics> Metrics, string? RunDirectory, int ResumedFromEpoch)
{
    /// <summary>Path of the model checkpoint kept after <paramref name="epoch"/> (if that epoch was in the schedule).</summary>
    public string? CheckpointPath(int epoch) => RunDirectory is null ? null : RunFiles.EpochCheckpoint(RunDirectory, epoch);
}
