using ZfViz.Models;

namespace ZfViz.Tests.Models;

public class LayerSummaryTests
{
    [Fact]
    public void ZfNetReceptiveFieldsMatchHandComputation()
    {
        // Hand-computed with r' = r + (k-1)j, j' = js, start' = start - pj (input: r=1, j=1, start=0):
        // conv1 7x7/2 p1: r 7,  j 2,  start -1      pool1 3/2 p1: r 11,  j 4,  start -3
        // conv2 5x5/2 p0: r 27, j 8,  start -3      pool2 3/2 p1: r 43,  j 16, start -11
        // conv3 3/1 p1:   r 75, j 16, start -27     conv4: r 107, start -43     conv5: r 139, start -59
        // pool5 3/2 p0:   r 171, j 32, start -59
        var expected = new Dictionary<string, (int Rf, int Jump, int Start)>
        {
            ["conv1"] = (7, 2, -1), ["pool1"] = (11, 4, -3), ["conv2"] = (27, 8, -3), ["pool2"] = (43, 16, -11),
            ["conv3"] = (75, 16, -27), ["conv4"] = (107, 16, -43), ["conv5"] = (139, 16, -59), ["pool5"] = (171, 32, -59),
        };
        var rows = LayerSummary.Compute(Presets.ZfNet).ToDictionary(r => r.Name);
        foreach (var (name, e) in expected)
            Assert.Equal(e, (rows[name].ReceptiveField, rows[name].Jump, rows[name].Start));
    }

    [Fact]
    public void ZfNetCifarReceptiveFieldsMatchHandComputation()
    {
        // conv1 5/1 p2: r5 j1 s-2; pool1 3/2 p1: r7 j2 s-3; conv2 5/2 p2: r15 j4 s-7; pool2 3/2 p1: r23 j8 s-11;
        // conv3 3/1 p1: r39 s-19; conv4: r55 s-27; conv5: r71 s-35; pool5 3/2 p1: r87 j16 s-43.
        var rows = LayerSummary.Compute(Presets.ZfNetCifar).ToDictionary(r => r.Name);
        Assert.Equal((5, 1, -2), (rows["conv1"].ReceptiveField, rows["conv1"].Jump, rows["conv1"].Start));
        Assert.Equal((15, 4, -7), (rows["conv2"].ReceptiveField, rows["conv2"].Jump, rows["conv2"].Start));
        Assert.Equal((71, 8, -35), (rows["conv5"].ReceptiveField, rows["conv5"].Jump, rows["conv5"].Start));
        Assert.Equal((87, 16, -43), (rows["pool5"].ReceptiveField, rows["pool5"].Jump, rows["pool5"].Start));
        // Activation (1,2) of conv2 sees rows -7+4 .. -7+4+15 and columns 1 .. 16, clipped to the 32x32 image.
        Assert.Equal((0, 12, 1, 16), rows["conv2"].InputBox(1, 2, 32));
    }

    [Fact]
    public void ParametersAndFlopsMatchHandCounts()
    {
        var rows = LayerSummary.Compute(Presets.ZfNet).ToDictionary(r => r.Name);
        Assert.Equal(96L * 3 * 7 * 7 + 96, rows["conv1"].Parameters);
        Assert.Equal(2L * 96 * 3 * 49 * 110 * 110, rows["conv1"].Flops);
        Assert.Equal(9216L * 4096 + 4096, rows["fc6"].Parameters);
        var alex = LayerSummary.Compute(Presets.AlexNet).ToDictionary(r => r.Name);
        Assert.Equal(256L * 48 * 25 + 256, alex["conv2"].Parameters);
    }

    [Fact]
    public void SummaryParameterCountEqualsTheModule()
    {
        foreach (var cfg in new[] { Presets.ZfNetCifar, Presets.AlexNetCifar, Presets.ZfNetFmnist })
        {
            using var net = new ZfViz.Models.ConvNet(cfg);
            long actual = net.parameters().Sum(p => p.numel());
            Assert.Equal(actual, LayerSummary.Totals(cfg).Parameters);
        }
    }
}
