using System.Diagnostics;
using ZfViz.Runtime;

namespace ZfViz.Tests.Data;

/// <summary>The data-scripts' failure paths (no network needed): clear messages, nothing half-written.</summary>
public class FetchScriptTests
{
    static (int Code, string Error) Run(string script, string args, Dictionary<string, string>? env = null)
    {
        var repo = ZfVizPaths.FindRepoRoot() ?? throw new InvalidOperationException("repository root not found");
        var psi = new ProcessStartInfo("bash", $"{Path.Combine(repo, "data-scripts", script)} {args}")
        {
            RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true,
        };
        psi.Environment.Remove("ZFVIZ_DATA_MIRROR");
        foreach (var (k, v) in env ?? []) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, err.Result);
    }

    [Fact]
    public void OfflineWithoutMirrorFailsClearly()
    {
        using var f = new DataFixture();
        var (code, err) = Run("fetch-caltech101.sh", $"--offline --data {f.Root}");
        Assert.NotEqual(0, code);
        Assert.Contains("offline and no mirror holds caltech-101.zip", err);
        Assert.False(Directory.Exists(f.PathOf("caltech101")));
    }

    [Fact]
    public void ChecksumMismatchInMirrorInstallsNothing()
    {
        using var f = new DataFixture();
        f.Write("mirror/cifar10-jpg.tar.gz", [1, 2, 3]);
        var (code, err) = Run("fetch-cifar10.sh", $"--offline --data {f.PathOf("data")} --mirror {f.PathOf("mirror")}");
        Assert.NotEqual(0, code);
        Assert.Contains("cifar10-jpg.tar.gz: sha256 is", err);
        Assert.False(Directory.Exists(f.PathOf("data", "cifar10")));
        Assert.DoesNotContain(Directory.GetDirectories(f.PathOf("data")), d => Path.GetFileName(d).StartsWith(".staging"));
    }

    [Fact]
    public void WrongFashionMnistContentIsRejected()
    {
        using var f = new DataFixture();
        foreach (var n in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            f.Write($"system/{n}.gz", DataFixture.Gzip([0, 0, 8, 1, 0, 0, 0, 0]));
        var (code, err) = Run("fetch-fashion-mnist.sh", $"--offline --no-apt --data {f.PathOf("data")}",
            new() { ["ZFVIZ_FASHION_MNIST_SYSTEM_DIR"] = f.PathOf("system") });
        Assert.NotEqual(0, code);
        Assert.Contains("sha256 of the decompressed IDX", err);
        Assert.False(Directory.Exists(f.PathOf("data", "fashion-mnist")));
    }

    [Fact]
    public void MissingMirrorFolderIsAnError()
    {
        using var f = new DataFixture();
        var (code, err) = Run("fetch-all.sh", $"--data {f.Root} --mirror /no/such/mirror cifar10");
        Assert.NotEqual(0, code);
        Assert.Contains("mirror folder '/no/such/mirror' does not exist", err);
    }

    [Fact]
    public void PresentDataSetIsSkipped()
    {
        using var f = new DataFixture();
        f.Write("data/imagenet-samples/.zfviz-fetched", "fetched 2026-01-01T00:00:00Z\n"u8.ToArray());
        var (code, err) = Run("fetch-all.sh", $"--data {f.PathOf("data")} --offline imagenet-samples");
        Assert.Equal(0, code);
        Assert.Contains("already present", err);
    }
}
