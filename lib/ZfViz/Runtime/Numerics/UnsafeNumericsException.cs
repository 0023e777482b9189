namespace ZfViz.Runtime.Numerics;

/// <summary>
/// No oneDNN setting gives right convolutions on this CPU: every figure would be wrong, so nothing runs. Derived from
/// <see cref="UserInputException"/> because the fix lies with the user (another libtorch, or an override they accept),
/// not in a bug report.
/// </summary>
public sealed class UnsafeNumericsException(NumericsSettings settings, string path) : UserInputException(
    "NO SAFE SETTING: libtorch's float32 convolutions disagree with float64 on this CPU under every oneDNN setting tried (" +
    string.Join("; ", settings.Tried.Select(t => $"{t.Isa}: {t.WorstFloat32}")) +
    "). Figures computed here would be wrong, so ZFViz stops. Run 'zfviz doctor' to check again; to run anyway, set " +
    $"{NumericsDoctor.IsaVariable} yourself (e.g. SSE41), which overrides this verdict.", path)
{
    public NumericsSettings Settings { get; } = settings;
}
