using System.Security.Cryptography;
using System.Text;

namespace ZfViz.Data;

/// <summary>
/// What a cached tensor file depends on: data set, split, preprocessing, and a fingerprint of the source files
/// (names, sizes, modification times). Any change gives a different <see cref="Hash"/>, so stale entries are never read.
/// </summary>
public sealed record CacheKey(string Dataset, string Split, string Preprocessing, string SourceFingerprint)
{
    /// <summary>Bumped when a loader changes what it produces for the same files.</summary>
    public const int LoaderVersion = 1;

    public string Stem => $"{Dataset}-{Split}-{Preprocessing}";

    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        $"v{LoaderVersion}\n{Dataset}\n{Split}\n{Preprocessing}\n{SourceFingerprint}")))[..16];

    public override string ToString() => $"{Stem}-{Hash}";

    /// <summary>sha256 over (path relative to root, length, last write time) of every file, in ordinal path order.</summary>
    public static string Fingerprint(string root, IEnumerable<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        int count = 0;
        foreach (var f in files.Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(f);
            // A folder stands for its list of entries (its time changes when files are added or removed).
            var line = info.Exists ? $"{Path.GetRelativePath(root, f)}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks}\n"
                : Directory.Exists(f) ? $"{Path.GetRelativePath(root, f)}\tdir\t{Directory.GetLastWriteTimeUtc(f).Ticks}\n"
                : $"{Path.GetRelativePath(root, f)}\tmissing\n";
            sha.AppendData(Encoding.UTF8.GetBytes(line));
            count++;
        }
        return $"{count}:{Convert.ToHexStringLower(sha.GetHashAndReset())}";
    }
}
