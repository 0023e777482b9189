using System.CommandLine;
using ZfViz.Setup;

namespace ZfViz.Cli.Commands;

/// <summary>zfviz fix-torch: marks libLibTorchSharp.so's GLIBCXX_3.4.32 need weak where the system libstdc++ lacks it.</summary>
public static class FixTorchCommand
{
    public static Command Create()
    {
        var roots = new Option<string[]>("--root")
        {
            Description = "Folder to search for libLibTorchSharp.so (repeatable; default: the NuGet packages folder and the repository)",
            AllowMultipleArgumentsPerToken = true,
        };
        var check = new Option<bool>("--check") { Description = "Only report what would be done; change nothing" };
        var force = new Option<bool>("--force") { Description = "Patch even where the system libstdc++ has the version" };
        var system = new Option<string?>("--system-libstdcxx") { Description = "The libstdc++.so.6 to check (default: the system's)" };
        var cmd = new Command("fix-torch", "Apply the libstdc++ (GLIBCXX_3.4.32) fix to TorchSharp's native library where this system needs it")
            { roots, check, force, system };
        cmd.SetAction(r => Run(r.GetValue(roots) ?? [], r.GetValue(check), r.GetValue(force), r.GetValue(system)));
        return cmd;
    }

    static int Run(string[] roots, bool check, bool force, string? systemLib)
    {
        if (systemLib is not null && !File.Exists(systemLib)) throw new UserInputException($"--system-libstdcxx: no such file: {systemLib}");
        var lib = systemLib ?? TorchNativeFix.FindSystemLibStdCxx();
        if (!force && !TorchNativeFix.IsNeeded(lib))
        {
            Console.WriteLine(lib is null
                ? "fix-torch: no system libstdc++.so.6 found (not Linux?); nothing to do."
                : $"fix-torch: {lib} provides {TorchNativeFix.RequiredVersion}; nothing to do.");
            return 0;
        }
        if (roots.Length == 0)
            roots = new[] { Path.Combine(TorchNativeFix.NuGetPackagesFolder(), "torchsharp"), Runtime.ZfVizPaths.FindRepoRoot() }
                .OfType<string>().ToArray();
        Console.WriteLine($"fix-torch: {lib ?? "system libstdc++"} lacks {TorchNativeFix.RequiredVersion}; searching {string.Join(", ", roots)}");

        var files = TorchNativeFix.FindCopies(roots).ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine("fix-torch: no libLibTorchSharp.so found. Run 'dotnet restore Notebooks.sln' first, then run this again.");
            return 1;
        }
        int failed = 0;
        foreach (var f in files)
        {
            var result = TorchNativeFix.PatchFile(f, dryRun: check);
            Console.WriteLine($"  {result.Action,-14} {result.Path}: {result.Detail}");
            if (result.Action == FixAction.Failed) failed++;
        }
        if (failed > 0)
        {
            Console.Error.WriteLine(
                "fix-torch: some copies could not be patched. By hand: set bit 0x2 (VER_FLG_WEAK) in vna_flags of the " +
                $"{TorchNativeFix.RequiredVersion} entry of .gnu.version_r, or install a libstdc++6 that provides {TorchNativeFix.RequiredVersion} " +
                "(e.g. from Debian 13 / Ubuntu 24.04).");
            return 1;
        }
        return 0;
    }
}
