namespace ZfViz.Data;

/// <summary>Images in one split, in total and per class (class name, count), counted without decoding.</summary>
public sealed record SplitStatus(string Split, long Count, IReadOnlyList<(string Class, long Count)> PerClass);
