namespace ZfViz.Training;

/// <summary>
/// What <see cref="MemoryBenchmark.Run"/> measured. Each growth is the resident memory of a phase's last reading
/// minus its first reading after warm-up (MB); <see cref="GrowthMb"/> spans both phases, from the first training
/// reading after warm-up to the last projection reading.
/// </summary>
public sealed record MemoryBenchmarkResult(
    string Model,
    int Steps,
    int Projections,
    int BatchSize,
    int WarmupSteps,
    int WarmupProjections,
    IReadOnlyList<MemorySample> Samples,
    double TrainingGrowthMb,
    double ProjectionGrowthMb,
    double GrowthMb);
