namespace ZfViz.Training;

/// <summary>Throughput of one model on this machine (medians over repetitions after warm-up).</summary>
public sealed record BenchmarkResult(
    string Model,
    string Device,
    string Dtype,
    bool ChannelsLast,
    int Threads,
    int BatchTrain,
    int BatchInfer,
    int Repetitions,
    double TrainImagesPerS,
    double InferImagesPerS,
    double GflopsPerS,
    double TrainFlopsPerImage,
    double InferFlopsPerImage);
