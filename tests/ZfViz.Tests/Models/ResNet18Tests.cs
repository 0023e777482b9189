using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;
using ZfViz.Models;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace ZfViz.Tests.Models;

// torch.optim.SGD makes temporary Scalars internally: run alone.
[Collection(nameof(SharedTorchState))]
public class ResNet18Tests(ITestOutputHelper output)
{
    static float[] RunOnnx(string path, float[] input)
    {
        using var session = new InferenceSession(path);
        var name = session.InputMetadata.Keys.Single();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(input, [1, 3, 224, 224]))]);
        return results.First().AsTensor<float>().ToArray();
    }

    [PhotoFact]
    public void MatchesOnnxRuntimeOnRealPhotos()
    {
        // A handful by default; ZFVIZ_RESNET18_EQUIV_PHOTOS=1000 measures all the samples (a measurement, not a routine test).
        int n = int.TryParse(Environment.GetEnvironmentVariable("ZFVIZ_RESNET18_EQUIV_PHOTOS"), out var v) && v > 0 ? v : 4;
        var photos = ResNet18TestData.SamplePhotos(n);
        var net = ResNet18TestData.ImageNet;
        var prep = ResNet18TestData.Preprocessing;
        using var session = new InferenceSession(ResNet18Package.NetworkOnnx());
        using var prepSession = new InferenceSession(ResNet18Package.PreprocessOnnx());
        double worst = 0, worstPrep = 0;
        foreach (var photo in photos)
        {
            using var scope = NewDisposeScope();
            var rgb = ResNet18Preprocessing.LoadRgb(photo).unsqueeze(0);
            // The package's preprocessing graph, run by ONNX Runtime, against ours.
            using var prepOut = prepSession.Run([NamedOnnxValue.CreateFromTensor("OriginalInput", new DenseTensor<float>(rgb.data<float>().ToArray(), [1, 3, 224, 224]))]);
            var onnxInput = prepOut.First().AsTensor<float>().ToArray();
            var ours = prep.Apply(rgb);
            worstPrep = Math.Max(worstPrep, ResNet18TestData.RelativeError(ours.data<float>().ToArray(), onnxInput));

            using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), new DenseTensor<float>(onnxInput, [1, 3, 224, 224]))]);
            var expected = results.First().AsTensor<float>().ToArray();
            Assert.Equal(512, expected.Length);
            Tensor actual;
            using (no_grad()) actual = net.forward(tensor(onnxInput, [1, 3, 224, 224]));
            Assert.Equal(new long[] { 1, 512 }, actual.shape);
            double err = ResNet18TestData.RelativeError(actual.data<float>().ToArray(), expected);
            if (photos.Count <= 16) output.WriteLine($"{Path.GetFileName(photo)}: max relative error {err:E2} (feature max {expected.Max():F3})");
            worst = Math.Max(worst, err);
        }
        output.WriteLine($"worst over {photos.Count} photos: features {worst:E2}, preprocessing {worstPrep:E2}");
        Assert.True(worstPrep < 1e-6, $"preprocessing differs from the ONNX graph by {worstPrep:E2}");
        Assert.True(worst < 1e-4, $"features differ from ONNX Runtime by {worst:E2} (relative to the largest feature)");
    }

    [Fact]
    public void ImportedNetworkHasResNet18Layout()
    {
        var net = ResNet18TestData.ImageNet;
        // The package's network has one more basic block in its last stage than torchvision's resnet18.
        Assert.Equal(new[] { 2, 2, 2, 3 }, net.BlocksPerLayer);
        // torchvision's resnet18: 11,689,512 parameters, 513,000 of them in the classifier this file lacks;
        // the extra 512-wide block adds two 3x3x512x512 convolutions and two batch norms (2 x 512 each).
        Assert.Equal(11_176_512 + 2 * 512 * 512 * 9 + 2 * 2 * 512, net.parameters().Sum(p => p.numel()));
        Assert.Equal(11_176_512, new ResNet18().parameters().Sum(p => p.numel()));
        Assert.Contains(net.named_parameters(), p => p.name == "layer2.0.downsample.conv.weight");
        Assert.Contains(net.named_buffers(), b => b.name == "layer4.1.bn2.running_var");
        Assert.False(net.training);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var stages = net.ForwardStages(zeros(1, 3, 224, 224));
        foreach (var stage in ResNet18.StageNames)
            Assert.Equal(ResNet18.StageShape(stage), stages[stage].shape[1..]);
        Assert.Equal(new long[] { 64, 112, 112 }, ResNet18.StageShape("conv1"));
        Assert.Equal(new long[] { 512, 7, 7 }, ResNet18.StageShape("layer4"));
    }

    [Fact]
    public void StemPoolPadsOnlyTopLeft()
    {
        // 5x5 input: ONNX pads [1,1,0,0] give windows starting at rows/cols -1 and 1 -> a 2x2 output
        // (symmetric padding would give 3x3). Window (0,0) covers rows/cols 0..1, window (1,1) rows/cols 1..3.
        using var x = arange(25, ScalarType.Float32).reshape(1, 1, 5, 5);
        var (y, idx) = new ResNet18MaxPool().ForwardWithIndices(x);
        Assert.Equal(new long[] { 1, 1, 2, 2 }, y.shape);
        Assert.Equal(new float[] { 6, 8, 16, 18 }, y.data<float>().ToArray());
        Assert.Equal(new long[] { 6, 8, 16, 18 }, idx.data<long>().ToArray());
        Assert.Equal(56, ResNet18MaxPool.OutputSize(112));
        Assert.Equal(56, ResNet18MaxPool.OutputSize(113));
    }

    [Fact]
    public void StemConvolutionPadsThreeBeforeAndTwoAfter()
    {
        // The stem equals an unpadded 7x7/2 convolution of the input with 3 zero rows/cols before and 2 after.
        using var scope = NewDisposeScope();
        var net = new ResNet18();
        var x = randn(1, 3, 41, 41);
        var padded = zeros(1, 3, 46, 46);
        padded[.., .., 3..44, 3..44] = x;
        var expected = nn.functional.conv2d(padded, net.Conv1.weight!, strides: [2, 2]);
        var actual = net.Conv1.call(net.Conv1Pad.call(x));
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.allclose(actual, 1e-5, 1e-5));
        Assert.Equal(new long[] { 64, 20, 20 }, ResNet18.StageShape("conv1", 41));
    }

    [Fact]
    public void TrainsAndTakesHooks()
    {
        using var scope = NewDisposeScope();
        var net = new ResNet18();
        net.train();
        long[]? hooked = null;
        var handle = net.Stage("layer3").register_forward_hook((m, input, output) => { hooked = output.shape; return output; });
        var opt = optim.SGD(net.parameters(), 0.01);
        var x = randn(2, 3, 64, 64);
        var loss = net.forward(x).pow(2).mean();
        loss.backward();
        Assert.NotNull(net.Conv1.weight!.grad);
        opt.step();
        Assert.Equal(new long[] { 2, 256, 4, 4 }, hooked);
        handle.remove();
    }

    [Fact]
    public void RejectsFilesThatAreNotTheNetwork()
    {
        var path = Path.Combine(Path.GetTempPath(), $"zfviz-notonnx-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllText(path, "definitely not a protobuf \u0001\u00ff");
            Assert.Throws<InvalidDataException>(() => ResNet18.LoadImageNet(path));
            var e = Assert.Throws<InvalidDataException>(() => ResNet18.LoadImageNet(ResNet18Package.PreprocessOnnx()));
            Assert.Contains("not the expected ResNet-18 graph", e.Message);
        }
        finally { File.Delete(path); }
    }
}
