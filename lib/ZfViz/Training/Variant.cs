using ZfViz.Models;

namespace ZfViz.Training;

/// <summary>One network of a comparison: a label for the table and the config (usually a what-if of a preset).</summary>
public sealed record Variant(string Label, NetConfig Config);
