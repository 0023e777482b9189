namespace ZfViz.Runtime.Numerics;

/// <summary>
/// The guard's state in this process, the ISA cap in force (null: none), channel padding and convolution layout, the
/// verdict it came from, and where that is kept.
/// </summary>
public sealed record NumericsStatus(NumericsState State, string? Isa, bool PadChannels, NumericsSettings? Settings, string SettingsPath,
    ConvLayout Layout = ConvLayout.Default)
{
    /// <summary>What a saved verdict puts in force: nothing (the default kernels were right), or its cap, padding and layout.</summary>
    public static NumericsStatus From(NumericsSettings settings, string path) =>
        settings.OnednnMaxCpuIsa is null && !settings.PadChannels && settings.Layout == ConvLayout.Default
            ? new NumericsStatus(NumericsState.DefaultVerified, null, false, settings, path)
            : new NumericsStatus(NumericsState.Guarded, settings.OnednnMaxCpuIsa, settings.PadChannels, settings, path, settings.Layout);

    /// <summary>One line for `zfviz info` and notebook 00: the verdict and its cost.</summary>
    public string Verdict => State switch
    {
        NumericsState.Overridden =>
            $"{NumericsDoctor.IsaVariable}={Isa ?? "(unset)"}, channel padding {(PadChannels ? "on" : "off")}, " +
            $"convolution layout {ConvLayouts.Name(Layout) ?? ConvLayouts.DefaultName}, from the environment (overrides {SettingsPath}); not checked here",
        NumericsState.Unchecked => "not checked: run 'zfviz doctor' (./setup.sh does)",
        NumericsState.DefaultVerified =>
            $"right: libtorch's default convolutions agree with float64 on this CPU (worst {Settings!.Tried[^1].WorstFloat32}); no cap needed",
        _ => $"guarded: {Guard}, because the default kernels are wrong on this CPU ({Settings!.Tried[0].WorstFloat32}); " +
             (Settings.Cost is { } c ? $"a training step of preset-sized layers takes {c:0.00}x as long" : "cost not measured"),
    };

    string Guard => string.Join(" and ", new[]
    {
        Isa is { } isa ? $"oneDNN capped at {isa}" : null,
        Layout == ConvLayout.ChannelsLast ? "convolutions run channels-last (NHWC)" : null,
        PadChannels ? "odd channel counts padded to multiples of 16" : null,
    }.OfType<string>().DefaultIfEmpty("nothing"));

    /// <summary>Whether bfloat16 convolutions were checked right under the setting in force.</summary>
    public bool BFloat16Verified => State is NumericsState.DefaultVerified or NumericsState.Guarded && Settings!.BFloat16Verified;
}
