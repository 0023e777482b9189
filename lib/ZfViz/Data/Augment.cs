using TorchSharp;
using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Data;

/// <summary>
/// Per-batch preprocessing and the paper's training augmentation (Sec. 3): uint8 -> float in 0..1, subtract a
/// per-pixel mean image, random crops and horizontal flips. Parametrised by size, so 28, 32 and 224 pixels share it.
/// </summary>
public static class Augment
{
    /// <summary>uint8 [N,C,H,W] (0..255) to float32 in 0..1 on the device.</summary>
    public static Tensor ToFloat(Tensor batch, Device? device = null) =>
        batch.to(device ?? CPU).to_type(ScalarType.Float32).div_(HeldScalars.ByteMax);

    /// <summary>Images a streamed set's per-pixel mean is estimated from (<see cref="PixelMean"/>).</summary>
    public const int StreamedMeanImages = 10_000;

    /// <summary>Seed of the class-balanced sample a streamed set's mean is estimated from.</summary>
    public const int StreamedMeanSeed = 2014_0003;

    /// <summary>
    /// The per-pixel mean image [C,H,W] of a data set, in 0..1 (the paper subtracts it from every input). An in-memory
    /// set's mean is over all its images. A streamed set's is one streaming pass over a fixed class-balanced sample of
    /// <see cref="StreamedMeanImages"/> images (all of them when it has fewer): a full pass over ILSVRC's 1.28 M photos
    /// would decode for hours on a CPU, while 10,000 pin every pixel's mean to about 0.3/sqrt(10,000) = 0.003 (under one
    /// grey level of 255), far below the variation the random crops bring.
    /// </summary>
    /// <param name="streamedSample">The sample size for a streamed set (tests use a small one).</param>
    public static Tensor PixelMean(ImageDataset data, int chunk = 4096, int streamedSample = StreamedMeanImages)
    {
        using var scope = NewDisposeScope();
        var sum = zeros(data.Channels, data.Height, data.Width, dtype: ScalarType.Float64);
        // The chunk is counted in CIFAR-sized images: 4096 photos of 256x256 would be 6 GB in float64.
        chunk = (int)Math.Max(1, Math.Min(chunk, (long)chunk * 3 * 32 * 32 / ((long)data.Channels * data.Height * data.Width)));
        var sample = data.IsStreamed ? data.Sample(streamedSample, StreamedMeanSeed) : data;
        try
        {
            foreach (var batch in BatchReader.Read(sample, BatchReader.Sequential(sample.Count, chunk)))
                // dim: named, because a literal 0 would bind to the sum(ScalarType) overload (a total cast to uint8).
                sum.add_(batch.Images.to_type(ScalarType.Float64).sum(dim: 0), HeldScalars.One);
            using var total = (255.0 * Math.Max(1, sample.Count)).ToScalar();
            return sum.div(total).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
        }
        finally
        {
            if (!ReferenceEquals(sample, data)) sample.Dispose();
        }
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
        var offY = randint(0, 2 * padding + 1, [n], generator: rng);
        var offX = randint(0, 2 * padding + 1, [n], generator: rng);
        var flip = rand([n], generator: rng).lt(HeldScalars.Half);
        return CropWindows(padded, offY, offX, flip, (int)h, (int)w).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Window i of the output is batch[i, :, offY[i] + (0..cropH), offX[i] + (0..cropW)], mirrored where flip[i]: two
    /// gathers instead of a slice per image, so a batch costs a few tensor operations whatever its size.
    /// </summary>
    static Tensor CropWindows(Tensor batch, Tensor offY, Tensor offX, Tensor flip, int cropH, int cropW)
    {
        long n = batch.shape[0], c = batch.shape[1], w = batch.shape[3];
        var device = batch.device;
        var stepsY = HeldScalars.Arange(cropH);
        var stepsX = HeldScalars.Arange(cropW);
        var rows = offY.unsqueeze(1).add(stepsY, HeldScalars.One).to(device);
        var cols = offX.unsqueeze(1).add(where(flip.unsqueeze(1), stepsX.flip(0), stepsX), HeldScalars.One).to(device);
        var x = batch.gather(2, rows.view(n, 1, cropH, 1).expand(n, c, cropH, w));
        return x.gather(3, cols.view(n, 1, 1, cropW).expand(n, c, cropH, cropW));
    }

    /// <summary>Subtracts the per-pixel mean image [C,H,W] (from <see cref="PixelMean"/>) from a float batch [N,C,H,W].</summary>
    public static Tensor SubtractMean(Tensor batch, Tensor mean)
    {
        if (mean.dim() != 3 || mean.shape[0] != batch.shape[1] || mean.shape[1] != batch.shape[2] || mean.shape[2] != batch.shape[3])
            throw new ArgumentException($"Mean image [{string.Join(",", mean.shape)}] does not match batch [{string.Join(",", batch.shape)}].");
        return batch - mean.to(batch.device);
    }

    /// <summary>The centre crop x crop square of every image (top-left at floor of half the excess).</summary>
    public static Tensor CentreCrop(Tensor batch, int crop)
    {
        var (y, x) = CropOrigin(batch, crop);
        return batch[.., .., y..(y + crop), x..(x + crop)];
    }

    /// <summary>
    /// Training augmentation for inputs larger than the network's (the paper: 224x224 crops of 256x256 images):
    /// a random crop x crop window per image, flipped horizontally with probability 1/2. [N,C,H,W] -> [N,C,crop,crop].
    /// </summary>
    public static Tensor RandomCropFlipTo(Tensor batch, int crop, Generator? rng = null)
    {
        using var scope = NewDisposeScope();
        long n = batch.shape[0], h = batch.shape[2], w = batch.shape[3];
        CropOrigin(batch, crop);
        var offY = randint(0, h - crop + 1, [n], generator: rng);
        var offX = randint(0, w - crop + 1, [n], generator: rng);
        var flip = rand([n], generator: rng).lt(HeldScalars.Half);
        return CropWindows(batch, offY, offX, flip, crop, crop).MoveToOuterDisposeScope();
    }

    /// <summary>Names of the 10 evaluation views, in the order <see cref="TenViews"/> returns them.</summary>
    public static readonly IReadOnlyList<string> TenViewNames =
        ["centre", "top-left", "top-right", "bottom-left", "bottom-right",
         "centre flipped", "top-left flipped", "top-right flipped", "bottom-left flipped", "bottom-right flipped"];

    /// <summary>
    /// The paper's 10-view test (Sec. 3, after Krizhevsky et al.): the centre and four corner crop x crop windows, and
    /// their horizontal flips. [N,C,H,W] -> [N,10,C,crop,crop] in <see cref="TenViewNames"/> order; reshape to
    /// [N*10,C,crop,crop] for the model and average the 10 outputs of each image.
    /// </summary>
    public static Tensor TenViews(Tensor batch, int crop)
    {
        using var scope = NewDisposeScope();
        long h = batch.shape[2], w = batch.shape[3];
        var (cy, cx) = CropOrigin(batch, crop);
        int bottom = (int)h - crop, right = (int)w - crop;
        var origins = new (int Y, int X)[] { (cy, cx), (0, 0), (0, right), (bottom, 0), (bottom, right) };
        var views = origins.Select(o => batch[.., .., o.Y..(o.Y + crop), o.X..(o.X + crop)]).ToList();
        views.AddRange(views.ToArray().Select(v => v.flip(3)));
        return stack(views, 1).MoveToOuterDisposeScope();
    }

    static (int Y, int X) CropOrigin(Tensor batch, int crop)
    {
        if (batch.dim() != 4) throw new ArgumentException($"Expected a batch [N,C,H,W]; got [{string.Join(",", batch.shape)}].");
        long h = batch.shape[2], w = batch.shape[3];
        if (crop < 1 || crop > h || crop > w) throw new ArgumentException($"Crop size {crop} does not fit images of {h}x{w}.");
        return ((int)(h - crop) / 2, (int)(w - crop) / 2);
    }
}
