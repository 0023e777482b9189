using ZfViz.Models;

namespace ZfViz.Deconv;

/// <summary>
/// The receptive field of a <see cref="ResNet18"/> stage's activations, computed from the network's own layers
/// (kernel sizes from the weights, strides, and the CNTK export's asymmetric paddings: stem 3 top/left and 2
/// bottom/right, pool and stride-2 convolutions 1 top/left and 0 bottom/right). Walking down from one activation,
/// each layer of kernel k, stride s and leading padding p maps a window (start, size) to (start·s − p, (size−1)·s + k);
/// a residual block's window is the union of its two branches' windows (the convolution branch's is the larger).
/// Only the leading padding matters for where a window starts; the trailing padding only decides output sizes.
/// </summary>
public static class ResNet18ReceptiveField
{
    /// <summary>Size, stride (jump) and offset of the input window of an activation of <paramref name="stage"/> (conv1 .. layer4).</summary>
    public static ReceptiveField Of(ResNet18 model, string stage)
    {
        ResNet18.CheckStage(stage);
        if (stage == "avgpool") throw new ArgumentException("avgpool has no positions: its field is the whole image.");
        var (y, x) = (Axis.Unit, Axis.Unit);
        int top = stage switch { "conv1" => -1, "pool1" => 0, _ => int.Parse(stage["layer".Length..]) };
        for (int l = top - 1; l >= 0; l--)
            for (int b = model.Layers[l].Count - 1; b >= 0; b--)
            {
                var block = model.Layers[l][b];
                var pads = block.Conv1Pads;
                (y, x) = (Block(block, y, pads.Top), Block(block, x, pads.Left));
            }
        if (top >= 0)
            (y, x) = (y.Down(ResNet18MaxPool.Kernel, ResNet18MaxPool.Stride, ResNet18MaxPool.PadBegin),
                      x.Down(ResNet18MaxPool.Kernel, ResNet18MaxPool.Stride, ResNet18MaxPool.PadBegin));
        var stem = model.Conv1;
        int stride = (int)stem.stride[0];
        (y, x) = (y.Down((int)stem.weight!.shape[2], stride, ResNet18.Conv1Pads.Top), x.Down((int)stem.weight!.shape[3], stride, ResNet18.Conv1Pads.Left));
        return new ReceptiveField(y.Size, x.Size, y.Jump, x.Jump, y.Start, x.Start);
    }

    static Axis Block(ResNet18Block block, Axis a, int conv1PadBegin)
    {
        int k2 = (int)block.Conv2.weight!.shape[2], k1 = (int)block.Conv1.weight!.shape[2];
        var main = a.Down(k2, (int)block.Conv2.stride[0], (int)block.Conv2.padding![0]).Down(k1, (int)block.Conv1.stride[0], conv1PadBegin);
        var shortcut = block.DownsampleConv is { } d ? a.Down((int)d.weight!.shape[2], (int)d.stride[0], (int)d.padding![0]) : a;
        return main.Union(shortcut);
    }

    /// <summary>A window along one axis, in the coordinates of some layer: start of position 0, size, and jump between positions.</summary>
    readonly record struct Axis(int Start, int Size, int Jump)
    {
        public static readonly Axis Unit = new(0, 1, 1);
        public Axis Down(int kernel, int stride, int padBegin) => new(Start * stride - padBegin, (Size - 1) * stride + kernel, Jump * stride);
        public Axis Union(Axis o)
        {
            if (o.Jump != Jump) throw new InvalidOperationException("residual branches with different strides");
            int start = Math.Min(Start, o.Start);
            return new Axis(start, Math.Max(Start + Size, o.Start + o.Size) - start, Jump);
        }
    }
}
