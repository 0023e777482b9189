using System.Security.Cryptography;

namespace ZfViz.Data;

/// <summary>One checksum a fetch script checked: algorithm, value, what it covers, and "verified" (matched a
/// published value) or "recorded" (none published; the value seen at first fetch).</summary>
public sealed record MarkerCheck(string Algorithm, string Value, string Name, string State);

/// <summary>A file kept in the data-set folder with its sha256 at fetch time (re-checkable).</summary>
public sealed record MarkerFile(string Sha256, string RelativePath);

/// <summary>
/// The marker data-scripts/fetch-*.sh write last into a data-set folder (.zfviz-fetched): the source, the date, the
/// checksums verified, and the sha256 of kept files. Its presence means "fetched completely and verified".
/// </summary>
public sealed record DataMarker(string Path, string? Source, string? Fetched, IReadOnlyList<MarkerCheck> Checks, IReadOnlyList<MarkerFile> Files)
{
    public const string FileName = ".zfviz-fetched";

    public static DataMarker? Read(string datasetFolder)
    {
        var path = System.IO.Path.Combine(datasetFolder, FileName);
        if (!File.Exists(path)) return null;
        string? source = null, fetched = null;
        var checks = new List<MarkerCheck>();
        var files = new List<MarkerFile>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            var parts = line.Split(' ', 2);
            var rest = parts.Length > 1 ? parts[1] : "";
            switch (parts[0])
            {
                case "source": source = rest; break;
                case "fetched": fetched = rest; break;
                case "check":
                    var c = rest.Split(' ');
                    if (c.Length >= 4) checks.Add(new MarkerCheck(c[0], c[1], string.Join(' ', c[2..^1]), c[^1]));
                    break;
                case "file":
                    var f = rest.Split(' ', 2);
                    if (f.Length == 2) files.Add(new MarkerFile(f[0], f[1]));
                    break;
            }
        }
        return new DataMarker(path, source, fetched, checks, files);
    }

    /// <summary>One line: how the data was verified when fetched.</summary>
    public string Summary()
    {
        var verified = Checks.Where(c => c.State == "verified").Select(c => $"{c.Algorithm} of {c.Name}").ToArray();
        var recorded = Checks.Where(c => c.State == "recorded").Select(c => c.Name).Distinct().ToArray();
        var parts = new List<string>();
        if (verified.Length > 0) parts.Add(verified.Length <= 2 ? $"verified {string.Join(", ", verified)}" : $"verified {verified.Length} checksums");
        if (recorded.Length > 0) parts.Add($"no published checksum for {string.Join(", ", recorded)} (recorded)");
        return $"fetched {Fetched ?? "?"} from {Source ?? "?"}; {(parts.Count == 0 ? "no checksums" : string.Join("; ", parts))}";
    }

    /// <summary>Recomputes the sha256 of the kept files; returns the problems (changed or missing files), empty if all match.</summary>
    public IReadOnlyList<string> VerifyFiles(string datasetFolder)
    {
        var problems = new List<string>();
        foreach (var f in Files)
        {
            var path = System.IO.Path.Combine(datasetFolder, f.RelativePath);
            if (!File.Exists(path)) { problems.Add($"{path}: missing"); continue; }
            using var s = File.OpenRead(path);
            var got = Convert.ToHexStringLower(SHA256.HashData(s));
            if (got != f.Sha256) problems.Add($"{path}: sha256 {got}, expected {f.Sha256}");
        }
        return problems;
    }
}
