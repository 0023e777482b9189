using ZfViz.Data;
using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>
/// A learnable stand-in for an image data set (tests, benchmarks, and `zfviz train --data synthetic` before the real
/// loaders exist). Class c is a sinusoidal grating at orientation c*180/K degrees, with a class-specific frequency
/// and colour balance, a random phase, random contrast and Gaussian pixel noise, so a conv net must learn oriented
/// filters to separate the classes (chance = 1 - 1/K error).
/// </summary>
public static class SyntheticData
{
    public static ImageDataset Gratings(int count, int size, int channels, int classes, long seed, string name = "synthetic-gratings", double noise = 0.15)
    {
        if (count < 1 || size < 2 || channels < 1 || classes < 2)
            throw new ArgumentException($"Synthetic data needs count >= 1, size >= 2, channels >= 1, classes >= 2; got {count}, {size}, {channels}, {classes}.");
        var (images, labels) = Draw(count, size, channels, classes, seed, noise);
        var classNames = Enumerable.Range(0, classes).Select(c => $"grating-{c * 180.0 / classes:F0}deg").ToArray();
        // Built outside the dispose scope: the data set's own tensors must outlive it.
        return new ImageDataset(name, images, labels, classNames);
    }

    static (Tensor Images, Tensor Labels) Draw(int count, int size, int channels, int classes, long seed, double noise)
    {
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)seed);
        var labels = randint(0, classes, [count], dtype: ScalarType.Int64, generator: g);
        var angle = labels.to_type(ScalarType.Float32) * (MathF.PI / classes);
        // Frequency in cycles per image: 2..4.5, different per class so orientation is not the only cue.
        var freq = (labels.to_type(ScalarType.Float32).remainder(3) * 1.0f + 2.5f) * (2 * MathF.PI / size);
        var phase = rand([count], generator: g) * (2 * MathF.PI);
        var contrast = rand([count], generator: g) * 0.25f + 0.25f;
        var coords = arange(size, dtype: ScalarType.Float32);
        var yy = coords.view(1, size, 1);
        var xx = coords.view(1, 1, size);
        var proj = xx * angle.cos().view(-1, 1, 1) + yy * angle.sin().view(-1, 1, 1);
        var wave = (proj * freq.view(-1, 1, 1) + phase.view(-1, 1, 1)).sin() * contrast.view(-1, 1, 1); // [N,H,W]
        // Colour balance per class: channel weights in 0.5..1.
        var tint = (labels.view(-1, 1).to_type(ScalarType.Float32) * 1.7f + arange(channels, dtype: ScalarType.Float32).view(1, -1) * 2.3f).sin() * 0.25f + 0.75f;
        var images = 0.5f + wave.unsqueeze(1) * tint.view(count, channels, 1, 1) + randn([count, channels, size, size], generator: g) * (float)noise;
        var bytes = images.clamp(0, 1).mul(255).round().to_type(ScalarType.Byte);
        return (bytes.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
