using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>
/// One operation of a convolutional layer as the deconvnet sees it (Zeiler &amp; Fergus 2014, Sec. 2.1): how it runs
/// up (recording what the way down needs) and how it runs down on a windowed signal.
/// </summary>
public abstract class DeconvStep
{
    public abstract string Kind { get; }

    /// <summary>How a window of this step's output maps onto its input.</summary>
    public virtual WindowMap Geometry => WindowMap.Identity;

    /// <summary>Runs the step up. With <paramref name="record"/>, stores what <see cref="Reverse"/> needs in the trace.</summary>
    public abstract Tensor Forward(Tensor x, StepTrace trace, bool record);

    /// <summary>Runs the step down: from a signal on this step's output to one on its input.</summary>
    public abstract WindowedSignal Reverse(WindowedSignal signal, StepTrace trace);

    public override string ToString() => Kind;
}
