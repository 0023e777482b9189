namespace ZfViz.Data;

/// <summary>
/// How <see cref="Datasets"/> loads. <paramref name="ResizeShorter"/> and <paramref name="Channels"/> override the data
/// set's defaults (see <see cref="Datasets.Preprocessing"/>); <paramref name="UseCache"/> false always decodes (and
/// stores nothing); <paramref name="DataRoot"/> overrides ZfVizPaths.DataRoot; <paramref name="Log"/> receives
/// notices such as skipped files (default: standard error); <paramref name="StreamAboveGigabytes"/> overrides
/// <see cref="StreamingPolicy.Gigabytes"/> (photo folders larger than this, decoded, are streamed from disk).
/// </summary>
public sealed record DataLoadOptions(int? ResizeShorter = null, int? Channels = null, bool UseCache = true, string? DataRoot = null,
    Action<string>? Log = null, double? StreamAboveGigabytes = null);
