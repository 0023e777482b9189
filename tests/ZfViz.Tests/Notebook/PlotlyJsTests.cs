using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using ZfViz.Notebook;
using ZfViz.Runtime;

namespace ZfViz.Tests.Notebook;

/// <summary>Changes $ZFVIZ_TOOLS: these tests must not run beside each other.</summary>
[CollectionDefinition("tools root", DisableParallelization = true)]
public class ToolsRootCollection;

[Collection("tools root")]
public class PlotlyJsTests
{
    static void WithTools(string folder, Action body)
    {
        var old = Environment.GetEnvironmentVariable(ZfVizPaths.ToolsVariable);
        Environment.SetEnvironmentVariable(ZfVizPaths.ToolsVariable, folder);
        try { body(); }
        finally { Environment.SetEnvironmentVariable(ZfVizPaths.ToolsVariable, old); }
    }

    /// <summary>A tarball shaped like the npm package, with other contents (so its checksums differ).</summary>
    static string FakeTarball(string dir)
    {
        var path = Path.Combine(dir, "fake.tgz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        using (var tar = new TarWriter(gz))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "package/plotly.min.js") { DataStream = new MemoryStream("window.Plotly = {};"u8.ToArray()) };
            tar.WriteEntry(entry);
        }
        return path;
    }

    [Fact]
    public void TheInstalledPathIsUnderTheToolsRootAndMissingFileSaysHowToGetIt()
    {
        using var toolsFolder = new TempFolder("zfviz-tools");
        var tools = toolsFolder.Path;
        WithTools(tools, () =>
        {
            Assert.Equal(Path.Combine(tools, "plotly.js-dist-min-2.28.0", "plotly.min.js"), PlotlyJs.InstalledPath);
            Assert.False(PlotlyJs.IsInstalled());
            var e = Assert.Throws<UserInputException>(PlotlyJs.RequireInstalled);
            Assert.Contains("is missing", e.Message);
            Assert.Contains("zfviz notebooks plotly-js", e.Message);
            Assert.Equal(PlotlyJs.InstalledPath, e.Subject);
        });
    }

    [Fact]
    public void ATarballWithTheWrongChecksumIsRejectedAndNothingIsWritten()
    {
        using var toolsFolder = new TempFolder("zfviz-tools");
        var tools = toolsFolder.Path;
        var tgz = FakeTarball(tools);
        WithTools(tools, () =>
        {
            var e = Assert.Throws<UserInputException>(() => PlotlyJs.EnsureInstalled(tgz));
            Assert.Contains("integrity", e.Message);
            Assert.Contains("sha512-" + Convert.ToBase64String(SHA512.HashData(File.ReadAllBytes(tgz))), e.Message);
            Assert.False(File.Exists(PlotlyJs.InstalledPath));
            Assert.Throws<UserInputException>(() => PlotlyJs.EnsureInstalled(Path.Combine(tools, "missing.tgz")));
        });
    }

    [Fact]
    public void AFileWithTheWrongContentIsNotTakenForTheInstalledOne()
    {
        using var toolsFolder = new TempFolder("zfviz-tools");
        var tools = toolsFolder.Path;
        WithTools(tools, () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(PlotlyJs.InstalledPath)!);
            File.WriteAllText(PlotlyJs.InstalledPath, "not plotly");
            Assert.False(PlotlyJs.IsInstalled());
            Assert.Contains("wrong checksum", Assert.Throws<UserInputException>(PlotlyJs.RequireInstalled).Message);
        });
    }
}
