namespace ZfViz.Runtime.Numerics;

/// <summary>What the numerics guard did in this process.</summary>
public enum NumericsState
{
    /// <summary>The doctor found libtorch's default kernels right on this CPU: nothing to cap.</summary>
    DefaultVerified,
    /// <summary>The default kernels were wrong here; odd channel counts are padded, or oneDNN is capped, as checked.</summary>
    Guarded,
    /// <summary>ONEDNN_MAX_CPU_ISA was set in the environment, which overrides the settings file.</summary>
    Overridden,
    /// <summary>No verdict for this machine (no settings file, and no zfviz program to run the check with).</summary>
    Unchecked,
}
