using System.Reflection;
using System.Runtime.Loader;
using TorchSharp;
using ZfViz.Runtime;

namespace ZfViz.Notebook;

/// <summary>
/// What the first cell of every notebook starts: the FSharp.Core resolver (Plotly.NET 6 is built against a newer
/// FSharp.Core than the notebook kernel has loaded; the loaded one works, so hand it back), libtorch on the chosen
/// device, and the profile; its HTML form loads plotly.js for the notebook's charts. Idempotent: re-running the first cell is harmless.
/// </summary>
public sealed record NotebookSession(Profile Profile, torch.Device Device, int Threads, string DataRoot, string ModelsRoot)
{
    static bool resolverInstalled;

    /// <param name="profile">A profile name; null reads ZFVIZ_PROFILE (default course, quick under CI).</param>
    /// <param name="csharpKernel">The notebook's C# kernel (the setup cell passes it): its later cells compile without
    /// level-2 warnings (see <see cref="QuietAssemblyUnificationWarnings"/>).</param>
    public static NotebookSession Start(string? profile = null, object? csharpKernel = null)
    {
        InstallFSharpCoreResolver();
        if (csharpKernel is not null) QuietAssemblyUnificationWarnings(csharpKernel);
        var device = TorchRuntime.Initialize();
        var p = profile is null ? Profile.FromEnvironment() : Profile.Parse(profile);
        Environment.SetEnvironmentVariable(Profile.EnvironmentVariable, p.Name);
        return new NotebookSession(p, device, TorchRuntime.Threads, ZfVizPaths.DataRoot, ZfVizPaths.ModelsRoot);
    }

    /// <summary>
    /// The Jupyter kernel shows every compiler warning of a cell as an error-looking stderr box, and each cell that
    /// touches TorchSharp gets CS1701 ("Assuming assembly reference 'System.Runtime.Numerics, Version=8.0.0.0' used
    /// by 'TorchSharp' matches ..."), which is harmless (.NET unifies to the newer runtime assembly). Script options
    /// have no per-warning switch, so the kernel's warning level goes to 1 (CS1701/CS1702 are level 2). The field is
    /// private to .NET Interactive (1.0.712001): if it is not there, nothing changes. Returns whether it changed.
    /// </summary>
    public static bool QuietAssemblyUnificationWarnings(object csharpKernel)
    {
        const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;
        for (var type = csharpKernel.GetType(); type is not null; type = type.BaseType)
        {
            if (type.GetField("_scriptOptions", Private) is not { } field) continue;
            var options = field.GetValue(csharpKernel);
            var withLevel = options?.GetType().GetMethod("WithWarningLevel", [typeof(int)]);
            if (options is null || withLevel is null) return false;
            field.SetValue(csharpKernel, withLevel.Invoke(options, [1]));
            return true;
        }
        return false;
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

    /// <summary>
    /// The first cell's output: the ready line, then the plotly.js loader that every chart of the notebook draws
    /// with (once per notebook, so charts need no CDN).
    /// </summary>
    public string ToHtml() =>
        $"<div>{System.Net.WebUtility.HtmlEncode(ToString())}</div>\n" + ZfViz.Viz.PlotlyNotebookHtml.LoaderHtml();

    public override string ToString() =>
        $"ZFViz ready: profile {Profile.Name}, device {Device.type.ToString().ToLowerInvariant()}, {Threads} threads, data {DataRoot}";
}
