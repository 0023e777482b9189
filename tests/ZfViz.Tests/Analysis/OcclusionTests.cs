using TorchSharp;
using ZfViz.Analysis;
using ZfViz.Deconv;
using ZfViz.Models;
using ZfViz.Viz;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

/// <summary>Occlusion.Measure against hand-occluded copies run one at a time, hand-computed geometry, and sums by hand.</summary>
[Collection(nameof(SharedTorchState))]
public class OcclusionTests
{
    static ConvNet SmallNet()
    {
        torch.random.manual_seed(17);
        var net = new ConvNet(Presets.ZfNetCifar);
        net.eval();
        return net;
    }

    /// <summary>The image with the square at (top, left) set to fill, built by hand (a view filled in place).</summary>
    static Tensor Occlude(Tensor image, int top, int left, int size, float fill)
    {
        var copy = image.clone();
        copy.narrow(2, top, size).narrow(3, left, size).fill_(fill);
        return copy;
    }

    [Fact]
    public void EachCellEqualsAPlainForwardPassOfAHandOccludedCopy()
    {
        var net = SmallNet();
        var deconv = Deconvnet.FromModule(net);
        var x = randn(1, 3, 32, 32) * 2;
        const int size = 8, stride = 6, feature = 5, target = 3;
        const float fill = 0.25f;
        // batchSize 7: chunks that end in the middle of grid rows
        var r = Occlusion.Measure(net, x, size, stride, "conv3", feature, target, fill, batchSize: 7);
        Assert.Equal(5, r.GridHeight);
        Assert.Equal(5, r.GridWidth);
        Assert.Equal(target, r.Classifier!.TargetClass);
        using var _ = no_grad();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                var copy = Occlude(x, i * stride, j * stride, size, fill);
                using var trace = deconv.Forward(copy, 2, record: false);
                float total = trace.Activations[2][0, feature].sum().item<float>();
                Assert.Equal(total, r.Activation[i, j], Math.Max(1e-4f, Math.Abs(total) * 1e-5f));
                var probs = softmax(net.forward(copy), 1)[0];
                Assert.Equal(probs[target].item<float>(), r.Classifier!.Probability[i, j], 1e-5f);
                Assert.Equal((int)probs.argmax().item<long>(), r.Classifier!.TopClass[i, j]);
                Assert.Equal(probs.max().item<float>(), r.Classifier!.TopProbability[i, j], 1e-5f);
            }
    }

    [Fact]
    public void DefaultsAreTheStrongestMapOfTheTopLayerAndTheTopClass()
    {
        var net = SmallNet();
        var deconv = Deconvnet.FromModule(net);
        var x = randn(1, 3, 32, 32);
        var r = Occlusion.Measure(net, x, 8, 8);
        Assert.Equal("conv5", r.Layer);
        using var _ = no_grad();
        using var trace = deconv.Forward(x, 4, record: false);
        var totals = trace.Activations[4][0].sum([1, 2]).data<float>().ToArray();
        Assert.Equal(totals.Length, r.MapTotals.Length);
        int strongest = Array.IndexOf(totals, totals.Max());
        Assert.Equal(strongest, r.Feature);
        Assert.Equal(totals[strongest], r.BaseActivation, 1e-3f);
        var peaks = trace.Activations[4][0].amax([1, 2]).data<float>().ToArray();
        var byPeak = Occlusion.Measure(net, x, 8, 8, strongest: MapStrength.Peak);
        Assert.Equal(Array.IndexOf(peaks, peaks.Max()), byPeak.Feature);
        Assert.Equal(peaks, byPeak.MapPeaks);
        var probs = softmax(net.forward(x), 1)[0];
        Assert.Equal((int)probs.argmax().item<long>(), r.Classifier!.TargetClass);
        Assert.Equal(r.Classifier.TargetClass, r.Classifier.BaseTopClass);
        Assert.Equal(probs.max().item<float>(), r.Classifier.BaseProbability, 1e-5f);
    }

    [Theory]
    [InlineData(32, 32, 8, 2, 13, 13)]
    [InlineData(32, 32, 5, 3, 10, 10)]
    [InlineData(10, 14, 4, 3, 3, 4)]
    [InlineData(9, 9, 9, 1, 1, 1)]
    public void GridGeometryAndTheSquareAreAsComputedByHand(int h, int w, int size, int stride, int gh, int gw)
    {
        // Identity "network": the map is the image itself, so a cell's total is the image's sum minus the square's.
        var image = arange(h * w, dtype: ScalarType.Float32).view(1, 1, h, w);
        var r = Occlusion.Measure(TestProbes.Identity("identity"), image, size, stride, "identity");
        Assert.Equal(gh, r.GridHeight);
        Assert.Equal(gw, r.GridWidth);
        Assert.Equal(Enumerable.Range(0, gh).Select(i => i * stride), r.Tops);
        Assert.Equal(Enumerable.Range(0, gw).Select(j => j * stride), r.Lefts);
        Assert.Equal(((size - 1) / 2.0 + (gh - 1) * stride, (size - 1) / 2.0 + (gw - 1) * stride), r.Centre(gh - 1, gw - 1));
        Assert.False(r.HasClassifier);
        Assert.Null(r.Classifier);
        double all = (h * w - 1) * h * w / 2.0;
        for (int i = 0; i < gh; i++)
            for (int j = 0; j < gw; j++)
            {
                double covered = 0;
                for (int y = i * stride; y < i * stride + size; y++)
                    for (int x = j * stride; x < j * stride + size; x++) covered += y * w + x;
                Assert.Equal(all - covered, r.Activation[i, j], 1e-3);
            }
    }

    [Fact]
    public void TotalAndPeakChooseDifferentMapsWhenTheyDisagree()
    {
        // Map 0: 1 everywhere (total 16, peak 1); map 1: a single 5 (total 5, peak 5).
        var image = zeros(1, 2, 4, 4);
        image[0, 0] = ones(4, 4);
        image[0, 1, 2, 2] = tensor(5f);
        Assert.Equal(0, Occlusion.Measure(TestProbes.Identity("id"), image, 2, 2, "id").Feature);
        var peak = Occlusion.Measure(TestProbes.Identity("id"), image, 2, 2, "id", strongest: MapStrength.Peak);
        Assert.Equal(1, peak.Feature);
        Assert.Equal(new float[,] { { 5, 5 }, { 5, 0 } }, peak.Activation);
    }

    [Fact]
    public void BadArgumentsNameTheArgument()
    {
        var net = SmallNet();
        var x = randn(1, 3, 32, 32);
        Assert.Equal("size", Assert.Throws<ArgumentException>(() => Occlusion.Measure(net, x, 33, 2)).ParamName);
        Assert.Equal("size", Assert.Throws<ArgumentException>(() => Occlusion.Measure(net, x, 0, 2)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentException>(() => Occlusion.Measure(net, x, 8, 0)).ParamName);
        Assert.Equal("image", Assert.Throws<ArgumentException>(() => Occlusion.Measure(net, randn(2, 3, 32, 32), 8, 2)).ParamName);
        Assert.Equal("image", Assert.Throws<ArgumentException>(() => Occlusion.Measure(net, randn(3, 32, 32), 8, 2)).ParamName);
        Assert.Equal("image", Assert.Throws<ArgumentException>(() => Occlusion.Measure(net, randn(1, 1, 32, 32), 8, 2)).ParamName);
        Assert.Equal("layer", Assert.Throws<ArgumentException>(() => Occlusion.Measure(net, x, 8, 2, "conv9")).ParamName);
        Assert.Equal("feature", Assert.Throws<ArgumentException>(() => Occlusion.Measure(net, x, 8, 2, "conv1", feature: 999)).ParamName);
        Assert.Equal("targetClass", Assert.Throws<ArgumentException>(() => Occlusion.Measure(net, x, 8, 2, targetClass: 10)).ParamName);
        Assert.Equal("targetClass", Assert.Throws<ArgumentException>(() => Occlusion.Measure(TestProbes.Identity("id"), x, 8, 2, "id", targetClass: 1)).ParamName);
    }

    [Fact]
    public void ResNetStageTotalsEqualHandOccludedForwardPasses()
    {
        manual_seed(5);
        var net = new ResNet18([1, 1, 1, 1]);
        net.eval();
        var x = randn(1, 3, 64, 64);
        var r = Occlusion.Measure(net, x, 24, 20, "layer3", batchSize: 3);
        Assert.Equal(3, r.GridHeight);
        Assert.False(r.HasClassifier);
        using var _ = no_grad();
        var totals = net.ForwardTo(x, "layer3")[0].sum([1, 2]).data<float>().ToArray();
        Assert.Equal(Array.IndexOf(totals, totals.Max()), r.Feature);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                float expected = net.ForwardTo(Occlude(x, i * 20, j * 20, 24, 0), "layer3")[0, r.Feature].sum().item<float>();
                Assert.Equal(expected, r.Activation[i, j], Math.Max(1e-4f, Math.Abs(expected) * 1e-5f));
            }
        Assert.Equal("stage", Assert.Throws<ArgumentException>(() => Occlusion.Measure(net, x, 8, 8, "avgpool")).ParamName);
    }

    [Fact]
    public void FigureColoursEachPixelWithItsNearestSquareCentre()
    {
        // 2x3 grid over a 6x8 image (size 4, stride 2); values chosen so every cell has its own colour.
        var activation = new float[,] { { 0, 1, 2 }, { 3, 4, 5 } };
        var r = new OcclusionResult
        {
            ImageHeight = 6, ImageWidth = 8, Size = 4, Stride = 2, Tops = [0, 2], Lefts = [0, 2, 4], Layer = "conv5", Feature = 0,
            MapTotals = [5f], MapPeaks = [1f], Activation = activation,
            Classifier = new OcclusionClassifier(1, [0.1f, 0.9f], new float[,] { { 0, 0.5f, 1 }, { 1, 1, 1 } }, new[,] { { 1, 1, 0 }, { 1, 1, 1 } },
                new float[,] { { 1, 1, 1 }, { 1, 1, 1 } }),
        };
        // Centres at 1.5, 3.5 (rows) and 1.5, 3.5, 5.5 (columns): pixel 0..2 -> row 0, 3..5 -> row 1; column 0..2 -> 0, 3..4 -> 1, 5..7 -> 2.
        Assert.Equal((0, 0), OcclusionFigure.Cell(r, 2, 2));
        Assert.Equal((1, 1), OcclusionFigure.Cell(r, 3, 3));
        Assert.Equal((1, 2), OcclusionFigure.Cell(r, 5, 7));
        using var image = OcclusionFigure.Render(r, rand(3, 6, 8), rand(3, 6, 8), ["a", "b"], scale: 1);
        // Panel (b) starts after the gap, panel (a) and another gap; the label row is on top.
        int panelB = 8 + 8 + 8, top = 16; // the label row: 5-dot glyphs at scale 2, plus 6
        Assert.Equal(OcclusionFigure.Colour(0), image[panelB + 0, top + 0]);
        Assert.Equal(OcclusionFigure.Colour(4 / 5.0), image[panelB + 3, top + 3]);
        Assert.Equal(OcclusionFigure.Colour(1), image[panelB + 7, top + 5]);
        // Panel (e): classes 1 and 0.
        int panelE = 8 + 4 * (8 + 8);
        Assert.Equal(OcclusionFigure.ClassColour(1), image[panelE, top]);
        Assert.Equal(OcclusionFigure.ClassColour(0), image[panelE + 7, top]);
        Assert.Equal(5 * 8 + 6 * 8, image.Width);
        // The colour map's ends and middle are its first, middle and last stops.
        Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(68, 1, 84), OcclusionFigure.Colour(0));
        Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(33, 145, 140), OcclusionFigure.Colour(0.5));
        Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(253, 231, 37), OcclusionFigure.Colour(1));
    }

    [Fact]
    public void InteractiveHeatmapCarriesTheGridAtTheSquareCentres()
    {
        var r = Occlusion.Measure(TestProbes.Identity("id"), arange(16, dtype: ScalarType.Float32).view(1, 1, 4, 4), 2, 2, "id");
        var html = Charts.ToHtmlPage(OcclusionCharts.Heatmap(r, "map total", probability: false));
        Assert.Contains("heatmap", html);
        Assert.Contains("[0.5,2.5]", html.Replace(" ", "")); // square centres
        Assert.Contains($"[{120 - 0 - 1 - 4 - 5},{120 - 2 - 3 - 6 - 7}]", html.Replace(" ", "").Replace(".0", "")); // first row of totals
        Assert.Throws<ArgumentException>(() => OcclusionCharts.Heatmap(r, "p", probability: true));
    }
}
