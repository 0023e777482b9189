using ZfViz.Analysis;
using static TorchSharp.torch;

namespace ZfViz.Tests.Analysis;

/// <summary>Hand-made probes whose readings are known without a network.</summary>
static class TestProbes
{
    /// <summary>The "network" whose one map is its input (no classifier).</summary>
    public static ModelProbe Identity(string name = "id") =>
        new([name], false, x => new ProbeReading(new Dictionary<string, Tensor> { [name] = x }, null));
}
