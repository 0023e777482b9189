using ZfViz.Runtime;
using static TorchSharp.torch;

namespace ZfViz.Tests.Runtime;

public class HugePagePolicyTests
{
    const string ModeFile = "/sys/kernel/mm/transparent_hugepage/enabled";

    [Theory]
    [InlineData("always [madvise] never\n", "madvise")]
    [InlineData("[always] madvise never", "always")]
    [InlineData("always madvise [never]", "never")]
    [InlineData("no brackets here", null)]
    [InlineData("", null)]
    public void ReadsTheKernelsBracketedMode(string text, string? mode) => Assert.Equal(mode, HugePagePolicy.ParseMode(text));

    /// <summary>The kernel's mode read here independently of the policy (null where there is no THP).</summary>
    static string? KernelMode()
    {
        if (!File.Exists(ModeFile)) return null;
        var text = File.ReadAllText(ModeFile);
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (word.StartsWith('[')) return word.Trim('[', ']');
        return null;
    }

    static long AnonHugePagesKb()
    {
        foreach (var line in File.ReadLines("/proc/self/smaps_rollup"))
            if (line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return 0;
    }

    [Fact]
    public void ALargeTensorIsBackedByHugePagesWhereTheKernelAllowsThem()
    {
        if (!OperatingSystem.IsLinux() || KernelMode() is not ("madvise" or "always")) return; // nothing to ask for
        Assert.True(HugePagePolicy.Requested); // TorchRuntime.Initialize (the test module initializer) asked for it
        long before = AnonHugePagesKb();
        using var big = empty(64L * 1024 * 1024, ScalarType.Float32); // 256 MB
        big.fill_(1f); // touch every page
        long after = AnonHugePagesKb();
        // With 4 KB pages (the default under "madvise" without the request) this stays flat.
        Assert.True(after - before >= 128 * 1024, $"AnonHugePages grew by {after - before} kB for a 256 MB tensor");
    }

    [Fact]
    public void InfoSaysWhetherHugePagesAreOnAndTheUserCanTurnThemOff()
    {
        if (!OperatingSystem.IsLinux()) return;
        var off = CliProcess.Run(["info"], new Dictionary<string, string> { [HugePagePolicy.Variable] = "0" });
        Assert.Equal(0, off.ExitCode);
        Assert.Contains("huge pages      off ($THP_MEM_ALLOC_ENABLE=0", off.Stdout);
        var on = CliProcess.Run("info");
        Assert.Equal(0, on.ExitCode);
        var mode = KernelMode();
        Assert.Contains(mode is "madvise" or "always" ? $"huge pages      on ($THP_MEM_ALLOC_ENABLE=1, kernel THP mode {mode})"
            : "huge pages      requested, but", on.Stdout);
    }
}
