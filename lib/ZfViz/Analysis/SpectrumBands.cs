using static TorchSharp.torch;

namespace ZfViz.Analysis;

/// <summary>How the energy of one filter or image spreads over spatial frequencies (fractions summing to 1).</summary>
/// <param name="Low">Energy below a third of the Nyquist radius (including the mean, DC).</param>
/// <param name="Mid">Between a third and two thirds.</param>
/// <param name="High">Two thirds of the Nyquist radius and above (diagonal frequencies reach 1.41).</param>
/// <param name="MeanRadius">Energy-weighted mean frequency radius, 0 (flat) .. about 1.41 (checkerboard), Nyquist = 1.</param>
public sealed record FrequencyProfile(double Low, double Mid, double High, double MeanRadius);

/// <summary>
/// Splits the power spectrum of filters or images into low, mid and high spatial frequencies. Fig. 6 reads AlexNet's
/// layer-1 filters as "a mix of extremely high and low frequency information, with little coverage of the mid
/// frequencies", and its layer-2 features as aliased by the stride-4 first layer; these fractions measure both.
/// </summary>
public static class SpectrumBands
{
    /// <summary>
    /// One profile per item of <paramref name="items"/> [N,C,H,W]: the power |FFT|² of each channel (zero-padded to
    /// <paramref name="size"/> x <paramref name="size"/>, so that small filters get a smooth spectrum), summed over
    /// channels and binned by the radius of its frequency. An all-zero item (a dead filter) gets NaN fractions.
    /// </summary>
    public static IReadOnlyList<FrequencyProfile> Measure(Tensor items, int size = 32)
    {
        if (items.dim() != 4) throw new ArgumentException($"Expected filters or images [N,C,H,W]; got [{string.Join(",", items.shape)}].", nameof(items));
        if (size < items.shape[2] || size < items.shape[3])
            throw new ArgumentException($"size {size} must be at least the items' height and width ({items.shape[2]}x{items.shape[3]}).", nameof(size));
        using var scope = NewDisposeScope();
        var x = items.detach().to(CPU).to_type(ScalarType.Float64);
        var padded = nn.functional.pad(x, [0, size - x.shape[3], 0, size - x.shape[2]]);
        var power = fft.fft2(padded).abs().pow(2).sum(1); // [N,size,size]
        // frequency of each bin in cycles per pixel, as a fraction of Nyquist (0.5 cycles/pixel)
        var f = fft.fftfreq(size, dtype: ScalarType.Float64) / 0.5;
        var radius = (f.view(size, 1).pow(2) + f.view(1, size).pow(2)).sqrt(); // [size,size]
        var low = radius.lt(1.0 / 3).to_type(ScalarType.Float64);
        var high = radius.ge(2.0 / 3).to_type(ScalarType.Float64);
        var mid = 1.0 - low - high;
        var total = power.sum([1, 2]);
        double[] Share(Tensor band) => (power * band).sum([1, 2]).div(total).data<double>().ToArray();
        var lows = Share(low);
        var mids = Share(mid);
        var highs = Share(high);
        var mean = Share(radius);
        return Enumerable.Range(0, (int)x.shape[0]).Select(i => new FrequencyProfile(lows[i], mids[i], highs[i], mean[i])).ToList();
    }
}
