namespace ZfViz.Runtime.Numerics;

/// <summary>The guard's state in this process, the ISA cap in force (null: none), the verdict it came from, and where that is kept.</summary>
public sealed record NumericsStatus(NumericsState State, string? Isa, NumericsSettings? Settings, string SettingsPath)
{
    /// <summary>One line for `zfviz info` and notebook 00: the verdict and its cost.</summary>
    public string Verdict => State switch
    {
        NumericsState.Overridden => $"ONEDNN_MAX_CPU_ISA={Isa} from the environment (overrides {SettingsPath}); not checked here",
        NumericsState.Unchecked => "not checked: run 'zfviz doctor' (./setup.sh does)",
        NumericsState.DefaultVerified =>
            $"right: libtorch's default convolutions agree with float64 on this CPU (worst {Settings!.Tried[^1].WorstFloat32}); no cap needed",
        _ => $"guarded: oneDNN capped at {Isa}, because the default kernels are wrong on this CPU ({Settings!.Tried[0].WorstFloat32}); " +
             (Settings.Cost is { } c ? $"a training step takes {c:0.00}x as long" : "cost not measured"),
    };

    /// <summary>Whether bfloat16 convolutions were checked right under the setting in force.</summary>
    public bool BFloat16Verified => State is NumericsState.DefaultVerified or NumericsState.Capped && Settings!.BFloat16Verified;
}
