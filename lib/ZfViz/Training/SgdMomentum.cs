using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>
/// SGD with momentum and L2 weight decay in PyTorch's convention: v = mu v + (g + wd w); w -= lr v.
/// Written out (a few lines) so the momentum buffers are plain named tensors a checkpoint can save and restore.
/// It owns its momentum buffers: dispose it when training ends (the finalizer would free them at some later time).
/// </summary>
public sealed class SgdMomentum : IDisposable
{
    readonly List<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters;
    readonly Dictionary<string, Tensor> velocity = [];

    // Held for the object's lifetime: a temporary Scalar can be finalised while libtorch still reads it.
    readonly Scalar decay, momentum, one;
    bool disposed;

    public double Momentum { get; }
    public double WeightDecay { get; }

    public SgdMomentum(IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters, double momentum, double weightDecay)
    {
        this.parameters = parameters.ToList();
        Momentum = momentum; WeightDecay = weightDecay;
        decay = weightDecay.ToScalar();
        this.momentum = momentum.ToScalar();
        one = 1.ToScalar();
    }

    public void ZeroGrad()
    {
        using var scope = NewDisposeScope(); // each p.grad is a new handle
        foreach (var (_, p) in parameters) p.grad?.zero_();
    }

    public void Step(double learningRate)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        // The step's Scalar in a variable: a temporary can be finalised during the native call.
        using var step = (-learningRate).ToScalar();
        foreach (var (name, p) in parameters)
        {
            var g = p.grad;
            if (g is null) continue;
            // Weight decay on weights only (biases free), as is usual for conv nets.
            if (WeightDecay > 0 && !name.EndsWith("bias", StringComparison.Ordinal)) g = g.add(p, alpha: decay);
            if (!velocity.TryGetValue(name, out var v))
                velocity[name] = v = g.detach().clone().DetachFromDisposeScope(); // outlives the dispose scope
            else
                v.mul_(momentum).add_(g, alpha: one); // add_(Tensor) alone makes a temporary Scalar for its alpha
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
                using var scope = NewDisposeScope();
                var restored = b.to(p.device).to_type(p.dtype).clone().DetachFromDisposeScope();
                if (velocity.Remove(name, out var old)) old.Dispose(); // a buffer it replaces is freed now, not by the finalizer
                velocity[name] = restored;
            }
    }

    /// <summary>Frees the momentum buffers and the held Scalars; the optimizer cannot step afterwards.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var v in velocity.Values) v.Dispose();
        velocity.Clear();
        decay.Dispose(); momentum.Dispose(); one.Dispose();
    }
}
