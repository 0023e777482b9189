using ZfViz.Analysis;
using ZfViz.Models;
using ZfViz.Tests.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

[Collection(nameof(SharedTorchState))]
public class ResNet18StageFeaturesTests
{
    static ResNet18 SmallNet()
    {
        random.manual_seed(4);
        var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        return net;
    }

    static Tensor Images(int n, int channels, long seed)
    {
        var g = new Generator((ulong)seed);
        return randint(0, 256, [n, channels, 32, 32], generator: g).to_type(ScalarType.Byte);
    }

    [Fact]
    public void StageFeaturesAreTheStageOutputsAveragedOverPositions()
    {
        using var net = SmallNet();
        var prep = ResNet18TestData.Preprocessing;
        var images = Images(3, 3, 1);
        var features = ResNet18StageFeatures.Extract(net, prep, images, ["layer2", "avgpool"], batchSize: 2);
        using var input = ResNet18StageFeatures.NetworkInput(prep, images);
        using (no_grad())
        {
            var layer2 = net.ForwardTo(input, "layer2"); // [3,128,h,w]
            var byHand = layer2.sum([2, 3]) / (layer2.shape[2] * layer2.shape[3]);
            Assert.True(features["layer2"].allclose(byHand, rtol: 1e-5, atol: 1e-6));
            Assert.True(features["avgpool"].allclose(net.forward(input), rtol: 1e-5, atol: 1e-6));
        }
        Assert.Equal([3, 128], features["layer2"].shape);
    }

    [Fact]
    public void GreyImagesAreReplicatedAndAConstantImageIsTheConstantMinusTheMean()
    {
        using var net = SmallNet();
        var prep = ResNet18TestData.Preprocessing;
        var grey = Images(2, 1, 2);
        var rgb = grey.expand(-1, 3, -1, -1).contiguous();
        var a = ResNet18StageFeatures.Extract(net, prep, grey, ["layer1"]);
        var b = ResNet18StageFeatures.Extract(net, prep, rgb, ["layer1"]);
        Assert.True(a["layer1"].allclose(b["layer1"]));

        var flat = full(new long[] { 1, 3, 32, 32 }, 100, dtype: ScalarType.Byte);
        using var input = ResNet18StageFeatures.NetworkInput(prep, flat);
        Assert.Equal([1, 3, 224, 224], input.shape);
        Assert.True(input[0].allclose(100f - prep.MeanImageBgr, atol: 1e-4));
    }

    [Fact]
    public void BadInputIsRejected()
    {
        using var net = SmallNet();
        var prep = ResNet18TestData.Preprocessing;
        Assert.Throws<ArgumentException>(() => ResNet18StageFeatures.Extract(net, prep, Images(1, 3, 1)[0], ["layer1"]));
        Assert.Throws<ArgumentException>(() => ResNet18StageFeatures.Extract(net, prep, zeros(1, 2, 32, 32, dtype: ScalarType.Byte), ["layer1"]));
        Assert.Throws<ArgumentException>(() => ResNet18StageFeatures.Extract(net, prep, Images(1, 3, 1), []));
        Assert.Throws<ArgumentException>(() => ResNet18StageFeatures.Extract(net, prep, Images(1, 3, 1), ["layer9"]));
    }
}
