using TorchSharp;
using TorchSharp.Modules;
using ZfViz.Runtime.Numerics;
using static TorchSharp.torch;

namespace ZfViz.Models;

/// <summary>
/// A Sequential whose convolutions go through <see cref="ConvChannelPadding"/> (the numerics guard's padding and
/// layout). Children keep the names given, so parameter names are those of the Sequential it replaces.
/// </summary>
public sealed class GuardedSequence : nn.Module<Tensor, Tensor>
{
    readonly List<nn.Module<Tensor, Tensor>> steps = [];

    public GuardedSequence(string name, params (string Name, nn.Module<Tensor, Tensor> Module)[] children) : base(name)
    {
        foreach (var (n, m) in children)
        {
            steps.Add(m);
            register_module(n, m);
        }
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var step in steps) x = step is Conv2d conv ? ConvChannelPadding.Conv2d(conv, x) : step.call(x);
        return x;
    }
}
