namespace ZfViz.Models;

/// <summary>
/// Per-layer table of a <see cref="NetConfig"/> (Fig. 3 as numbers): output shape, parameters, FLOPs, and the
/// receptive field of the conv ReLU outputs and pool outputs. Computed from the config alone (no weights needed).
///
/// Receptive-field recursion, for a window of size k, stride s, padding p applied to maps with field r, jump j and
/// start a (input pixels; the input itself is r=1, j=1, a=0): r' = r + (k-1) j, j' = j s, a' = a - p j.
/// Contrast normalisation and ReLU do not change the spatial field.
/// </summary>
public static class LayerSummary
{
    public static IReadOnlyList<LayerInfo> Compute(NetConfig config)
    {
        config.Validate();
        var rows = new List<LayerInfo>();
        int rf = 1, jump = 1, start = 0, channels = config.InputChannels;
        foreach (var stage in config.Stages())
        {
            var c = config.Convs[stage.Index];
            if (stage.Kind == StageKind.Conv)
            {
                rf += (c.Kernel - 1) * jump; start -= c.Padding * jump; jump *= c.Stride;
                long weights = (long)c.Filters * (channels / c.Groups) * c.Kernel * c.Kernel;
                long flops = 2L * weights * stage.Size * stage.Size;
                rows.Add(new LayerInfo(stage.Name, "conv+relu", [stage.Channels, stage.Size, stage.Size], weights + c.Filters, flops, rf, jump, start));
                channels = c.Filters;
            }
            else
            {
                var p = c.Pool!;
                rf += (p.Size - 1) * jump; start -= p.Padding * jump; jump *= p.Stride;
                rows.Add(new LayerInfo(stage.Name, c.ContrastNorm ? "pool+norm" : "pool", [stage.Channels, stage.Size, stage.Size], 0, 0, rf, jump, start));
            }
        }
        int features = config.FlattenedFeatures;
        foreach (var (name, units) in new[] { ("fc6", config.Fc6), ("fc7", config.Fc7), ("fc8", config.Classes) })
        {
            if (units == 0) continue;
            long weights = (long)features * units;
            rows.Add(new LayerInfo(name, name == "fc8" ? "linear" : "linear+relu+dropout", [units], weights + units, 2 * weights, 0, 0, 0));
            features = units;
        }
        return rows;
    }

    /// <summary>Total parameters and forward FLOPs per image.</summary>
    public static (long Parameters, long Flops) Totals(NetConfig config)
    {
        var rows = Compute(config);
        return (rows.Sum(r => r.Parameters), rows.Sum(r => r.Flops));
    }

    /// <summary>The summary row of a conv ReLU output or pool output by name ("conv3", "pool5").</summary>
    public static LayerInfo Row(NetConfig config, string name) =>
        Compute(config).FirstOrDefault(r => r.Name == name)
        ?? throw new ArgumentException($"{config.Name} has no layer '{name}'.");

    /// <summary>A fixed-width text table (for the CLI and plain notebooks).</summary>
    public static string ToText(NetConfig config)
    {
        var rows = Compute(config);
        var lines = new List<string> { $"{"layer",-7} {"kind",-20} {"output",-13} {"params",12} {"MFLOPs",10} {"RF",5} {"jump",5} {"start",6}" };
        foreach (var r in rows)
            lines.Add($"{r.Name,-7} {r.Kind,-20} {r.ShapeText,-13} {r.Parameters,12:N0} {r.Flops / 1e6,10:F1} {(r.ReceptiveField == 0 ? "" : r.ReceptiveField.ToString()),5} {(r.Jump == 0 ? "" : r.Jump.ToString()),5} {(r.ReceptiveField == 0 ? "" : r.Start.ToString()),6}");
        var (p, f) = Totals(config);
        lines.Add($"{"total",-7} {"",-20} {"",-13} {p,12:N0} {f / 1e6,10:F1}");
        return string.Join(Environment.NewLine, lines);
    }
}
