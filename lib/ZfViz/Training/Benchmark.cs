using System.Diagnostics;
using TorchSharp;
using ZfViz.Models;
using ZfViz.Runtime;
using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>
/// Measures training and inference speed of a preset on random data: training = forward, cross-entropy, backward
/// and one SGD-with-momentum step (plus RMS renormalisation) per batch; inference = forward without gradients.
/// Achieved GFLOP/s counts training as 3x the forward FLOPs (forward + backward for inputs and weights).
/// Options: mixed precision (bfloat16 compute on float32 master weights, as training uses it), bfloat16 (the whole
/// model and input in bf16: changes numerics) and channels-last input strides. Also times each block's forward pass.
/// </summary>
public static class Benchmark
{
    public static BenchmarkResult Run(NetConfig config, int batchTrain = 32, int batchInfer = 64, int warmup = 2, int repetitions = 5,
        bool bfloat16 = false, bool channelsLast = false, Action<string>? log = null, Precision precision = Precision.Float32)
    {
        if (batchTrain < 1 || batchInfer < 1 || repetitions < 1 || warmup < 0)
            throw new ArgumentException("Batch sizes and repetitions must be >= 1, warm-up >= 0.");
        var device = Runtime.TorchRuntime.Device;
        var dtype = bfloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
        manual_seed(0);
        using var net = new ConvNet(config);
        WeightInit.Apply(net, InitScheme.Kaiming);
        net.to(device);
        if (bfloat16) net.to(ScalarType.BFloat16);
        else net.Precision = MixedPrecisionPolicy.Resolve(precision);
        using var sgd = new SgdMomentum(net.named_parameters(), 0.9, 5e-4);

        Tensor Input(int n)
        {
            var x = randn([n, config.InputChannels, config.InputSize, config.InputSize], device: device).to_type(dtype);
            // Channels-last strides (NHWC in memory); libtorch picks its channels-last kernels from the strides.
            return channelsLast ? ChannelsLast.Of(x) : x;
        }

        using var xTrain = Input(batchTrain);
        using var yTrain = randint(0, config.Classes, [batchTrain], dtype: ScalarType.Int64, device: device);
        double TrainStep()
        {
            var clock = Stopwatch.StartNew();
            using var scope = NewDisposeScope();
            net.train();
            var loss = nn.functional.cross_entropy(net.forward(xTrain).to_type(ScalarType.Float32), yTrain);
            sgd.ZeroGrad();
            loss.backward();
            sgd.Step(1e-3);
            FilterRenorm.Apply(net);
            _ = loss.item<float>();
            return clock.Elapsed.TotalSeconds;
        }

        using var xInfer = Input(batchInfer);
        double InferStep()
        {
            var clock = Stopwatch.StartNew();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            net.eval();
            _ = net.forward(xInfer).to_type(ScalarType.Float32).sum().item<float>();
            return clock.Elapsed.TotalSeconds;
        }

        for (int i = 0; i < warmup; i++) { TrainStep(); InferStep(); }
        var train = Enumerable.Range(0, repetitions).Select(_ => TrainStep()).ToList();
        log?.Invoke($"train step seconds: {string.Join(", ", train.Select(t => t.ToString("F3")))}");
        var infer = Enumerable.Range(0, repetitions).Select(_ => InferStep()).ToList();
        log?.Invoke($"infer step seconds: {string.Join(", ", infer.Select(t => t.ToString("F3")))}");

        var layers = LayerTimes(net, config, xInfer, repetitions);
        log?.Invoke($"forward ms per layer: {string.Join(", ", layers.Select(l => $"{l.Layer} {l.ForwardMs:F1}"))}");

        double forward = LayerSummary.Totals(config).Flops;
        double trainRate = batchTrain / Median(train), inferRate = batchInfer / Median(infer);
        return new BenchmarkResult(config.Name, device.type.ToString().ToLowerInvariant(), bfloat16 ? "bfloat16" : "float32", channelsLast,
            get_num_threads(), batchTrain, batchInfer, repetitions, Math.Round(trainRate, 2), Math.Round(inferRate, 2),
            Math.Round(trainRate * 3 * forward / 1e9, 2), 3 * forward, forward,
            bfloat16 ? "bfloat16" : MixedPrecisionPolicy.Name(net.Precision), layers);
    }

    /// <summary>Median forward time of each block, run one by one on the inference batch (after one untimed pass).</summary>
    static List<BenchmarkLayerTime> LayerTimes(ConvNet net, NetConfig config, Tensor input, int repetitions)
    {
        var flops = LayerSummary.Compute(config).ToDictionary(r => r.Name, r => r.Flops);
        var times = net.BlockNames.ToDictionary(n => n, _ => new List<double>());
        using var noGrad = no_grad();
        net.eval();
        for (int rep = -1; rep < repetitions; rep++)
        {
            using var scope = NewDisposeScope();
            var x = input;
            foreach (var name in net.BlockNames)
            {
                var clock = Stopwatch.StartNew();
                x = net.ForwardBlock(name, x); // CPU ops are synchronous: the clock covers the work
                if (x.device_type == DeviceType.CUDA) cuda.synchronize();
                if (rep >= 0) times[name].Add(clock.Elapsed.TotalSeconds);
            }
        }
        return net.BlockNames.Select(n =>
        {
            double seconds = Median(times[n]);
            double gflops = flops.GetValueOrDefault(n) * input.shape[0] / seconds / 1e9;
            return new BenchmarkLayerTime(n, Math.Round(seconds * 1e3, 2), Math.Round(gflops, 2));
        }).ToList();
    }

    static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
