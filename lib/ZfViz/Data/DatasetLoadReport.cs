namespace ZfViz.Data;

/// <summary>
/// What a load produced and how: the data, the files skipped (a corrupt or non-image file in a folder data set is
/// skipped, never fatal; <see cref="SkippedCount"/> also covers a cached load, whose list is empty), the cache key,
/// and whether the cache answered.
/// </summary>
public sealed record DatasetLoadReport(ImageDataset Data, IReadOnlyList<SkippedFile> Skipped, int SkippedCount, CacheKey Key, bool FromCache);
