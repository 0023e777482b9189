using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>ReLU. Down: the ReLU is applied to the reconstructed signal itself, not masked by the forward activations.</summary>
public sealed class ReluStep : DeconvStep
{
    public override string Kind => "relu";

    public override Tensor Forward(Tensor x, StepTrace trace, bool record)
    {
        trace.OutputHeight = trace.InputHeight;
        trace.OutputWidth = trace.InputWidth;
        return nn.functional.relu(x);
    }

    public override WindowedSignal Reverse(WindowedSignal signal, StepTrace trace) =>
        signal.With(nn.functional.relu(signal.Values));
}
