using TorchSharp;
using ZfViz.Analysis;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

[Collection(nameof(SharedTorchState))]
public class InvarianceTests
{
    static Tensor Images(int n = 3, int c = 3, int h = 8, int w = 8, long seed = 7)
    {
        var g = new torch.Generator((ulong)seed);
        return rand([n, c, h, w], generator: g) * 255;
    }

    static void AssertClose(Tensor expected, Tensor actual, double tol = 1e-3)
    {
        Assert.Equal(expected.shape, actual.shape);
        var diff = (expected.to_type(ScalarType.Float32) - actual.to_type(ScalarType.Float32)).abs().max().item<float>();
        Assert.True(diff <= tol, $"max difference {diff} > {tol}");
    }

    // --- Transforms against hand-made tensors ---

    [Theory]
    [InlineData(2)]
    [InlineData(-3)]
    [InlineData(0)]
    public void VerticalTranslationEqualsAHandShiftedTensorWithTheFill(int k)
    {
        var x = Images();
        var fill = tensor(new float[] { 10, 20, 30 });
        var expected = fill.reshape(1, 3, 1, 1).expand(3, 3, 8, 8).clone();
        if (k >= 0) expected[.., .., k.., ..] = x[.., .., ..(8 - k), ..];
        else expected[.., .., ..(8 + k), ..] = x[.., .., (-k).., ..];
        AssertClose(expected, Transforms.Apply(x, TransformKind.VerticalTranslation, k, fill));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(360.0)]
    [InlineData(-360.0)]
    public void RotationByWholeTurnsIsTheIdentity(double degrees) =>
        AssertClose(Images(), Transforms.Apply(Images(), TransformKind.Rotation, degrees));

    [Fact]
    public void RotationBy90DegreesIsRot90CounterClockwiseOnASquareImage()
    {
        var x = Images(h: 7, w: 7);
        AssertClose(x.rot90(1, (2, 3)), Transforms.Apply(x, TransformKind.Rotation, 90));
        AssertClose(x.rot90(-1, (2, 3)), Transforms.Apply(x, TransformKind.Rotation, -90));
        AssertClose(x.rot90(2, (2, 3)), Transforms.Apply(x, TransformKind.Rotation, 180));
    }

    [Fact]
    public void RotationCounterClockwiseAsDisplayed()
    {
        // A single bright pixel right of the centre of a 5x5 image goes above the centre.
        var x = zeros(1, 1, 5, 5);
        x[0, 0, 2, 4] = tensor(1f);
        var r = Transforms.Apply(x, TransformKind.Rotation, 90);
        Assert.Equal(1f, r[0, 0, 0, 2].item<float>(), 4);
    }

    [Fact]
    public void HalfTurnOfANonSquareImageFlipsBothAxes()
    {
        var x = Images(h: 5, w: 7);
        AssertClose(x.flip(2, 3), Transforms.Apply(x, TransformKind.Rotation, 180));
    }

    [Fact]
    public void ScaleOneIsTheIdentityAndScaleTwoZoomsAboutTheCentre()
    {
        var x = Images();
        AssertClose(x, Transforms.Apply(x, TransformKind.Scale, 1.0));
        // Zoom x2 of a 4x4 image with value 4 row + column: pixel centres lie at -1.5..1.5 from the image centre;
        // output (0,0) at (-1.5,-1.5) samples the input at (-0.75,-0.75), i.e. row and column index 0.75, where the
        // bilinear interpolation of the linear ramp is 4 * 0.75 + 0.75 = 3.75; by symmetry (3,3) gives 15 - 3.75.
        var y = arange(16f).reshape(1, 1, 4, 4);
        var z = Transforms.Apply(y, TransformKind.Scale, 2.0);
        Assert.Equal(3.75f, z[0, 0, 0, 0].item<float>(), 4);
        Assert.Equal(15 - 3.75f, z[0, 0, 3, 3].item<float>(), 4);
    }

    [Fact]
    public void ShrinkingFillsTheBorderWithTheFillColour()
    {
        var y = full(1, 1, 8, 8, 100f);
        var z = Transforms.Apply(y, TransformKind.Scale, 0.5, tensor(new float[] { 7 }));
        Assert.Equal(7f, z[0, 0, 0, 0].item<float>(), 4);
        Assert.Equal(100f, z[0, 0, 4, 4].item<float>(), 4);
    }

    // --- Measure against hand-computed distances and probabilities ---

    // Made afresh each time: a static tensor first touched inside Measure's dispose scope would be disposed with it.
    static Tensor W => linspace(-1, 1, 3 * 8 * 8 * 4).reshape(3 * 8 * 8, 4);
    static Tensor V => linspace(0.02, -0.03, 3 * 8 * 8 * 5).reshape(3 * 8 * 8, 5);

    static ModelProbe Linear => new(["raw", "lin"], true, x =>
    {
        var flat = x.to_type(ScalarType.Float32).flatten(1);
        return new ProbeReading(new Dictionary<string, Tensor> { ["raw"] = flat, ["lin"] = flat.matmul(W) }, flat.matmul(V));
    });

    [Fact]
    public void DistancesAndProbabilitiesMatchAHandComputation()
    {
        var x = Images();
        var labels = tensor(new long[] { 0, 3, 4 });
        var fill = tensor(new float[] { 1, 2, 3 });
        var amounts = new[] { 0.0, 1, -2 };
        var r = Invariance.Measure(Linear, x, TransformKind.VerticalTranslation, amounts, labels, fill, batchSize: 2);

        Assert.Equal(new[] { "raw", "lin" }, r.Layers);
        Assert.Equal(new long[] { 3, 3, 3, 8, 8 }, r.TransformedImages.shape);
        var xs = x.data<float>().ToArray();
        for (int ai = 0; ai < amounts.Length; ai++)
        {
            int k = (int)amounts[ai];
            for (int i = 0; i < 3; i++)
            {
                // Shift image i by hand, in doubles.
                var shifted = new double[192];
                var original = new double[192];
                for (int ch = 0; ch < 3; ch++)
                for (int yy = 0; yy < 8; yy++)
                for (int xx = 0; xx < 8; xx++)
                {
                    int src = yy - k, o = (ch * 8 + yy) * 8 + xx;
                    original[o] = xs[((i * 3 + ch) * 8 + yy) * 8 + xx];
                    shifted[o] = src >= 0 && src < 8 ? xs[((i * 3 + ch) * 8 + src) * 8 + xx] : ch + 1;
                }
                var w = W.data<float>().ToArray();
                var v = V.data<float>().ToArray();
                double rawD = Math.Sqrt(shifted.Zip(original, (a, b) => (a - b) * (a - b)).Sum());
                double rawN = Math.Sqrt(original.Sum(a => a * a));
                double linD = Math.Sqrt(Enumerable.Range(0, 4).Sum(j =>
                {
                    double s = 0;
                    for (int p = 0; p < 192; p++) s += (shifted[p] - original[p]) * w[p * 4 + j];
                    return s * s;
                }));
                var logits = Enumerable.Range(0, 5).Select(j => Enumerable.Range(0, 192).Sum(p => shifted[p] * v[p * 5 + j])).ToArray();
                var softmax = logits.Select(l => Math.Exp(l - logits.Max())).ToArray();
                double total = softmax.Sum();
                long label = labels[i].item<long>();

                Assert.Equal(rawD, r.Distance["raw"][i][ai], rawD * 1e-4 + 1e-3);
                Assert.Equal(rawD / rawN, r.NormalisedDistance["raw"][i][ai], 1e-4);
                Assert.Equal(linD, r.Distance["lin"][i][ai], linD * 1e-4 + 1e-2);
                Assert.Equal(softmax[label] / total, r.TrueLabelProbability![i][ai], 1e-4);
                int best = Array.IndexOf(softmax, softmax.Max());
                Assert.Equal(best, r.TopClass![i][ai]);
                Assert.Equal(softmax[best] / total, r.TopProbability![i][ai], 1e-4);
            }
        }
        Assert.Equal(0.0, r.Distance["raw"][1][0]);
        Assert.Equal(r.NormalisedDistance["lin"].Average(d => d[2]), r.MeanNormalisedDistance("lin", 2), 12);
        Assert.Equal(2, r.NearestAmountIndex(-1.8));
    }

    [Fact]
    public void Uint8ImagesComeBackAsUint8AndTheIdentityChangesNothing()
    {
        var x = Images().round().to_type(ScalarType.Byte);
        var r = Invariance.Measure(Linear, x, TransformKind.Rotation, new[] { 0.0, 360, 45 });
        Assert.Equal(ScalarType.Byte, r.TransformedImages.dtype);
        Assert.True(r.TransformedImages[.., 0].eq(x).all().item<bool>());
        Assert.All(r.Distance["raw"], d => Assert.Equal(0.0, d[0]));
        Assert.All(r.Distance["raw"], d => Assert.True(d[2] > 0));
        Assert.Null(r.TrueLabelProbability); // no labels given
        Assert.NotNull(r.TopClass);
    }

    [Fact]
    public void TheDefaultFillIsTheImagesOwnMeanColourSoAFlatImageNeverChanges()
    {
        var flat = full(2, 3, 8, 8, 0f);
        flat[0] = tensor(new float[] { 10, 50, 200 }).reshape(3, 1, 1).expand(3, 8, 8);
        flat[1] = tensor(new float[] { 90, 0, 30 }).reshape(3, 1, 1).expand(3, 8, 8);
        foreach (var (kind, amount) in new[] { (TransformKind.VerticalTranslation, 3.0), (TransformKind.Scale, 0.6), (TransformKind.Rotation, 33.0) })
        {
            var r = Invariance.Measure(Linear, flat, kind, [amount]);
            AssertClose(flat, r.TransformedImages[.., 0], 1e-3);
            Assert.All(r.Distance["raw"], d => Assert.True(d[0] < 1e-2, $"{kind}: distance {d[0]}"));
        }
    }

    [Fact]
    public void ConvNetFeaturesGiveTheBlocksAndTheLogitsOfTheNetwork()
    {
        torch.random.manual_seed(3);
        var config = (Presets.ZfNetCifar with
        {
            Name = "tiny", Fc6 = 8, Fc7 = 8,
            Convs = Presets.ZfNetCifar.Convs.Zip(new[] { 4, 4, 4, 4, 4 }, (c, f) => c with { Filters = f }).ToList(),
        }).Validate();
        using var net = new ConvNet(config);
        net.eval();
        var x = (rand(2, 3, 32, 32) * 255).to_type(ScalarType.Byte);
        Func<Tensor, Tensor> prep = t => t.to_type(ScalarType.Float32) / 255;
        var probe = ModelProbe.Of(net, ["conv1", "fc7"], prep);
        var f = probe.Read(x);
        using var _ = no_grad();
        AssertClose(net.forward(prep(x)), f.Logits!, 1e-5);
        Assert.Equal(new long[] { 2, 8 }, f["fc7"].shape);
        var r = Invariance.Measure(probe, x, TransformKind.Scale, [1.0, 1.5], tensor(new long[] { 1, 2 }));
        Assert.Equal(new[] { "conv1", "fc7" }, r.Layers);
        var expected = net.forward(prep(x)).softmax(1);
        Assert.Equal(expected[1, 2].item<float>(), r.TrueLabelProbability![1][0], 5);
        Assert.Throws<ArgumentException>("layers", () => ModelProbe.Of(net, ["conv9"], prep));
    }

    [Fact]
    public void BadInputsNameTheArgument()
    {
        var x = Images();
        Assert.Throws<ArgumentException>("amounts", () => Invariance.Measure(Linear, x, TransformKind.Scale, []));
        Assert.Throws<ArgumentException>("amounts", () => Invariance.Measure(Linear, x, TransformKind.Scale, [0.0]));
        Assert.Throws<ArgumentException>("amounts", () => Invariance.Measure(Linear, x, TransformKind.Rotation, [double.NaN]));
        Assert.Throws<ArgumentException>("images", () => Invariance.Measure(Linear, x[0], TransformKind.Scale, [1.0]));
        Assert.Throws<ArgumentException>("images", () => Invariance.Measure(Linear, x.to_type(ScalarType.Int32), TransformKind.Scale, [1.0]));
        Assert.Throws<ArgumentException>("kind", () => Invariance.Measure(Linear, x, (TransformKind)7, [1.0]));
        Assert.Throws<ArgumentException>("labels", () => Invariance.Measure(Linear, x, TransformKind.Scale, [1.0], tensor(new long[] { 1, 2 })));
        Assert.Throws<ArgumentException>("labels", () => Invariance.Measure(Linear, x, TransformKind.Scale, [1.0], tensor(new long[] { 1, 2, 9 })));
        Assert.Throws<ArgumentException>("fill", () => Invariance.Measure(Linear, x, TransformKind.Scale, [1.0], fill: zeros(2)));
        Assert.Throws<ArgumentException>("batchSize", () => Invariance.Measure(Linear, x, TransformKind.Scale, [1.0], batchSize: 0));
        Assert.Throws<ArgumentException>("kind", () => Transforms.Apply(x, (TransformKind)7, 1));
        Assert.Throws<ArgumentException>("images", () => Transforms.Apply(x[0], TransformKind.Rotation, 1));
    }
}
