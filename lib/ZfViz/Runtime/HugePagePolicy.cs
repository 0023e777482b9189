namespace ZfViz.Runtime;

/// <summary>
/// Asks libtorch to back its large CPU tensors with transparent huge pages (THP_MEM_ALLOC_ENABLE=1: c10 aligns
/// allocations of 2 MB and more to 2 MB and madvises them MADV_HUGEPAGE). Without it, every large activation is fresh
/// memory from the kernel in 4 KB pages, and the page faults, not the arithmetic, dominated ZFNet-224 on the 2-core
/// EPYC: batch 64, float32, channels-last, forward of conv1's ReLU 619 -> 30 ms, its convolution 688 -> 81 ms, the
/// whole forward about 3.3 -> 0.76 s. It takes effect where the kernel's THP mode is "madvise" or "always" (see
/// <see cref="KernelMode"/>); with "never" nothing changes. Set only before libtorch loads, unless the user set it
/// (THP_MEM_ALLOC_ENABLE=0 turns it off), so TorchRuntime.Initialize calls <see cref="PreferHugePages"/> first.
/// </summary>
public static class HugePagePolicy
{
    public const string Variable = "THP_MEM_ALLOC_ENABLE";
    const string ModeFile = "/sys/kernel/mm/transparent_hugepage/enabled";

    public static void PreferHugePages()
    {
        if (!OperatingSystem.IsLinux() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))) return;
        NativeEnvironment.Set(Variable, "1");
    }

    /// <summary>Whether libtorch was asked for huge pages in this process ($THP_MEM_ALLOC_ENABLE=1).</summary>
    public static bool Requested => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>The kernel's THP mode (always, madvise or never; the bracketed word of its settings file), or null off Linux.</summary>
    public static string? KernelMode
    {
        get
        {
            try { return File.Exists(ModeFile) ? ParseMode(File.ReadAllText(ModeFile)) : null; }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }
    }

    /// <summary>The bracketed choice of a THP settings line such as "always [madvise] never".</summary>
    public static string? ParseMode(string text)
    {
        int open = text.IndexOf('['), close = text.IndexOf(']');
        return open >= 0 && close > open ? text[(open + 1)..close] : null;
    }

    /// <summary>One line for <c>zfviz info</c>: what libtorch's large tensors get on this machine.</summary>
    public static string Describe()
    {
        if (!OperatingSystem.IsLinux()) return "not applicable (Linux only)";
        var mode = KernelMode ?? "unknown";
        if (!Requested) return $"off (${Variable}={Environment.GetEnvironmentVariable(Variable)}; kernel THP mode {mode})";
        return mode is "madvise" or "always"
            ? $"on (${Variable}=1, kernel THP mode {mode})"
            : $"requested, but the kernel's THP mode is {mode}: 4 KB pages (large tensors page-fault; see README)";
    }
}
