using TorchSharp;

namespace ZfViz.Models;

/// <summary>
/// Puts a module in eval mode (no dropout, fixed batch statistics) for a using block and gives it back the mode it
/// had: an analysis may read a network that a training loop shares.
/// </summary>
public sealed class EvalMode : IDisposable
{
    readonly torch.nn.Module? module;
    readonly bool wasTraining;

    /// <param name="module">The module; null: nothing to switch (a plain function).</param>
    public EvalMode(torch.nn.Module? module)
    {
        this.module = module;
        wasTraining = module?.training ?? false;
        if (wasTraining) module!.eval();
    }

    public void Dispose()
    {
        if (wasTraining) module!.train();
    }
}
