using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Models;

/// <summary>How fresh weights are drawn.</summary>
public enum InitScheme
{
    /// <summary>The paper (Sec. 3): every weight ~ N(0, 0.01^2), biases 0.</summary>
    Paper,
    /// <summary>He et al. 2015: N(0, 2/fan_in) for conv and linear weights, biases 0 (trains small nets much faster).</summary>
    Kaiming,
}

public static class WeightInit
{
    /// <summary>Re-draws every conv and linear weight of <paramref name="net"/> with the scheme, from <paramref name="rng"/> (or torch's global generator).</summary>
    public static void Apply(ConvNet net, InitScheme scheme, Generator? rng = null)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope(); // the random draws are copied into the parameters, then freed here
        foreach (var (name, p) in net.named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) { p.zero_(); continue; }
            long fanIn = p.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            double std = scheme == InitScheme.Paper ? 0.01 : Math.Sqrt(2.0 / fanIn);
            p.copy_(randn(p.shape, generator: rng).mul_(std));
        }
    }

    public static InitScheme Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "paper" => InitScheme.Paper,
        "kaiming" or "he" => InitScheme.Kaiming,
        _ => throw new UserInputException($"Unknown init '{name}'. Use paper (N(0,0.01), the paper's) or kaiming."),
    };
}
