using TorchSharp;
using ZfViz.Deconv;
using static TorchSharp.torch;

namespace ZfViz.Tests.Deconv;

[Collection(nameof(SharedTorchState))]
public class DeconvnetTests
{
    static void AssertClose(Tensor expected, Tensor actual, double relative = 1e-5, string what = "")
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= relative * Math.Max(scale, 1e-30), $"{what}: max |diff| {diff:g3} > {relative:g1} x max |expected| {scale:g3}");
    }

    /// <summary>The signal autograd needs for one point selection: value at (feature, y, x), zero elsewhere.</summary>
    static Tensor PointSignals(Tensor activations, IReadOnlyList<ActivationPoint> points)
    {
        var signal = zeros(points.Count, activations.shape[1], activations.shape[2], activations.shape[3]);
        for (int s = 0; s < points.Count; s++) signal[s, points[s].Feature, points[s].Y, points[s].X] = tensor(points[s].Value);
        return signal;
    }

    /// <summary>Per layer: the strongest activation of a few maps, plus a random position, checked against autograd.</summary>
    static void CheckAgainstAutograd(nn.Module<Tensor, Tensor> model, int size, long seed, bool quantised = false)
    {
        model.eval();
        torch.random.manual_seed(seed);
        var input = quantised ? randint(0, 3, [1, 3, size, size]).to_type(ScalarType.Float32) : randn(1, 3, size, size);
        if (quantised)
            using (no_grad())
                foreach (var p in model.parameters()) p.copy_(randint(-1, 2, p.shape).to_type(ScalarType.Float32) * 0.25f);
        var net = Deconvnet.FromModule(model);
        using var trace = net.Forward(input, net.Layers.Count - 1);
        var rng = new Random((int)seed);
        for (int layer = 0; layer < net.Layers.Count; layer++)
        {
            var act = trace.Activations[layer];
            var points = new List<ActivationPoint>();
            for (int f = 0; f < act.shape[1]; f += 2) points.Add(Deconvnet.Strongest(act, 0, f));
            int y = rng.Next((int)act.shape[2]), x = rng.Next((int)act.shape[3]), f2 = rng.Next((int)act.shape[1]);
            points.Add(new ActivationPoint(0, f2, y, x, act[0, f2, y, x].item<float>()));
            points.Add(new ActivationPoint(0, 0, 0, 0, 1.5f)); // a corner, clipped at the border, with a forced value
            using var batch = net.Project(trace, layer, points);
            var expected = AutogradProjection.Project(model, layer, input, PointSignals(act, points));
            for (int s = 0; s < points.Count; s++)
                AssertClose(expected[s], batch.FullImage(s), what: $"{net.Layers[layer].Name} {points[s]}");
        }
    }

    [Fact] public void ZfNetGeometryMatchesAutograd() => CheckAgainstAutograd(TestNets.ZfNetSmall(), 224, 11);
    [Fact] public void AlexNetGeometryWithGroupsMatchesAutograd() => CheckAgainstAutograd(TestNets.AlexNetSmall(), 227, 12);
    [Fact] public void CifarScaleMatchesAutograd() => CheckAgainstAutograd(TestNets.CifarSmall(), 32, 13);
    [Fact] public void QuantisedWeightsWithManyPoolingTiesMatchAutograd() => CheckAgainstAutograd(TestNets.CifarSmall(), 32, 14, quantised: true);

    [Fact]
    public void WholeMapProjectionMatchesAutograd()
    {
        var model = TestNets.CifarSmall();
        torch.random.manual_seed(5);
        var input = randn(1, 3, 32, 32);
        var net = Deconvnet.FromModule(model);
        using var trace = net.Forward(input, 4);
        for (int layer = 0; layer < 5; layer++)
        {
            var act = trace.Activations[layer];
            using var batch = net.ProjectMaps(trace, layer, [(0, 1), (0, 3)]);
            var signal = zeros_like(act).expand(2, -1, -1, -1).clone();
            signal[0, 1] = act[0, 1];
            signal[1, 3] = act[0, 3];
            var expected = AutogradProjection.Project(model, layer, input, signal);
            AssertClose(expected[0], batch.FullImage(0), what: $"layer {layer} map 1");
            AssertClose(expected[1], batch.FullImage(1), what: $"layer {layer} map 3");
        }
    }

    [Fact]
    public void BatchedProjectionEqualsOneAtATimeAcrossImagesAndChunks()
    {
        var model = TestNets.CifarSmall();
        torch.random.manual_seed(6);
        var input = randn(3, 3, 32, 32);
        var net = Deconvnet.FromModule(model);
        using var trace = net.Forward(input, 3);
        var act = trace.Activations[3];
        var points = new List<ActivationPoint>();
        for (int i = 0; i < 3; i++)
            for (int f = 0; f < act.shape[1]; f++) points.Add(Deconvnet.Strongest(act, i, f));
        net.Planner.ChunkElements = 5_000; // forces several chunks
        using var batch = net.Project(trace, 3, points);
        for (int s = 0; s < points.Count; s++)
        {
            using var one = net.Project(trace, 3, [points[s]]);
            AssertClose(one.FullImage(0), batch.FullImage(s), 1e-6, $"{points[s]}");
            // and against autograd on that image alone
            var expected = AutogradProjection.Project(model, 3, input[points[s].Image].unsqueeze(0),
                PointSignals(act[points[s].Image].unsqueeze(0), [points[s] with { Image = 0 }]));
            AssertClose(expected[0], batch.FullImage(s), what: $"autograd {points[s]}");
        }
    }

    [Fact]
    public void UnpoolingAddsWhereOverlappingWindowsShareTheirArgmax()
    {
        // One channel, 3x5 map, 3x3 pooling with stride 2: the two windows (columns 0-2 and 2-4) share column 2.
        var pool = new MaxPoolStep(3, 3, 2, 2, 0, 0);
        var x = tensor(new float[] { 0, 1, 0, 2, 0, 0, 0, 9, 0, 0, 3, 0, 0, 0, 4 }).view(1, 1, 3, 5);
        var trace = new StepTrace(3, 5);
        var pooled = pool.Forward(x, trace, record: true);
        Assert.Equal(new float[] { 9, 9 }, pooled.flatten().data<float>().ToArray());
        var signal = new WindowedSignal(tensor(new float[] { 2, 5 }).view(1, 1, 1, 2), [0], [0], [0], 1, 2);
        var down = pool.Reverse(signal, trace);
        Assert.Equal(new long[] { 1, 1, 3, 5 }, down.Values.shape);
        var expected = new float[15];
        expected[1 * 5 + 2] = 7; // 2 + 5 at the shared argmax (row 1, column 2)
        Assert.Equal(expected, down.Values.flatten().data<float>().ToArray());
    }

    [Fact]
    public void ReverseConvolutionIsTheTransposedFilterWithoutBias()
    {
        // 1 -> 1 channel, 2x2 filter, stride 2: each output value paints the filter, scaled, onto its own 2x2 block.
        var w = tensor(new float[] { 1, 2, 3, 4 }).view(1, 1, 2, 2);
        var conv = new ConvStep(w, tensor(new float[] { 100 }), 2, 2, 0, 0);
        var trace = new StepTrace(4, 4);
        conv.Forward(zeros(1, 1, 4, 4), trace, record: true);
        var signal = new WindowedSignal(tensor(new float[] { 1, 0, 0, -2 }).view(1, 1, 2, 2), [0], [0], [0], 2, 2);
        var down = conv.Reverse(signal, trace).Values.flatten().data<float>().ToArray();
        Assert.Equal(new float[] { 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, -2, -4, 0, 0, -6, -8 }, down);
    }

    [Fact]
    public void ReluActsOnTheReconstructedSignal()
    {
        var relu = new ReluStep();
        var signal = new WindowedSignal(tensor(new float[] { -1, 2 }).view(1, 1, 1, 2), [0], [0], [0], 1, 2);
        Assert.Equal(new float[] { 0, 2 }, relu.Reverse(signal, new StepTrace(1, 2)).Values.flatten().data<float>().ToArray());
    }

    [Fact]
    public void ReceptiveFieldOfZfNetGeometry()
    {
        var net = Deconvnet.FromModule(TestNets.ZfNetSmall());
        // conv1: 7x7 stride 2 pad 1 -> size 7, stride 2, offset -1.
        Assert.Equal(new ReceptiveField(7, 7, 2, 2, -1, -1), net.ReceptiveField(0));
        // conv2: 5x5 s2 over pool1 (3x3 s2 p1) over conv1: size ((5-1)*2+3-1)*2+7 = 27... computed by hand below.
        // pool1: size (5-1)*2+3 = 11, stride 4 (in conv1 units: 2), conv1: (11-1)*2+7 = 27; stride 2*2*2 = 8;
        // offset: conv2 0 -> pool1 0*2-1 = -1 -> conv1 -1*2-1 = -3.
        Assert.Equal(new ReceptiveField(27, 27, 8, 8, -3, -3), net.ReceptiveField(1));
    }

    [Fact]
    public void StrongestIsTheFirstMaximumInRowMajorOrder()
    {
        var act = zeros(1, 1, 3, 3);
        act[0, 0, 1, 2] = tensor(5f);
        act[0, 0, 2, 0] = tensor(5f);
        Assert.Equal(new ActivationPoint(0, 0, 1, 2, 5f), Deconvnet.Strongest(act, 0, 0));
        Assert.Equal(new ActivationPoint(0, 0, 0, 0, 0f), Deconvnet.Strongest(zeros(1, 1, 3, 3), 0, 0));
    }

    [Fact]
    public void BadSelectionsAreRejectedWithClearMessages()
    {
        var net = Deconvnet.FromModule(TestNets.CifarSmall());
        using var trace = net.Forward(randn(1, 3, 32, 32), 1);
        Assert.Contains("Feature 99", Assert.Throws<ArgumentOutOfRangeException>(() => net.Project(trace, 1, [new ActivationPoint(0, 99, 0, 0, 1)])).Message);
        Assert.Contains("conv1, conv2", Assert.Throws<UserInputException>(() => net.IndexOf("conv9")).Message);
        Assert.Contains("input [N,3,H,W]", Assert.Throws<ArgumentException>(() => net.Forward(randn(1, 1, 32, 32), 0)).Message);
        using var plain = net.Forward(randn(1, 3, 32, 32), 1, record: false);
        Assert.Throws<InvalidOperationException>(() => net.Project(plain, 1, [new ActivationPoint(0, 0, 0, 0, 1)]));
    }
}

[Collection(nameof(SharedTorchState))]
public class DeconvnetStepsTests
{
    [Fact]
    public void StepByStepEndsInTheProjectionAndSwitchMapsCountWindows()
    {
        var net = Deconvnet.FromModule(TestNets.CifarSmall());
        torch.random.manual_seed(4);
        using var trace = net.Forward(randn(1, 3, 32, 32), 2);
        var point = Deconvnet.Strongest(trace.Activations[2], 0, 1);
        var steps = net.ProjectSteps(trace, 2, point);
        using var batch = net.Project(trace, 2, [point]);
        Assert.Equal(new long[] { 3, 32, 32 }, steps[^1].Signal.shape);
        Assert.True((steps[^1].Signal - batch.FullImage(0)).abs().max().item<float>() < 1e-6f);
        Assert.Contains(steps, s => s.Step.Contains("unpool"));
        var switches = net.SwitchMap(trace, 0, 0, 2); // pool1: 3x3 stride 2 pad 1 over 32x32 -> 16x16 windows
        Assert.Equal(new long[] { 32, 32 }, switches.shape);
        Assert.Equal(256f, switches.sum().item<float>());
    }
}

[Collection(nameof(SharedTorchState))]
public class DeconvnetMapsTests
{
    [Fact]
    public void WholeMapsOfSeveralImagesInOneCallMatchAutograd()
    {
        var model = TestNets.ZfNetSmall();
        torch.random.manual_seed(15);
        var input = randn(2, 3, 224, 224);
        var net = Deconvnet.FromModule(model);
        using var trace = net.Forward(input, 4);
        (long Image, int Feature)[] maps = [(0, 1), (1, 3), (1, 1)];
        foreach (var layer in new[] { 0, 2, 4 })
        {
            var act = trace.Activations[layer];
            using var batch = net.ProjectMaps(trace, layer, maps);
            for (int s = 0; s < maps.Length; s++)
            {
                var (image, feature) = maps[s];
                var signal = zeros(1, act.shape[1], act.shape[2], act.shape[3]);
                signal[0, feature] = act[image, feature];
                var expected = AutogradProjection.Project(model, layer, input[image].unsqueeze(0), signal)[0];
                double scale = expected.abs().max().item<float>(), diff = (expected - batch.FullImage(s)).abs().max().item<float>();
                Assert.True(diff <= 1e-5 * Math.Max(scale, 1e-30), $"layer {layer} map {maps[s]}: {diff:g3} vs {scale:g3}");
            }
        }
    }
}
