namespace ZfViz.Setup;

/// <summary>What the fix did (or would do) to one copy of libLibTorchSharp.so.</summary>
public enum FixAction { Patched, AlreadyPatched, NotNeeded, WouldPatch, Failed }

public sealed record FixResult(string Path, FixAction Action, string Detail);

/// <summary>
/// TorchSharp 0.107.0's libLibTorchSharp.so asks libstdc++ for GLIBCXX_3.4.32 (Debian 12 stops at 3.4.30),
/// so the loader refuses it and every torch call fails. The only symbol bound to that version,
/// _ZSt21ios_base_library_initv, is a marker no relocation uses, so marking the requirement weak
/// (VER_FLG_WEAK in vna_flags) lets the library load with no change in behaviour. One byte per file.
/// </summary>
public static class TorchNativeFix
{
    public const string RequiredVersion = "GLIBCXX_3.4.32";
    public const string LibraryName = "libLibTorchSharp.so";

    /// <summary>The system libstdc++ the dynamic loader would pick, or null when none is found (macOS, Windows).</summary>
    public static string? FindSystemLibStdCxx()
    {
        string[] candidates =
        [
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>True when the system libstdc++ lacks the version, i.e. the fix is needed on this machine.</summary>
    public static bool IsNeeded(string? systemLibStdCxx) =>
        systemLibStdCxx is not null && !ElfVersionNeeds.MentionsVersion(systemLibStdCxx, RequiredVersion);

    /// <summary>Every libLibTorchSharp.so below the roots (NuGet cache, build outputs).</summary>
    public static IEnumerable<string> FindCopies(IEnumerable<string> roots) =>
        roots.Where(Directory.Exists)
             .SelectMany(r => Directory.EnumerateFiles(r, LibraryName, new EnumerationOptions
             {
                 RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint,
             }))
             .Distinct();

    /// <summary>Patches one file in place (atomically: write a temporary copy, verify it, rename over).</summary>
    public static FixResult PatchFile(string path, bool dryRun = false)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            var need = ElfVersionNeeds.Read(bytes, path).FirstOrDefault(n => n.Version == RequiredVersion);
            if (need is null) return new(path, FixAction.NotNeeded, $"does not require {RequiredVersion}");
            if (need.IsWeak) return new(path, FixAction.AlreadyPatched, $"{RequiredVersion} already weak");
            if (dryRun) return new(path, FixAction.WouldPatch, $"would mark {RequiredVersion} weak");

            bytes[need.FlagsOffset] |= (byte)VersionNeed.WeakFlag; // vna_flags is little-endian; WEAK is in the low byte
            var after = ElfVersionNeeds.Read(bytes, path).Single(n => n.Version == RequiredVersion);
            if (!after.IsWeak) return new(path, FixAction.Failed, "verification after patching failed; file left unchanged");

            var tmp = path + ".zfviz-tmp";
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, path, overwrite: true);
            var reread = ElfVersionNeeds.Read(path).Single(n => n.Version == RequiredVersion);
            return reread.IsWeak
                ? new(path, FixAction.Patched, $"marked {RequiredVersion} weak (byte at 0x{need.FlagsOffset:x})")
                : new(path, FixAction.Failed, "file did not verify after writing");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or UserInputException)
        {
            return new(path, FixAction.Failed, e.Message);
        }
    }

    /// <summary>The default places to look: the NuGet global packages folder's TorchSharp package.</summary>
    public static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
