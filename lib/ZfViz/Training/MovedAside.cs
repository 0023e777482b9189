namespace ZfViz.Training;

/// <summary>A run folder moved aside by <see cref="ModelStore.SetAsideIfStale"/>: where it was, where it went, and why.</summary>
public sealed record MovedAside(string Run, string To, string Reason)
{
    public override string ToString() => $"{Run} held a run {Reason}; moved it to {To}";
}
