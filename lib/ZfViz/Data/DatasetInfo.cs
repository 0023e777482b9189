namespace ZfViz.Data;

/// <summary>
/// A registered data set. <paramref name="NativeSize"/>: the size its images come in (null: varying, a size is needed);
/// <paramref name="ImageNetStyle"/>: photos resized with the 256-for-224 ratio before the centre crop (else the
/// shorter side is resized straight to the size). <paramref name="MultiLabel"/>: load with Datasets.LoadMultiLabel.
/// </summary>
public sealed record DatasetInfo(string Name, string Description, IReadOnlyList<string> Splits, string FetchScript,
    int? NativeSize, int NativeChannels, bool ImageNetStyle, bool MultiLabel = false);
