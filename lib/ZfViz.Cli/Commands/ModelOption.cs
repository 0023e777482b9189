using System.CommandLine;
using ZfViz.Models;

namespace ZfViz.Cli.Commands;

/// <summary>
/// The <c>--model NAME|CONFIG.json</c> option every model command shares, so the help says the same thing
/// everywhere; the value is resolved by <see cref="ModelSpec.Resolve"/> (the one rule: an existing file or a name
/// ending in .json is a network config, anything else a preset).
/// </summary>
public static class ModelOption
{
    /// <param name="defaultValue">Preset used when --model is left out; null makes the option required.</param>
    /// <param name="otherModels">Models the command handles besides presets and configs (resnet18-imagenet).</param>
    /// <param name="note">Appended to the description, e.g. what --weights must be for a config.</param>
    public static Option<string> Create(string? defaultValue, IReadOnlyList<string>? otherModels = null, string? note = null)
    {
        var names = string.Join(", ", Presets.Names.Concat(otherModels ?? []));
        var option = new Option<string>("--model")
        {
            HelpName = ModelSpec.ValueHelp,
            Description = $"A preset ({names}) or a network config JSON in the format of a run folder's config.json (a what-if network)"
                          + (note is null ? "" : $"; {note}"),
        };
        if (defaultValue is null) option.Required = true;
        else option.DefaultValueFactory = _ => defaultValue;
        return option;
    }

    /// <summary>The model a --model value names (presets and configs; commands check their other models first).</summary>
    public static ModelSpec Resolve(string value, IReadOnlyList<string>? otherModels = null) =>
        ModelSpec.Resolve(value, "--model", otherModels);
}
