namespace ZfViz.Runtime.Numerics;

/// <summary>Whether this CPU computes bfloat16 in hardware (avx512_bf16 or AMX); read from /proc/cpuinfo on Linux.</summary>
public static class Bf16Hardware
{
    static readonly Lazy<bool> supported = new(() => CpuFlags().Overlaps(["avx512_bf16", "amx_bf16"]));

    public static bool Supported => supported.Value;

    /// <summary>The first processor's feature flags (empty where /proc/cpuinfo is not readable).</summary>
    public static IReadOnlySet<string> CpuFlags()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return line is null ? new HashSet<string>() : line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        }
        catch (IOException) { return new HashSet<string>(); }
        catch (UnauthorizedAccessException) { return new HashSet<string>(); }
    }

    /// <summary>The CPU's model name ("AMD EPYC"), or the architecture where /proc/cpuinfo says nothing.</summary>
    public static string CpuModel()
    {
        try
        {
            var line = File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                : null;
            if (line is not null) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }
}
