using System.Reflection;
using System.Runtime.Loader;
using TorchSharp;
using ZfViz.Runtime;

namespace ZfViz.Notebook;

/// <summary>
/// What the first cell of every notebook starts: the FSharp.Core resolver (Plotly.NET 6 is built against a newer
/// FSharp.Core than the notebook kernel has loaded; the loaded one works, so hand it back), libtorch on the chosen
/// device, and the profile. Idempotent: re-running the first cell is harmless.
/// </summary>
public sealed record NotebookSession(Profile Profile, torch.Device Device, int Threads, string DataRoot, string ModelsRoot)
{
    static bool resolverInstalled;

    /// <param name="profile">A profile name; null reads ZFVIZ_PROFILE (default course, quick under CI).</param>
    public static NotebookSession Start(string? profile = null)
    {
        InstallFSharpCoreResolver();
        var device = TorchRuntime.Initialize();
        var p = profile is null ? Profile.FromEnvironment() : Profile.Parse(profile);
        Environment.SetEnvironmentVariable(Profile.EnvironmentVariable, p.Name);
        return new NotebookSession(p, device, TorchRuntime.Threads, ZfVizPaths.DataRoot, ZfVizPaths.ModelsRoot);
    }

    /// <summary>Answers a request for any FSharp.Core version with the one already loaded, if there is one.</summary>
    public static void InstallFSharpCoreResolver()
    {
        if (resolverInstalled) return;
        resolverInstalled = true;
        AssemblyLoadContext.Default.Resolving += ResolveLoadedFSharpCore;
    }

    internal static Assembly? ResolveLoadedFSharpCore(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == "FSharp.Core"
            ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core")
            : null;

    public override string ToString() =>
        $"ZFViz ready: profile {Profile.Name}, device {Device.type.ToString().ToLowerInvariant()}, {Threads} threads, data {DataRoot}";
}
