namespace ZfViz.Models;

/// <summary>Max pooling after a conv layer's ReLU: window <paramref name="Size"/>, <paramref name="Stride"/>, <paramref name="Padding"/>.</summary>
public sealed record PoolSpec(int Size = 3, int Stride = 2, int Padding = 0);
