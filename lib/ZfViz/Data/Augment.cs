using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Data;

/// <summary>
/// Per-batch preprocessing and the paper's training augmentation (Sec. 3): uint8 -> float in 0..1, subtract a
/// per-pixel mean image, random crops and horizontal flips. Parametrised by size, so 28, 32 and 224 pixels share it.
/// </summary>
public static class Augment
{
    /// <summary>uint8 [N,C,H,W] (0..255) to float32 in 0..1 on the device.</summary>
    public static Tensor ToFloat(Tensor batch, Device? device = null) =>
        batch.to(device ?? CPU).to_type(ScalarType.Float32).div_(255f);

    /// <summary>The per-pixel mean image [C,H,W] of a data set, in 0..1 (the paper subtracts it from every input).</summary>
    public static Tensor PixelMean(ImageDataset data, int chunk = 4096)
    {
        using var scope = NewDisposeScope();
        var sum = zeros(data.Channels, data.Height, data.Width, dtype: ScalarType.Float64);
        for (int i = 0; i < data.Count; i += chunk)
            sum.add_(data.Images[i..Math.Min(data.Count, i + chunk)].to_type(ScalarType.Float64).sum(0));
        return (sum / (255.0 * Math.Max(1, data.Count))).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Training augmentation: pad by <paramref name="padding"/> (zeros), take a random crop of the input size, and
    /// flip half of the images horizontally. Input float [N,C,H,W]; output the same shape.
    /// </summary>
    public static Tensor RandomCropFlip(Tensor batch, int padding, Generator? rng = null)
    {
        using var scope = NewDisposeScope();
        long n = batch.shape[0], h = batch.shape[2], w = batch.shape[3];
        var padded = padding > 0 ? nn.functional.pad(batch, [padding, padding, padding, padding]) : batch;
        var offY = randint(0, 2 * padding + 1, [n], generator: rng).data<long>().ToArray();
        var offX = randint(0, 2 * padding + 1, [n], generator: rng).data<long>().ToArray();
        var flip = (rand([n], generator: rng) < 0.5).data<bool>().ToArray();
        var crops = new Tensor[n];
        for (long i = 0; i < n; i++)
        {
            var c = padded[i, .., (int)offY[i]..(int)(offY[i] + h), (int)offX[i]..(int)(offX[i] + w)];
            crops[i] = flip[i] ? c.flip(2) : c;
        }
        return stack(crops).MoveToOuterDisposeScope();
    }
}
