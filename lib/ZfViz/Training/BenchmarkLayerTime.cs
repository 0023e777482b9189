namespace ZfViz.Training;

/// <summary>Forward time of one block (conv with its ReLU, pooling and normalisation, or fc) at the inference batch.</summary>
/// <param name="Layer">Block name: conv1.., fc6, fc7, fc8.</param>
/// <param name="ForwardMs">Median milliseconds per inference batch.</param>
/// <param name="GflopsPerS">The block's conv/linear FLOPs over that time.</param>
public sealed record BenchmarkLayerTime(string Layer, double ForwardMs, double GflopsPerS);
