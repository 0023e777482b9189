using System.Text;
using System.Text.Json;
using ZfViz.Tests.Setup;

namespace ZfViz.Tests.Cli;

public class CliBasicsTests
{
    [Fact]
    public void InfoPrintsVersionsDeviceThreadsAndFolders()
    {
        var r = CliProcess.Run(["info", "--json"], new Dictionary<string, string> { ["ZFVIZ_DATA"] = "/tmp/zfviz-data-x", ["ZFVIZ_PROFILE"] = "paper" });
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var o = doc.RootElement;
        Assert.Equal("cpu", o.GetProperty("device").GetString());
        Assert.True(o.GetProperty("threads").GetInt32() >= 1);
        Assert.Equal("paper", o.GetProperty("profile").GetString());
        Assert.Equal("/tmp/zfviz-data-x", o.GetProperty("data_root").GetString());
        Assert.Equal("0.107.0", o.GetProperty("torch_sharp_version").GetString());
    }

    [Theory]
    [InlineData("no-such-command")]
    [InlineData("info", "--no-such-option")]
    [InlineData("notebooks", "run", "--timeout-minutes", "abc")]
    public void UnknownCommandsAndOptionsFailWithAMessage(params string[] args)
    {
        var r = CliProcess.Run(args);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Matches("Unrecognized|Cannot parse|not valid|Required", r.All);
    }

    [Fact]
    public void UnknownProfileIsRejectedWithTheValidNames()
    {
        var r = CliProcess.Run("notebooks", "run", "--profile", "huge");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Unknown profile 'huge'", r.Stderr);
        Assert.Contains("quick, course, paper", r.Stderr);

        var env = CliProcess.Run(["notebooks", "run"], new Dictionary<string, string> { ["ZFVIZ_PROFILE"] = "tiny" });
        Assert.Equal(2, env.ExitCode);
        Assert.Contains("Unknown profile 'tiny'", env.Stderr);
    }

    [Fact]
    public void MissingNotebookFolderIsAnError()
    {
        var r = CliProcess.Run("notebooks", "run", "--notebooks", "/nonexistent/notebooks", "--profile", "quick");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Notebook folder not found: /nonexistent/notebooks", r.Stderr);
    }

    [Fact]
    public void EveryCommandHasHelp()
    {
        foreach (var cmd in new[] { new[] { "info" }, ["fix-torch"], ["notebooks"], ["notebooks", "run"], ["notebooks", "strip"] })
        {
            var r = CliProcess.Run([.. cmd, "--help"]);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("Usage:", r.Stdout);
        }
    }

    [Fact]
    public void FixTorchIsSkippedWhereTheSystemLibraryAlreadyHasTheVersion()
    {
        using var dirFolder = new TempFolder("zfviz-fix");
        var dir = dirFolder.Path;
        var so = Path.Combine(dir, "libLibTorchSharp.so");
        File.WriteAllBytes(so, ElfVersionNeedsTests.TinyElf());
        var recent = Path.Combine(dir, "libstdc++.so.6");
        File.WriteAllBytes(recent, Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.32\0"));

        var r = CliProcess.Run("fix-torch", "--system-libstdcxx", recent, "--root", dir);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("nothing to do", r.Stdout);
        Assert.Equal(ElfVersionNeedsTests.TinyElf(), File.ReadAllBytes(so));
    }

    [Fact]
    public void FixTorchPatchesOnceThenIsANoOp()
    {
        using var dirFolder = new TempFolder("zfviz-fix");
        var dir = dirFolder.Path;
        var so = Path.Combine(dir, "sub", "libLibTorchSharp.so");
        Directory.CreateDirectory(Path.GetDirectoryName(so)!);
        File.WriteAllBytes(so, ElfVersionNeedsTests.TinyElf());
        var old = Path.Combine(dir, "libstdc++.so.6");
        File.WriteAllBytes(old, Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.30\0"));

        var check = CliProcess.Run("fix-torch", "--system-libstdcxx", old, "--root", dir, "--check");
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("WouldPatch", check.Stdout);
        Assert.Equal(ElfVersionNeedsTests.TinyElf(), File.ReadAllBytes(so));

        var first = CliProcess.Run("fix-torch", "--system-libstdcxx", old, "--root", dir);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Patched", first.Stdout);
        Assert.Equal(ElfVersionNeedsTests.TinyElf(flagsOf32: 2), File.ReadAllBytes(so));

        var second = CliProcess.Run("fix-torch", "--system-libstdcxx", old, "--root", dir);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("AlreadyPatched", second.Stdout);
        Assert.DoesNotContain(" Patched ", second.Stdout);
    }
}
