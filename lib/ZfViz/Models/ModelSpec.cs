namespace ZfViz.Models;

/// <summary>
/// What a <c>--model</c> value names: a preset, or a network config JSON file (a run folder's <c>config.json</c>, or
/// a what-if written by hand; see <see cref="NetConfigFile"/>). The one rule for every command: a value that names an
/// existing file or ends in <c>.json</c> is a config path, anything else must be a preset's name.
/// </summary>
/// <param name="Config">The validated network.</param>
/// <param name="ConfigPath">The config file it came from; null for a preset.</param>
public sealed record ModelSpec(NetConfig Config, string? ConfigPath)
{
    /// <summary>What help texts show for the option's value.</summary>
    public const string ValueHelp = "NAME|CONFIG.json";

    public bool IsPreset => ConfigPath is null;

    /// <summary>For messages: "zfnet-cifar", or "whatif (whatif.json)".</summary>
    public override string ToString() => IsPreset ? Config.Name : $"{Config.Name} ({ConfigPath})";

    /// <summary>True when <paramref name="value"/> is to be read as a config path rather than a preset name.</summary>
    public static bool IsConfigPath(string value) =>
        value.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(value);

    /// <summary>
    /// The preset or config that <paramref name="value"/> names. An unknown name fails listing the presets (and
    /// <paramref name="otherNames"/>, models the calling command handles itself) and saying a config path works too.
    /// A config whose Name is a preset's but whose layers differ is refused: the name labels run folders and outputs,
    /// so a what-if must not pass for the preset.
    /// </summary>
    public static ModelSpec Resolve(string value, string option = "--model", IEnumerable<string>? otherNames = null)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new UserInputException($"needs a preset name or a path to a network config JSON; {Choices(otherNames)}.", option);
        if (IsConfigPath(value))
        {
            var config = NetConfigFile.Read(value);
            var preset = Presets.All.FirstOrDefault(p => string.Equals(p.Name, config.Name, StringComparison.OrdinalIgnoreCase));
            if (preset is not null && !preset.Equals(config with { Name = preset.Name }))
                throw new UserInputException(
                    $"its Name '{config.Name}' is the preset {preset.Name}'s, but its layers differ from that preset; give the what-if its own \"Name\" (it labels run folders and outputs).",
                    value);
            return new ModelSpec(config, value);
        }
        var named = Presets.All.FirstOrDefault(c => string.Equals(c.Name, value.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new UserInputException($"unknown model '{value}'; {Choices(otherNames)}.", option);
        return new ModelSpec(named, null);
    }

    static string Choices(IEnumerable<string>? otherNames) =>
        $"choose a preset ({string.Join(", ", Presets.Names.Concat(otherNames ?? []))}) or give the path to a network config JSON " +
        "(the format of a run folder's config.json, e.g. $ZFVIZ_MODELS/zfnet-cifar/course/config.json)";
}
