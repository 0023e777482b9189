using TorchSharp;
using ZfViz.Analysis;
using ZfViz.Deconv;
using ZfViz.IO;
using ZfViz.Models;
using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Tests.Memory;

/// <summary>Native memory is freed when the code is done with it, not later by finalizers (issue 10, part 3).</summary>
public class DeterministicDisposalTests
{
    static ConvNet SmallNet() => new(Presets.ZfNetCifar);

    [Fact]
    public void SgdMomentumDisposesItsBuffers()
    {
        using var layer = nn.Linear(4, 3);
        using var x = randn(6, 4);
        var sgd = new SgdMomentum(layer.named_parameters(), 0.9, 1e-3);
        for (int i = 0; i < 2; i++)
        {
            using var scope = NewDisposeScope();
            sgd.ZeroGrad();
            layer.forward(x).square().sum().backward();
            sgd.Step(0.1);
        }
        var buffers = sgd.Velocity.Values.ToList();
        Assert.Equal(2, buffers.Count);
        Assert.All(buffers, b => Assert.False(b.IsInvalid));
        sgd.Dispose();
        Assert.All(buffers, b => Assert.True(b.IsInvalid));
        Assert.Empty(sgd.Velocity);
        Assert.Throws<ObjectDisposedException>(() => sgd.Step(0.1));
        sgd.Dispose(); // twice is harmless
    }

    [Fact]
    public void RestoringMomentumFreesTheBuffersItReplaces()
    {
        using var layer = nn.Linear(4, 3);
        using var sgd = new SgdMomentum(layer.named_parameters(), 0.9, 0);
        using var w1 = ones(3, 4);
        using var w2 = full(3, 4, 2f);
        sgd.RestoreVelocity(new Dictionary<string, Tensor> { ["weight"] = w1 });
        var first = sgd.Velocity["weight"];
        sgd.RestoreVelocity(new Dictionary<string, Tensor> { ["weight"] = w2 });
        Assert.True(first.IsInvalid);
        Assert.Equal(2f, sgd.Velocity["weight"][0, 0].item<float>());
        Assert.False(w1.IsInvalid); // the caller's tensors are copied, not taken
    }

    [Fact]
    public void DeconvnetForwardKeepsOnlyWhatItReturns()
    {
        using var net = SmallNet();
        var deconv = Deconvnet.FromModule(net);
        using var x = randn(2, 3, 32, 32);
        int last = deconv.Layers.Count - 1;
        deconv.Forward(x, last).Dispose(); // warm-up: anything made once per process is not a leak
        long left = LiveTensors.LeftBy(() =>
        {
            using var trace = deconv.Forward(x, last);
            Assert.Equal(deconv.Layers.Count, trace.Activations.Count);
            using var batch = deconv.Project(trace, 2, [Deconvnet.Strongest(trace.Activations[2], 1, 5)]);
        });
        Assert.Equal(0, left);

        // The trace holds exactly its activations and switches: one per layer plus one per pooling step.
        long pools = deconv.Layers.Sum(l => l.Steps.Count(s => s is MaxPoolStep));
        long before = LiveTensors.Count;
        using var kept = deconv.Forward(x, last);
        Assert.Equal(deconv.Layers.Count + pools, LiveTensors.Count - before);
    }

    [Fact]
    public void InvarianceFreesItsBatchesAndRestoresTheTrainingMode()
    {
        using var net = SmallNet();
        using var images = randint(0, 256, [3, 3, 32, 32], dtype: ScalarType.Byte);
        Tensor Prep(Tensor u8) => u8.to_type(ScalarType.Float32).div(255);
        var features = ModelProbe.Of(net, ["conv1", "fc7"], Prep);

        net.train();
        Invariance.Measure(features, images, TransformKind.Rotation, [0.0, 10], batchSize: 2).TransformedImages.Dispose();
        Assert.True(net.training, "Invariance left a training network in eval mode");
        Assert.True(net.modules().All(m => m.training));

        net.eval();
        long left = LiveTensors.LeftBy(() => Invariance.Measure(features, images, TransformKind.Scale, [1.0, 1.2], batchSize: 2).TransformedImages.Dispose());
        Assert.False(net.training);
        Assert.Equal(0, left);
    }

    [Fact]
    public void CorrespondenceFreesItsDrawsAndRestoresTheTrainingMode()
    {
        using var net = SmallNet();
        using var images = rand(3, 3, 32, 32);
        var features = ModelProbe.Of(net, ["conv2"]);
        var part = new OccludedPart("middle", [new PixelPoint(16, 16), new PixelPoint(15, 15), new PixelPoint(17, 16)]);
        var options = new CorrespondenceOptions { SquareSize = 8, JitterDraws = 2, RandomDraws = 1, Seed = 1 };

        net.train();
        Correspondence.Measure(features, images, [part], options);
        Assert.True(net.training, "Correspondence left a training network in eval mode");

        long left = LiveTensors.LeftBy(() => Correspondence.Measure(features, images, [part], options));
        Assert.Equal(0, left);
    }

    [Fact]
    public void PresetModelLoadDisposesTheNetworkWhenTheWeightsDoNotFit()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("zfviz-badweights-").FullName, "bad.safetensors");
        try
        {
            using (var wrong = zeros(7, 3, 5, 5)) Safetensors.Save(path, [("conv1.weight", wrong)]);
            Assert.Throws<UserInputException>(() => PresetModel.Load("zfnet-cifar", path)); // warm-up
            long left = LiveTensors.LeftBy(() => Assert.Throws<UserInputException>(() => PresetModel.Load("zfnet-cifar", path)));
            Assert.Equal(0, left);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void NotebookNinesParameterCountsMatchTheBuiltNetworks()
    {
        // Notebook 09 counts parameters from the configs (LayerSummary) instead of building nine networks.
        foreach (var v in VariantStudy.Table3(Presets.ZfNetCifar))
        {
            using var net = new ConvNet(v.Config);
            Assert.Equal(net.parameters().Sum(p => p.numel()), LayerSummary.Totals(v.Config).Parameters);
        }
    }
}
