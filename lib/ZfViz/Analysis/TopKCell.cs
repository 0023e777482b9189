using ZfViz.Deconv;
using static TorchSharp.torch;

namespace ZfViz.Analysis;

/// <summary>
/// One of a feature map's top-k activations, ready to draw: its deconvnet projection and the image patch that caused
/// it, both on the activation's whole receptive-field window ([C,h,w], zero where the window leaves the image).
/// <see cref="Inside"/> is the part of the window inside the image, relative to the window (equal to the whole
/// window unless <see cref="Clipped"/>).
/// </summary>
public sealed record TopKCell(ActivationPoint Point, Tensor Projection, Tensor Patch, PixelWindow Window, PixelWindow Inside, bool Clipped, long Label);
