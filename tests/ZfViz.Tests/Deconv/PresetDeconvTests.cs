using TorchSharp;
using ZfViz.Deconv;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Deconv;

/// <summary>The deconvnet of every preset ConvNet against the autograd view, layer by layer, and its receptive fields against LayerSummary.</summary>
[Collection(nameof(SharedTorchState))]
public class PresetDeconvTests
{
    public static TheoryData<string> PresetNames => new(Presets.Names);

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void EveryLayerMatchesAutograd(string preset)
    {
        var config = Presets.Get(preset);
        torch.random.manual_seed(21);
        var model = new ConvNet(config);
        model.eval();
        var input = randn(1, config.InputChannels, config.InputSize, config.InputSize);
        var net = Deconvnet.FromModule(model);
        Assert.Equal(config.Convs.Count(c => !c.Removed), net.Layers.Count);
        using var trace = net.Forward(input, net.Layers.Count - 1);
        var rng = new Random(5);
        for (int layer = 0; layer < net.Layers.Count; layer++)
        {
            var act = trace.Activations[layer];
            int c = (int)act.shape[1], h = (int)act.shape[2], w = (int)act.shape[3];
            var points = new List<ActivationPoint>
            {
                Deconvnet.Strongest(act, 0, 0),
                Deconvnet.Strongest(act, 0, 17 % c),
                Deconvnet.Strongest(act, 0, c - 1),
                new(0, rng.Next(c), h - 1, w - 1, 2f), // bottom-right corner: clipped window, forced value
            };
            using var batch = net.Project(trace, layer, points);
            var signal = zeros(points.Count, c, h, w);
            for (int s = 0; s < points.Count; s++) signal[s, points[s].Feature, points[s].Y, points[s].X] = tensor(points[s].Value);
            var expected = AutogradProjection.Project(model, layer, input, signal);
            for (int s = 0; s < points.Count; s++)
            {
                var got = batch.FullImage(s);
                double scale = expected[s].abs().max().item<float>(), diff = (expected[s] - got).abs().max().item<float>();
                Assert.True(diff <= 1e-5 * Math.Max(scale, 1e-30), $"{preset} {net.Layers[layer].Name} {points[s]}: |diff| {diff:g3} vs max {scale:g3}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void ReceptiveFieldsAgreeWithLayerSummary(string preset)
    {
        var config = Presets.Get(preset);
        var net = Deconvnet.FromModule(new ConvNet(config));
        for (int layer = 0; layer < net.Layers.Count; layer++)
        {
            var row = LayerSummary.Row(config, net.Layers[layer].Name);
            var rf = net.ReceptiveField(layer);
            Assert.Equal(new ReceptiveField(row.ReceptiveField, row.ReceptiveField, row.Jump, row.Jump, row.Start, row.Start), rf);
        }
    }
}
