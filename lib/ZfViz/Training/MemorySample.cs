namespace ZfViz.Training;

/// <summary>
/// One reading of <see cref="MemoryBenchmark"/>: after <paramref name="Done"/> training steps or projections
/// (<paramref name="Phase"/> "train" or "project"), the process's resident memory and the live TorchSharp tensors.
/// </summary>
public sealed record MemorySample(string Phase, int Done, double ResidentMb, long LiveTensors);
