using TorchSharp;
using TorchSharp.Modules;
using ZfViz.Deconv;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Deconv;

/// <summary>
/// The computed receptive fields against brute force. A network whose every path is positive (all filters 1/(k·k),
/// batch norms the identity, double precision) and an all-zero image, with one input row (or column) set to 1: an
/// activation becomes positive exactly when that row lies in its field, max pools included (a positive input wins
/// its window). So the rows that light up an activation are its field, clipped to the image. (The gradient of one
/// activation at one input is not enough through the max pool: it reaches only the switches; the second test checks
/// that such gradients stay inside the field.)
/// </summary>
[Collection(nameof(SharedTorchState))]
public class ResNet18ReceptiveFieldTests
{
    static ResNet18 PositiveNet(IReadOnlyList<int> blocks)
    {
        var net = new ResNet18(blocks);
        net.eval();
        using (no_grad())
        {
            foreach (var m in net.modules())
            {
                if (m is Conv2d c) c.weight!.fill_(1.0 / (c.weight.shape[2] * c.weight.shape[3]));
                if (m is BatchNorm2d b) { b.weight!.fill_(1); b.bias!.zero_(); b.running_mean!.zero_(); b.running_var!.fill_(1); }
            }
        }
        net.to(ScalarType.Float64);
        return net;
    }

    /// <summary>For each stage and output row y (column x), the set of input rows (columns) whose lighting makes the activation positive.</summary>
    static void CheckAgainstBruteForce(ResNet18 net, int size, IReadOnlyList<string> stages, bool columnsToo)
    {
        var axes = columnsToo ? new[] { 2, 3 } : new[] { 2 };
        foreach (var axis in axes)
        {
            using var scope = NewDisposeScope();
            var images = zeros(size, 3, size, size, dtype: ScalarType.Float64);
            for (int r = 0; r < size; r++)
            {
                if (axis == 2) images[r, .., r, ..] = 1;
                else images[r, .., .., r] = 1;
            }
            Dictionary<string, Tensor> outputs;
            using (no_grad()) outputs = net.ForwardStages(images);
            foreach (var stage in stages)
            {
                var rf = ResNet18ReceptiveField.Of(net, stage);
                var a = outputs[stage][.., 0]; // all channels are equal here
                var along = axis == 2 ? a[.., .., 0] : a[.., 0, ..]; // [lit row, output position]
                var lit = along.gt(0).contiguous().data<bool>().ToArray();
                int positions = (int)along.shape[1];
                for (int p = 0; p < positions; p++)
                {
                    int start = axis == 2 ? rf.At(p, 0).Top : rf.At(0, p).Left, length = axis == 2 ? rf.SizeY : rf.SizeX;
                    var expected = Enumerable.Range(0, size).Where(r => r >= start && r < start + length).ToArray();
                    var actual = Enumerable.Range(0, size).Where(r => lit[r * positions + p]).ToArray();
                    Assert.True(expected.SequenceEqual(actual),
                        $"{stage} axis {axis} position {p}: field {start}..{start + length - 1}, brute force {string.Join(",", actual)}");
                }
            }
        }
    }

    [Fact]
    public void ImageNetGeometryMatchesBruteForce()
    {
        // The ImageNet file's block counts (2,2,2,3); 64x64 inputs: conv1 .. layer2's fields end inside the image.
        var net = PositiveNet([2, 2, 2, 3]);
        CheckAgainstBruteForce(net, 64, ["conv1", "pool1", "layer1", "layer2", "layer3", "layer4"], columnsToo: true);
        Assert.Equal(new ReceptiveField(7, 7, 2, 2, -3, -3), ResNet18ReceptiveField.Of(net, "conv1"));
        Assert.Equal(new ReceptiveField(11, 11, 4, 4, -5, -5), ResNet18ReceptiveField.Of(net, "pool1"));
        Assert.Equal(new ReceptiveField(43, 43, 4, 4, -21, -21), ResNet18ReceptiveField.Of(net, "layer1"));
        Assert.Equal(new ReceptiveField(99, 99, 8, 8, -49, -49), ResNet18ReceptiveField.Of(net, "layer2"));
        Assert.Equal(new ReceptiveField(211, 211, 16, 16, -105, -105), ResNet18ReceptiveField.Of(net, "layer3"));
        Assert.Equal(new ReceptiveField(563, 563, 32, 32, -281, -281), ResNet18ReceptiveField.Of(net, "layer4"));
    }

    [Fact]
    public void DeepFieldsOfASmallNetMatchBruteForce()
    {
        // One block per layer and 128x128 inputs: layer3's and layer4's fields (99 and 195 px) end inside the image.
        var net = PositiveNet([1, 1, 1, 1]);
        CheckAgainstBruteForce(net, 128, ["layer3", "layer4"], columnsToo: false);
    }

    [Fact]
    public void GradientOfOneActivationStaysInsideItsField()
    {
        manual_seed(11);
        var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        foreach (var (stage, y, x) in new[] { ("conv1", 5, 9), ("layer1", 3, 7), ("layer2", 2, 5) })
        {
            using var scope = NewDisposeScope();
            var input = randn(1, 3, 64, 64).requires_grad_(true);
            var a = net.ForwardTo(input, stage);
            // A feature whose activation at (y, x) is positive (the ReLU passes a gradient).
            int f = Enumerable.Range(0, (int)a.shape[1]).First(c => a[0, c, y, x].item<float>() > 0);
            a[0, f, y, x].backward();
            var support = input.grad!.abs().sum(1)[0].gt(0).nonzero().data<long>().ToArray();
            Assert.NotEmpty(support);
            var w = ResNet18ReceptiveField.Of(net, stage).At(y, x).Clip(64, 64);
            for (int i = 0; i < support.Length; i += 2)
                Assert.True(support[i] >= w.Top && support[i] < w.Bottom && support[i + 1] >= w.Left && support[i + 1] < w.Right,
                    $"{stage} ({y},{x}): gradient at ({support[i]},{support[i + 1]}) outside the field {w}");
            if (stage == "conv1") // no max pool below conv1: the gradient fills the clipped field
                Assert.Equal(w.Height * w.Width, support.Length / 2);
        }
    }
}
