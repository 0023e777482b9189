using ZfViz.Data;

namespace ZfViz.Training;

/// <summary>A named split -> data set function, and why it was chosen (e.g. the fallback to synthetic data).</summary>
public sealed record DataSource(string Name, Func<string, ImageDataset> Load, string? Note = null);
