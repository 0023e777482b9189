namespace ZfViz.Training;

/// <summary>Throughput of one model on this machine (medians over repetitions after warm-up).</summary>
/// <param name="Dtype">Type of the weights: float32, or bfloat16 for the all-bfloat16 model of --bf16.</param>
/// <param name="Precision">How it computed: float32, mixed (bfloat16 compute on float32 weights) or bfloat16.</param>
/// <param name="Layers">Forward time of each block at the inference batch.</param>
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
    double InferFlopsPerImage,
    string Precision,
    IReadOnlyList<BenchmarkLayerTime> Layers);
