namespace ZfViz.Models;

public enum StageKind { Conv, Pool }

/// <summary>The maps after one stage: conv{i+1}'s ReLU output or pool{i+1}'s output (<see cref="Index"/> is the conv stage's 0-based index).</summary>
public sealed record StageShape(string Name, int Index, StageKind Kind, int Channels, int Size);
