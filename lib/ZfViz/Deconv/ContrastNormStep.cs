using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// Local contrast normalisation across feature maps (LocalResponseNorm). Down: the identity. The paper does not invert
/// the normalisation in its deconvnet, and neither do we; the autograd check in the tests treats it as identity too.
/// </summary>
public sealed class ContrastNormStep : DeconvStep
{
    public ContrastNormStep(long size, double alpha, double beta, double k)
    {
        Size = size;
        Alpha = alpha;
        Beta = beta;
        K = k;
    }

    public long Size { get; }
    public double Alpha { get; }
    public double Beta { get; }
    public double K { get; }

    public override string Kind => "norm";

    public override Tensor Forward(Tensor x, StepTrace trace, bool record)
    {
        trace.OutputHeight = trace.InputHeight;
        trace.OutputWidth = trace.InputWidth;
        return nn.functional.local_response_norm(x, Size, Alpha, Beta, K);
    }

    public override WindowedSignal Reverse(WindowedSignal signal, StepTrace trace) => signal;
}
