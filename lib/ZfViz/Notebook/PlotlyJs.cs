using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using ZfViz.Runtime;

namespace ZfViz.Notebook;

/// <summary>
/// The one plotly.js the notebooks and the gallery use offline: the npm package plotly.js-dist-min at the version
/// Plotly.NET 6 was built for (its CDN reference is plotly-2.28.0.min), fetched once into the tools root and
/// checked against the registry's integrity hash and the file's SHA-256, both pinned here.
/// </summary>
public static class PlotlyJs
{
    public const string Version = "2.28.0";
    public const string TarballUrl = "https://registry.npmjs.org/plotly.js-dist-min/-/plotly.js-dist-min-" + Version + ".tgz";
    /// <summary>The npm registry's "integrity" of the tarball (npm view plotly.js-dist-min@2.28.0 dist.integrity).</summary>
    public const string TarballIntegrity = "sha512-TzoB4RRSL4WcbAVP9fjeZRKNnRhHLBWmXxIIMQ3O7GAwadQ/IpO6kSS0q8Ahmr6eewvKKiJeXqc4sA6oEQre/A==";
    /// <summary>SHA-256 of package/plotly.min.js inside that tarball: checks the installed file on every use.</summary>
    public const string FileSha256 = "f33191858012cf263ca873b819c5e7405538183fe3d0e1a6d7b3e577867bcc37";
    public const string CdnUrl = "https://cdn.plot.ly/plotly-" + Version + ".min.js";

    /// <summary>Where the file lives: &lt;tools root&gt;/plotly.js-dist-min-2.28.0/plotly.min.js.</summary>
    public static string InstalledPath => Path.Combine(ZfVizPaths.ToolsRoot, $"plotly.js-dist-min-{Version}", "plotly.min.js");

    /// <summary>True when the installed file is there and has the pinned checksum.</summary>
    public static bool IsInstalled() => File.Exists(InstalledPath) && Sha256Hex(File.ReadAllBytes(InstalledPath)) == FileSha256;

    /// <summary>The installed file, or a clear error saying how to get it.</summary>
    public static string RequireInstalled()
    {
        if (IsInstalled()) return InstalledPath;
        var why = File.Exists(InstalledPath) ? "has the wrong checksum" : "is missing";
        throw new UserInputException(
            $"plotly.js {Version} {why}. Fetch it once with ./setup.sh or './zfviz notebooks plotly-js' (needs the npm registry; " +
            $"offline: './zfviz notebooks plotly-js --from plotly.js-dist-min-{Version}.tgz', or set ${ZfVizPaths.ToolsVariable} to a folder that has it)",
            InstalledPath);
    }

    /// <summary>
    /// Installs the file unless it is already there: from a local tarball if given, else from the npm registry.
    /// Returns what it did, for the log. Verifies the tarball's integrity before anything is written.
    /// </summary>
    public static string EnsureInstalled(string? fromTarball = null, HttpClient? http = null)
    {
        if (IsInstalled()) return $"plotly.js {Version}: already installed at {InstalledPath}";
        byte[] tarball;
        if (fromTarball is not null)
        {
            if (!File.Exists(fromTarball)) throw new UserInputException("no such file", fromTarball);
            tarball = File.ReadAllBytes(fromTarball);
        }
        else
        {
            var client = http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            try { tarball = client.GetByteArrayAsync(TarballUrl).GetAwaiter().GetResult(); }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new UserInputException(
                    $"could not download plotly.js {Version} ({e.Message}). Without network, copy the tarball from a machine that has it and run " +
                    $"'./zfviz notebooks plotly-js --from plotly.js-dist-min-{Version}.tgz'; charts in notebooks fall back to the CDN until then",
                    TarballUrl, e);
            }
            finally { if (http is null) client.Dispose(); }
        }
        var integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball));
        if (integrity != TarballIntegrity)
            throw new UserInputException($"tarball integrity {integrity} is not the pinned {TarballIntegrity}", fromTarball ?? TarballUrl);

        var js = ExtractEntry(tarball, "package/plotly.min.js")
                 ?? throw new UserInputException("tarball has no package/plotly.min.js", fromTarball ?? TarballUrl);
        if (Sha256Hex(js) != FileSha256)
            throw new UserInputException($"plotly.min.js SHA-256 {Sha256Hex(js)} is not the pinned {FileSha256}", fromTarball ?? TarballUrl);

        Directory.CreateDirectory(Path.GetDirectoryName(InstalledPath)!);
        var temp = InstalledPath + ".zfviz-tmp";
        File.WriteAllBytes(temp, js);
        File.Move(temp, InstalledPath, overwrite: true);
        return $"plotly.js {Version}: installed {js.Length / 1e6:0.0} MB at {InstalledPath} (integrity and SHA-256 verified)";
    }

    static byte[]? ExtractEntry(byte[] tgz, string name)
    {
        using var gz = new GZipStream(new MemoryStream(tgz), CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name != name || entry.DataStream is null) continue;
            using var ms = new MemoryStream();
            entry.DataStream.CopyTo(ms);
            return ms.ToArray();
        }
        return null;
    }

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
