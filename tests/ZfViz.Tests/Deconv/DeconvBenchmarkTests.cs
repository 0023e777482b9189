using System.Globalization;
using System.Text.RegularExpressions;
using ZfViz.Deconv;
using static TorchSharp.torch;

namespace ZfViz.Tests.Deconv;

[Collection(nameof(SharedTorchState))]
public class DeconvBenchmarkTests
{
    [Fact]
    public void ProjectionFlopsCountsEachTransposedConvolutionOnItsWindow()
    {
        // conv1 3->4 (3x3, pad 1), 2x2/2 pooling; conv2 4->5 (3x3, pad 1); 8x8 input, so conv2's map is 4x4.
        using var model = TestNets.Build(3, [new(4, 3, 1, 1, Pool: (2, 2, 0)), new(5, 3, 1, 1)]);
        var net = Deconvnet.FromModule(model);
        using var trace = net.Forward(randn(2, 3, 8, 8), 1);
        // From conv2: its own filter is copied (no convolution); the 3x3 window unpools to 6x6 on conv1's 8x8 map,
        // and conv1's transposed convolution runs on that 6x6 window: 2 * 36 positions * (4*3*3*3) weights.
        double expected = 2.0 * 6 * 6 * (4 * 3 * 3 * 3);
        Assert.Equal(expected, net.Planner.ProjectionFlops(trace, 1, new ActivationPoint(0, 2, 1, 1, 1f)));
        // A corner activation's window sticks out of the map but has the same size: the same count.
        Assert.Equal(expected, net.Planner.ProjectionFlops(trace, 1, new ActivationPoint(1, 4, 0, 0, 0.5f)));
        // From conv1 the projection is the filter itself: no convolution runs.
        Assert.Equal(0, net.Planner.ProjectionFlops(trace, 0, new ActivationPoint(0, 3, 5, 5, 1f)));
    }

    [Fact]
    public void BenchmarkPrintsEveryFigureAndMeasuresMemoryInFreshProcesses()
    {
        var r = CliProcess.Run("bench-deconv", "--images", "24", "--batch", "8", "--layers", "conv1,conv2", "--memory-images", "16,40",
            "--repeats", "1", "--threads", "1");
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Matches(@"top-9 search \(all conv layers\) +[0-9.]+ s +ratio [0-9.]+x", r.Stdout);
        Assert.Matches(@"arithmetic ceiling +[0-9]+ GFLOP/s", r.Stdout);
        Assert.Matches(@"(?m)^  conv1 +\d+ ", r.Stdout);
        // conv2 runs conv1's transposed convolution, so it has a speed and a limit
        Assert.Matches(@"(?m)^  conv2 +\d+ +[0-9.]+ +\d+ .*\d+\.\dx\s*$", r.Stdout);
        // conv2's batched call timed per reverse step, top layer first
        Assert.Matches(@"(?m)^  conv2 batched, by reverse step \(one more call, [0-9.]+ s\): .*conv1 conv [0-9.]+ s \(\d+%\)", r.Stdout);
        var peaks = Regex.Matches(r.Stdout, @"peak RSS of top-9 search, N = +(\d+): +([0-9.]+) MB");
        Assert.Equal(["16", "40"], peaks.Select(m => m.Groups[1].Value));
        Assert.All(peaks, m => Assert.True(double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) > 50, m.Value));
        Assert.Contains("peak memory from N = 16 to 40:", r.Stdout);
    }

    [Fact]
    public void StepTimesNameEveryReverseStepTopDownAndAddUpOverCalls()
    {
        using var model = TestNets.Build(3, [new(4, 3, 1, 1, Pool: (2, 2, 0)), new(5, 3, 1, 1)]);
        var net = Deconvnet.FromModule(model);
        using var trace = net.Forward(randn(2, 3, 8, 8), 1);
        var points = new[] { new ActivationPoint(0, 2, 1, 1, 1f), new ActivationPoint(1, 4, 0, 0, 0.5f) };
        net.Project(trace, 1, points).Dispose(); // untimed: no times attached
        var times = new ReverseStepTimes();
        net.StepTimes = times;
        net.Project(trace, 1, points).Dispose();
        var once = times.Totals.ToDictionary(t => t.Step, t => t.Seconds);
        // The way down from conv2: its filter (the point step), relu and pooling of conv1, conv1's transposed convolution.
        // conv2's own relu acts on the point values before that and is part of no window pass: it is not timed.
        Assert.Equal(["conv2 conv", "conv1 pool", "conv1 relu", "conv1 conv"], times.Totals.Select(t => t.Step));
        Assert.All(times.Totals, t => Assert.True(t.Seconds > 0, t.Step));
        net.Project(trace, 1, points).Dispose();
        Assert.All(times.Totals, t => Assert.True(t.Seconds > once[t.Step], t.Step));
        Assert.Equal(times.Totals.Sum(t => t.Seconds), times.TotalSeconds, 12);
    }

    [Theory]
    [InlineData("--memory-images", "0")]
    [InlineData("--repeats", "0")]
    [InlineData("--layers", "conv9")]
    public void BadArgumentsFailWithAMessage(string option, string value)
    {
        var args = new Dictionary<string, string> { ["--images"] = "8", ["--batch"] = "8", ["--memory-images"] = "8", ["--repeats"] = "1" };
        args[option] = value;
        var r = CliProcess.Run(args.SelectMany(a => new[] { a.Key, a.Value }).Prepend("bench-deconv"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("zfviz: error:", r.Stderr.Trim());
    }
}
