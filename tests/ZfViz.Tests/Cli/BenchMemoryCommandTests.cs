using System.Text.Json;

namespace ZfViz.Tests.Cli;

public class BenchMemoryCommandTests
{
    [Fact]
    public void RunsTrainingAndProjectionsAndPrintsResidentMemory()
    {
        var text = CliProcess.Run("bench-memory", "--steps", "6", "--projections", "20", "--batch", "8");
        Assert.True(text.ExitCode == 0, text.All);
        Assert.Contains("zfnet-cifar: 6 training steps (batch 8), then 20 projections", text.Stdout);
        Assert.Matches(@"train\s+6\s+\d+\.\d MB", text.Stdout);
        Assert.Matches(@"project\s+20\s+\d+\.\d MB", text.Stdout);
        Assert.Matches(@"growth after warm-up: training [+-]?\d+\.\d MB, projections [+-]?\d+\.\d MB, overall [+-]?\d+\.\d MB", text.Stdout);

        var json = CliProcess.Run("bench-memory", "--steps", "4", "--projections", "10", "--batch", "4", "--json");
        Assert.True(json.ExitCode == 0, json.All);
        using var doc = JsonDocument.Parse(json.Stdout);
        var o = doc.RootElement;
        Assert.Equal("zfnet-cifar", o.GetProperty("model").GetString());
        Assert.Equal(4, o.GetProperty("steps").GetInt32());
        Assert.Equal(10, o.GetProperty("projections").GetInt32());
        var samples = o.GetProperty("samples").EnumerateArray().ToList();
        var train = samples.Where(s => s.GetProperty("phase").GetString() == "train").ToList();
        var project = samples.Where(s => s.GetProperty("phase").GetString() == "project").ToList();
        // A reading after warm-up (10%, at least one), then at regular intervals, and at the end of each phase.
        Assert.Equal([1, 2, 3, 4], train.Select(s => s.GetProperty("done").GetInt32()));
        Assert.Equal(10, project[^1].GetProperty("done").GetInt32());
        Assert.All(samples, s => Assert.InRange(s.GetProperty("resident_mb").GetDouble(), 10, 100_000));
        double growth = project[^1].GetProperty("resident_mb").GetDouble() - train[0].GetProperty("resident_mb").GetDouble();
        Assert.Equal(Math.Round(growth, 1), o.GetProperty("growth_mb").GetDouble(), 1);
    }

    [Theory]
    [InlineData("--steps", "0", "--steps")]
    [InlineData("--projections", "-5", "--projections")]
    [InlineData("--model", "no-such-net", "no-such-net")]
    public void BadArgumentsExitTwoWithAMessage(string option, string value, string named)
    {
        var r = CliProcess.Run("bench-memory", option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("zfviz: error:", r.Stderr);
        Assert.Contains(named, r.Stderr);
        Assert.Equal("", r.Stdout);
    }
}
