using System.CommandLine;
using ZfViz.Cli.Commands;

namespace ZfViz.Tests.Data;

/// <summary>zfviz data: exit codes for a good data root, a broken data set, and a missing root (exit 2, bad input).</summary>
public class DataCommandTests
{
    static int Run(params string[] args) => CliRunner.Invoke(new RootCommand { DataCommand.Create() }, args);

    [Fact]
    public void CheckExitCodes()
    {
        using var f = new DataFixture();
        f.WriteImage("cifar10/jpg/train/airplane/0.png", 1, 32, 32);
        f.WriteImage("cifar10/jpg/test/airplane/0.png", 2, 32, 32);
        Assert.Equal(0, Run("data", "check", "--data", f.Root));
        Assert.Equal(0, Run("data", "list", "--data", f.Root));
        Assert.Equal(1, Run("data", "check", "caltech101", "--data", f.Root));
        Assert.Equal(CliRunner.BadInput, Run("data", "check", "--data", f.PathOf("missing")));
        Assert.Equal(CliRunner.BadInput, Run("data", "check", "no-such-set", "--data", f.Root));
    }
}
