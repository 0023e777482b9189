using System.Text.Json;
using ZfViz.Models;
using ZfViz.Training;

namespace ZfViz.Tests.Cli;

public sealed class ModelSizeCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("zfviz-model-size").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    CliProcess.Result Run(params string[] extra) => CliProcess.Run(
        new[] { "model-size", "--data", "synthetic", "--profile", "quick", "--train-images", "30", "--eval-images", "20", "--epochs", "1", "--batch", "16" }.Concat(extra),
        new Dictionary<string, string> { ["ZFVIZ_MODELS"] = dir });

    [Fact]
    public void TrainsTheNineVariantsOncePrintsJsonAndLoadsTheSecondTime()
    {
        var first = Run("--json");
        Assert.True(first.ExitCode == 0, first.All);
        using var doc = JsonDocument.Parse(first.Stdout); // stdout holds only the JSON; progress went to stderr
        var rows = doc.RootElement.EnumerateArray().ToList();
        var expected = VariantStudy.Table3(Presets.ZfNetCifar);
        Assert.Equal(expected.Select(v => v.Label), rows.Select(r => r.GetProperty("label").GetString()));
        foreach (var (row, variant) in rows.Zip(expected))
        {
            using var net = new ConvNet(variant.Config);
            Assert.Equal(net.parameters().Sum(p => p.numel()), row.GetProperty("parameters").GetInt64());
            Assert.InRange(row.GetProperty("val_top1_error").GetDouble(), 0, 1);
            Assert.False(row.GetProperty("loaded").GetBoolean());
        }
        Assert.Contains("training (1/9)", first.Stderr);

        var second = Run();
        Assert.True(second.ExitCode == 0, second.All);
        Assert.Contains("loading (9/9)", second.Stderr);
        Assert.Equal(10, second.Stdout.Trim().Split('\n').Length); // header + nine rows
    }

    [Fact]
    public void VariantsTrainsOnlyTheRowsNamedInTableOrder()
    {
        var r = Run("--variants", "4,1", "--json");
        Assert.True(r.ExitCode == 0, r.All);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(["baseline", "removed layers 6,7"], doc.RootElement.EnumerateArray().Select(x => x.GetProperty("label").GetString()!).ToArray());
        Assert.Contains("training (2/2)", r.Stderr);
    }

    [Fact]
    public void NightIsTheBaselineAndTheTwoRemovalsThePaperProfileTrains()
    {
        var table = VariantStudy.Table3(Presets.ZfNet);
        var night = VariantStudy.Select(table, "night");
        Assert.Equal(["baseline", "removed layers 3,4", "removed layers 6,7"], night.Select(v => v.Label).ToArray());
        Assert.Equal(night, ProfileModels.Table3Variants(ZfViz.Runtime.Profile.Parse("paper"), Presets.ZfNet));
        Assert.Same(table, VariantStudy.Select(table, " ALL "));
        Assert.Equal([table[1], table[8]], VariantStudy.Select(table, "9, 2"));
    }

    [Theory]
    [InlineData("--epochs", "0")]
    [InlineData("--variants", "0")]
    [InlineData("--variants", "10")]
    [InlineData("--variants", "1,1")]
    [InlineData("--variants", "baseline")]
    [InlineData("--variants", "")]
    [InlineData("--model", "no-such-preset")]
    [InlineData("--profile", "huge")]
    public void BadArgumentsFailWithAMessageAndTrainNothing(string option, string value)
    {
        var r = CliProcess.Run(["model-size", "--data", "synthetic", "--train-images", "30", option, value], new Dictionary<string, string> { ["ZFVIZ_MODELS"] = dir });
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("zfviz: error:", r.Stderr.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }
}
