namespace ZfViz.Runtime;

/// <summary>
/// Decides what <see cref="Precision.Auto"/> means on this machine and parses the precision option.
/// Mixed precision pays only where the CPU has bfloat16 instructions (avx512_bf16 or amx_bf16: without them libtorch
/// emulates bfloat16 and it is slower than float32), and it is only trusted once a numerics check has compared
/// bfloat16 convolutions with float64 on this machine (oneDNN 3.7.1 computes some shapes wrong on some CPUs; issue 10).
/// </summary>
public static class MixedPrecisionPolicy
{
    /// <summary>Set to 1 to declare bfloat16 verified until the numerics check is wired to <see cref="IsBf16Verified"/>.</summary>
    public const string VerifiedVariable = "ZFVIZ_BF16_VERIFIED";

    /// <summary>The environment variable that overrides the profile's precision (float32 | mixed | auto).</summary>
    public const string PrecisionVariable = "ZFVIZ_PRECISION";

    static bool? cpuSupportsBf16;

    /// <summary>Parses float32 | mixed | auto (case-insensitive); anything else is the user's error, naming <paramref name="subject"/>.</summary>
    public static Precision Parse(string text, string subject = "--precision") => text.Trim().ToLowerInvariant() switch
    {
        "float32" or "fp32" => Precision.Float32,
        "mixed" => Precision.Mixed,
        "auto" => Precision.Auto,
        _ => throw new UserInputException($"'{text}' is not a precision; choose float32, mixed or auto.", subject),
    };

    /// <summary>The lower-case name used on the command line, in JSON and in messages.</summary>
    public static string Name(Precision precision) => precision switch
    {
        Precision.Float32 => "float32",
        Precision.Mixed => "mixed",
        _ => "auto",
    };

    /// <summary>
    /// Whether bfloat16 convolutions were checked against float64 on this machine. A placeholder until the numerics
    /// check (issue 10) provides the verdict: true only when ZFVIZ_BF16_VERIFIED=1.
    /// </summary>
    public static bool IsBf16Verified() => Environment.GetEnvironmentVariable(VerifiedVariable) == "1";

    /// <summary>Whether this CPU has bfloat16 arithmetic in hardware (Linux: avx512_bf16 or amx_bf16 in /proc/cpuinfo).</summary>
    public static bool CpuSupportsBf16() => cpuSupportsBf16 ??= OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo")
        && CpuInfoHasBf16(File.ReadAllText("/proc/cpuinfo"));

    /// <summary>Whether a /proc/cpuinfo text lists a bfloat16 flag on its flags line.</summary>
    public static bool CpuInfoHasBf16(string cpuinfo) =>
        cpuinfo.Split('\n').Where(l => l.StartsWith("flags", StringComparison.Ordinal))
            .Any(l => l.Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries).Any(f => f is "avx512_bf16" or "amx_bf16"));

    /// <summary>
    /// The precision actually used: float32 or mixed. Auto becomes mixed only on a CPU device with bfloat16 hardware and
    /// a passed numerics check; explicit choices are kept.
    /// </summary>
    public static Precision Resolve(Precision requested) =>
        Resolve(requested, TorchRuntime.Device.type == TorchSharp.DeviceType.CPU && CpuSupportsBf16(), IsBf16Verified());

    /// <summary>The decision itself, with the machine's facts passed in (testable).</summary>
    public static Precision Resolve(Precision requested, bool hardwareBf16, bool verified) => requested switch
    {
        Precision.Auto => hardwareBf16 && verified ? Precision.Mixed : Precision.Float32,
        _ => requested,
    };

    /// <summary>One line for logs: what was asked, what is used and why.</summary>
    public static string Describe(Precision requested)
    {
        var used = Resolve(requested);
        string what = used == Precision.Mixed ? "mixed (bfloat16 compute, float32 weights)" : "float32";
        if (requested != Precision.Auto) return what;
        string why = !CpuSupportsBf16() ? "no bfloat16 in this CPU"
            : !IsBf16Verified() ? $"bfloat16 not verified on this machine (${VerifiedVariable})"
            : "bfloat16 in hardware and verified";
        return $"{what} (auto: {why})";
    }
}
