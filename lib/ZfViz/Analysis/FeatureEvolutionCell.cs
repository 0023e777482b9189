using ZfViz.Deconv;
using static TorchSharp.torch;

namespace ZfViz.Analysis;

/// <summary>
/// One feature map at one checkpoint: its strongest activation over the searched images (<see cref="Point"/>: image
/// index in the searched set, position, value), that activation projected to pixels on the whole input
/// (<see cref="Projection"/> [C,H,W], CPU, zero outside the receptive field) and, in <see cref="Cell"/>, the
/// projection and the image patch on the receptive-field window (as Fig. 2's cells).
/// </summary>
public sealed record FeatureEvolutionCell(int Epoch, ActivationPoint Point, Tensor Projection, TopKCell Cell);
