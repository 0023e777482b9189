using ZfViz.Analysis;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

/// <summary>The analyses' one contract: the adapters read what the networks compute, and the shared batched loop.</summary>
[Collection(nameof(SharedTorchState))]
public class ModelProbeTests
{
    static ConvNet TinyNet()
    {
        manual_seed(4);
        var config = (Presets.ZfNetCifar with
        {
            Name = "tiny", Fc6 = 8, Fc7 = 8,
            Convs = Presets.ZfNetCifar.Convs.Zip(new[] { 4, 4, 4, 4, 4 }, (c, f) => c with { Filters = f }).ToList(),
        }).Validate();
        return new ConvNet(config);
    }

    [Fact]
    public void ConvNetAdapterReadsTheNamedLayersAndTheLogits()
    {
        using var net = TinyNet();
        net.eval();
        using var x = randn(3, 3, 32, 32);
        var probe = ModelProbe.Of(net, ["conv5.relu", "fc7"]);
        Assert.True(probe.HasClassifier);
        using var reading = probe.Read(x);
        using var _ = no_grad();
        var all = net.ForwardLayers(x);
        Assert.True(reading["conv5.relu"].allclose(all["conv5.relu"], rtol: 0, atol: 0));
        Assert.True(reading["fc7"].allclose(all["fc7"], rtol: 0, atol: 0));
        Assert.True(reading.Logits!.allclose(net.forward(x), rtol: 1e-5, atol: 1e-6));
        Assert.Throws<ArgumentException>(() => reading["conv1"]);
        Assert.False(ModelProbe.Of(net, ["conv2"], logits: false).Read(x).Logits is not null);
    }

    [Fact]
    public void ReadFlatInBatchesEqualsOneReadFlattenedAndRestoresTheTrainingMode()
    {
        using var net = TinyNet();
        using var x = randn(5, 3, 32, 32);
        var probe = ModelProbe.Of(net, ["conv1", "fc7"]);
        net.train();
        using var flat = probe.ReadFlat(x, batchSize: 2);
        Assert.True(net.training, "ReadFlat left a training network in eval mode");
        Assert.True(net.modules().All(m => m.training));
        net.eval();
        using var _ = no_grad();
        var all = net.ForwardLayers(x);
        Assert.Equal(new long[] { 5, all["conv1"].numel() / 5 }, flat["conv1"].shape);
        Assert.Equal(ScalarType.Float32, flat["conv1"].dtype);
        Assert.True(flat["conv1"].allclose(all["conv1"].reshape(5, -1), rtol: 1e-5, atol: 1e-6));
        Assert.True(flat["fc7"].allclose(all["fc7"], rtol: 1e-5, atol: 1e-6));
        Assert.True(flat.Logits!.allclose(all["fc8"], rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void ReadFlatDoesNotAliasTheCallersTensorAndChecksTheReading()
    {
        using var x = arange(12, dtype: ScalarType.Float32).view(3, 4);
        using var flat = TestProbes.Identity().ReadFlat(x, batchSize: 3);
        flat["id"].add_(1);
        Assert.Equal(0f, x[0, 0].item<float>());
        Assert.Throws<ArgumentException>("batchSize", () => TestProbes.Identity().ReadFlat(x, 0));
        var wrongRows = new ModelProbe(["m"], false, t => new ProbeReading(new Dictionary<string, Tensor> { ["m"] = t[..1] }, null));
        Assert.Throws<InvalidOperationException>(() => wrongRows.Read(x));
        var noLogits = new ModelProbe(["m"], true, t => new ProbeReading(new Dictionary<string, Tensor> { ["m"] = t }, null));
        Assert.Throws<InvalidOperationException>(() => noLogits.Read(x));
    }

    [Fact]
    public void ResNetAdapterReadsStagesOfPhotosThroughThePreprocessing()
    {
        manual_seed(6);
        var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        using var input = randn(2, 3, 64, 64);
        var probe = ModelProbe.Of(net, ["layer1", "avgpool"]);
        Assert.False(probe.HasClassifier);
        using var reading = probe.Read(input);
        using var _ = no_grad();
        Assert.True(reading["layer1"].allclose(net.ForwardTo(input, "layer1"), rtol: 1e-5, atol: 1e-6));
        Assert.True(reading["avgpool"].allclose(net.ForwardTo(input, "avgpool"), rtol: 1e-5, atol: 1e-6));
        Assert.Null(reading.Logits);
        Assert.Throws<ArgumentException>("stages", () => ModelProbe.Of(net, ["layer9"]));
    }
}
