using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;
using ZfViz.Runtime.Numerics;
using ZfViz.Setup;

namespace ZfViz.Runtime;

/// <summary>What `zfviz info` and the setup notebook show: versions, device, threads, profile and paths.</summary>
public sealed record EnvironmentInfo(
    string ZfVizVersion, string DotNetVersion, string Os, string TorchSharpVersion, string TorchBackend,
    string Device, bool CudaAvailable, int Threads, string Profile, string DataRoot, string ModelsRoot,
    string? RepoRoot, string TorchFix, string? TorchError, string Numerics, string? OnednnMaxCpuIsa, bool ConvChannelPadding, string NumericsFile,
    string? ConfigError = null, string ConvLayout = ConvLayouts.DefaultName, string HugePages = "")
{
    /// <summary>
    /// Collects the facts. libtorch failing to load is reported in <see cref="TorchError"/>; a setting the user got
    /// wrong ($ZFVIZ_DEVICE=cuda on a CPU build, a bad $ZFVIZ_THREADS) in <see cref="ConfigError"/>: neither is thrown,
    /// and only the first one is a reason to look at the libstdc++ fix.
    /// </summary>
    public static EnvironmentInfo Collect()
    {
        string deviceName = "?", error = "";
        string? configError = null;
        bool cuda = false, loadFailed = false;
        int threads = 0;
        try
        {
            var dev = TorchRuntime.Initialize();
            deviceName = dev.type.ToString().ToLowerInvariant();
            cuda = torch.cuda.is_available();
            threads = TorchRuntime.Threads;
        }
        catch (UserInputException e)
        {
            configError = e.Describe();
        }
        catch (Exception e)
        {
            loadFailed = true;
            error = (e.InnerException ?? e).Message.Split('\n')[0] + " Run ./setup.sh (it applies the TorchSharp fix) and see README.";
        }

        string profile;
        try { profile = Runtime.Profile.FromEnvironment().Name; }
        catch (UserInputException e)
        {
            profile = "invalid: " + e.Message;
            configError ??= e.Describe();
        }

        var lib = TorchNativeFix.FindSystemLibStdCxx();
        var fix = lib is null ? "not applicable (no system libstdc++ found)"
            : TorchNativeFix.IsNeeded(lib)
                ? !loadFailed
                    ? $"applied ({lib} lacks {TorchNativeFix.RequiredVersion}; TorchSharp's requirement is marked weak)"
                    : $"needed ({lib} lacks {TorchNativeFix.RequiredVersion}): run ./setup.sh"
            : $"not needed ({lib} has {TorchNativeFix.RequiredVersion})";

        return new EnvironmentInfo(
            Version(typeof(EnvironmentInfo).Assembly), RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription,
            Version(typeof(torch).Assembly), TorchRuntime.Backend, deviceName, cuda, threads, profile,
            ZfVizPaths.DataRoot, ZfVizPaths.ModelsRoot, ZfVizPaths.FindRepoRoot(), fix, error.Length == 0 ? null : error,
            NumericsGuard.Status?.Verdict ?? "not applied (libtorch did not start)",
            NumericsGuard.Status?.Isa, NumericsGuard.Status?.PadChannels ?? false, NumericsSettings.DefaultPath, configError,
            ConvLayouts.Name(NumericsGuard.Status?.Layout ?? ZfViz.Runtime.Numerics.ConvLayout.Default) ?? ConvLayouts.DefaultName,
            HugePagePolicy.Describe());
    }

    static string Version(Assembly a) =>
        a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? a.GetName().Version?.ToString() ?? "?";

    /// <summary>Label/value rows in display order.</summary>
    public IEnumerable<(string Label, string Value)> Rows()
    {
        yield return ("zfviz", ZfVizVersion);
        yield return (".NET", DotNetVersion);
        yield return ("OS", Os);
        yield return ("TorchSharp", $"{TorchSharpVersion} ({TorchBackend} libtorch)");
        yield return ("device", TorchError is null && ConfigError is null ? Device : "unavailable");
        yield return ("CUDA available", CudaAvailable ? "yes" : "no");
        yield return ("threads", Threads.ToString());
        if (HugePages.Length > 0) yield return ("huge pages", HugePages);
        yield return ("profile", Profile);
        yield return ("data root", DataRoot + $"  (${ZfVizPaths.DataVariable})");
        yield return ("models", ModelsRoot + $"  (${ZfVizPaths.ModelsVariable})");
        yield return ("repository", RepoRoot ?? "not found");
        yield return ("libstdc++ fix", TorchFix);
        yield return ("numerics", Numerics);
        yield return ("numerics file", NumericsFile + $"  (${NumericsSettings.FileVariable}; rewrite with zfviz doctor)");
        if (TorchError is not null) yield return ("torch error", TorchError);
        if (ConfigError is not null) yield return ("setting error", ConfigError);
    }
}
