using TorchSharp;
using ZfViz.Data;
using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>
/// How uint8 images become network input: x = (pixels/255 - Mean) * Scale, with Mean the training set's per-pixel
/// mean image [C,H,W] (the paper subtracts it) and Scale a single number. The paper fed raw 0..255 values minus the
/// mean (Scale 255), which its N(0, 0.01^2) initialisation needs; with Kaiming initialisation we use 1/std of the
/// training pixels (unit-variance input), which made the small CIFAR net train several times faster (see README).
/// </summary>
public sealed class InputNorm(Tensor mean, float scale) : IDisposable
{
    public const float PaperScale = 255f;

    public Tensor Mean { get; } = mean;
    public float Scale { get; } = scale;
    // Held for the object's lifetime: a temporary Scalar can be finalised while libtorch still reads it.
    readonly Scalar scaleScalar = scale.ToScalar();

    /// <summary>The mean image and 1/std of a data set's pixels (0..1 units).</summary>
    public static InputNorm FromData(ImageDataset data, float? scale = null)
    {
        var mean = Augment.PixelMean(data);
        if (scale is { } s) return new InputNorm(mean, s);
        using var scope = NewDisposeScope();
        // Std of mean-subtracted pixels over (a sample of) the set.
        // At most 10,000 CIFAR-sized images' worth of pixels (156 photos at 256x256), enough for one standard deviation.
        long budget = Math.Max(64, 10_000L * 3 * 32 * 32 / ((long)data.Channels * data.Height * data.Width));
        int first = (int)Math.Min(data.Count, Math.Min(10_000, budget));
        float std = 0;
        // One batch of the first images (a streamed set decodes just these).
        foreach (var batch in BatchReader.Read(data, BatchReader.Sequential(first, Math.Max(1, first))))
        {
            var x = Augment.ToFloat(batch.Images).sub_(mean);
            std = x.std().item<float>();
        }
        return new InputNorm(mean, std > 1e-6f ? 1f / std : 1f);
    }

    /// <summary>uint8 [N,C,H,W] -> float network input on <paramref name="device"/>.</summary>
    public Tensor Apply(Tensor images, Device? device = null)
    {
        device ??= CPU;
        using var scope = NewDisposeScope();
        return Augment.ToFloat(images, device).sub_(Mean.to(device)).mul_(scaleScalar).MoveToOuterDisposeScope();
    }

    /// <summary>In place: x = (x - mean) * scale for a float batch already in 0..1 (mean on the batch's device).</summary>
    public Tensor Normalise_(Tensor x01, Tensor meanOnDevice) => x01.sub_(meanOnDevice).mul_(scaleScalar);

    public void Dispose()
    {
        Mean.Dispose();
        scaleScalar.Dispose();
    }
}
