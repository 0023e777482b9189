using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// Local contrast normalisation across feature maps (LocalResponseNorm, or the model's CrossMapNorm which computes the
/// same function). Down: the identity. The paper does not invert the normalisation in its deconvnet, and neither do
/// we; the autograd check in the tests treats it as identity too.
/// </summary>
public sealed class ContrastNormStep : DeconvStep
{
    readonly Func<Tensor, Tensor> normalise;

    /// <summary>A step running the given normalisation (e.g. the model's own module) on the way up.</summary>
    public ContrastNormStep(Func<Tensor, Tensor> normalise) => this.normalise = normalise;

    /// <summary>LocalResponseNorm with the given constants.</summary>
    public ContrastNormStep(long size, double alpha, double beta, double k)
        : this(x => nn.functional.local_response_norm(x, size, alpha, beta, k)) { }

    public override string Kind => "norm";

    public override Tensor Forward(Tensor x, StepTrace trace, bool record)
    {
        trace.OutputHeight = trace.InputHeight;
        trace.OutputWidth = trace.InputWidth;
        return normalise(x);
    }

    public override WindowedSignal Reverse(WindowedSignal signal, StepTrace trace) => signal;
}
