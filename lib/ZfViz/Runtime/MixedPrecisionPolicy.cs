namespace ZfViz.Runtime;

/// <summary>
/// Decides what <see cref="Precision.Auto"/> means on this machine and parses the precision option.
/// Mixed precision pays only where the CPU has bfloat16 instructions (avx512_bf16 or amx_bf16: without them libtorch
/// emulates bfloat16 and it is slower than float32), and it is only trusted once a numerics check has compared
/// bfloat16 convolutions with float64 on this machine (oneDNN 3.7.1 computes some shapes wrong on some CPUs; issue 10).
/// </summary>
public static class MixedPrecisionPolicy
{
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
    /// Whether bfloat16 convolutions were checked against float64 on this machine, under the setting in force: the
    /// numerics guard's verdict (<c>zfviz doctor</c>). False where the guard was overridden from the environment or did
    /// not run, since then nothing checked the kernels in use.
    /// </summary>
    public static bool IsBf16Verified() => Numerics.NumericsGuard.Status?.BFloat16Verified ?? false;

    /// <summary>Whether this CPU has bfloat16 arithmetic in hardware (Linux: avx512_bf16 or amx_bf16 in /proc/cpuinfo).</summary>
    public static bool CpuSupportsBf16() => cpuSupportsBf16 ??= OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo")
        && CpuInfoHasBf16(File.ReadAllText("/proc/cpuinfo"));

    /// <summary>Whether a /proc/cpuinfo text lists a bfloat16 flag on its flags line.</summary>
    public static bool CpuInfoHasBf16(string cpuinfo) =>
        cpuinfo.Split('\n').Where(l => l.StartsWith("flags", StringComparison.Ordinal))
            .Any(l => l.Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries).Any(f => f is "avx512_bf16" or "amx_bf16"));

    /// <summary>
    /// Whether oneDNN may use its bfloat16 kernels: ONEDNN_MAX_CPU_ISA unset, ALL, or an ISA with bfloat16
    /// (AVX512_CORE_BF16, AVX512_CORE_FP16, AVX512_CORE_AMX, AVX10...). Capped lower (e.g. SSE41, issue 10's guard),
    /// bfloat16 convolutions fall back to reference code: measured 10-100x slower than float32.
    /// </summary>
    public static bool IsaCapAllowsBf16(string? cap) =>
        string.IsNullOrWhiteSpace(cap) || cap.Trim().ToUpperInvariant() is var c
            && (c is "ALL" or "DEFAULT" || c.Contains("BF16") || c.Contains("AMX") || c.Contains("FP16") || c.StartsWith("AVX10", StringComparison.Ordinal));

    /// <summary>
    /// The precision actually used: float32 or mixed. Auto becomes mixed only on a CPU device with bfloat16 hardware
    /// that oneDNN's ISA cap leaves usable, and a passed numerics check; explicit choices are kept.
    /// </summary>
    public static Precision Resolve(Precision requested) =>
        Resolve(requested, TorchRuntime.Device.type == TorchSharp.DeviceType.CPU && CpuSupportsBf16()
            && IsaCapAllowsBf16(Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA")), IsBf16Verified());

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
            : !IsaCapAllowsBf16(Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA")) ? "ONEDNN_MAX_CPU_ISA leaves oneDNN no bfloat16 kernels"
            : !IsBf16Verified() ? "bfloat16 not verified on this machine under the numerics setting in force (zfviz doctor)"
            : "bfloat16 in hardware and verified";
        return $"{what} (auto: {why})";
    }
}
