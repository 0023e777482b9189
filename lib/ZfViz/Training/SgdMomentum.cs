using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>
/// SGD with momentum and L2 weight decay in PyTorch's convention: v = mu v + (g + wd w); w -= lr v.
/// Written out (a few lines) so the momentum buffers are plain named tensors a checkpoint can save and restore.
/// </summary>
public sealed class SgdMomentum
{
    readonly List<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters;
    readonly Dictionary<string, Tensor> velocity = [];

    public double Momentum { get; }
    public double WeightDecay { get; }

    public SgdMomentum(IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters, double momentum, double weightDecay)
    {
        this.parameters = parameters.ToList();
        Momentum = momentum; WeightDecay = weightDecay;
    }

    public void ZeroGrad()
    {
        foreach (var (_, p) in parameters) p.grad?.zero_();
    }

    public void Step(double learningRate)
    {
        using var _ = no_grad();
        // Scalars held in variables (see FilterRenorm: temporaries can be finalised during the native call).
        using var decay = WeightDecay.ToScalar();
        using var momentum = Momentum.ToScalar();
        using var step = (-learningRate).ToScalar();
        foreach (var (name, p) in parameters)
        {
            var g = p.grad;
            if (g is null) continue;
            // Weight decay on weights only (biases free), as is usual for conv nets.
            if (WeightDecay > 0 && !name.EndsWith("bias", StringComparison.Ordinal)) g = g.add(p, alpha: decay);
            if (!velocity.TryGetValue(name, out var v))
                velocity[name] = v = g.detach().clone().DetachFromDisposeScope(); // outlives the batch's dispose scope
            else
                v.mul_(momentum).add_(g);
            p.add_(v, alpha: step);
        }
    }

    /// <summary>Momentum buffers by parameter name (absent until the first step).</summary>
    public IReadOnlyDictionary<string, Tensor> Velocity => velocity;

    public void RestoreVelocity(IReadOnlyDictionary<string, Tensor> buffers)
    {
        foreach (var (name, p) in parameters)
            if (buffers.TryGetValue(name, out var b))
            {
                if (!b.shape.SequenceEqual(p.shape))
                    throw new InvalidDataException($"Momentum buffer '{name}' has shape [{string.Join(",", b.shape)}], parameter has [{string.Join(",", p.shape)}].");
                velocity[name] = b.to(p.device).to_type(p.dtype).clone().DetachFromDisposeScope();
            }
    }
}
