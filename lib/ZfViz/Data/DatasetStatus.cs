namespace ZfViz.Data;

/// <summary>
/// What `zfviz data check` reports for a data set: where it is looked for, whether present and in which format, counts
/// per split and class, the checksum state from the fetch marker (and a re-check of kept files when asked), and problems.
/// </summary>
public sealed record DatasetStatus(DatasetInfo Info, string Folder, bool Present, string? Format, IReadOnlyList<SplitStatus> Splits,
    string ChecksumState, IReadOnlyList<string> Problems)
{
    public bool Ok => Present && Problems.Count == 0;
}
