namespace ZfViz.Data;

/// <summary>Indices (ascending) into a data set: a class-balanced training part and the test part drawn after it.</summary>
public sealed record ClassBalancedSplit(IReadOnlyList<long> Train, IReadOnlyList<long> Test, int Seed);
