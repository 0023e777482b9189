using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Data;

/// <summary>
/// <see cref="ImagePreprocessing"/> for data sets that are tensors already (IDX, CIFAR binary): the same
/// resize-shorter-side and centre crop, done with antialiased bilinear interpolation, plus grey/RGB conversion.
/// </summary>
public static class TensorPreprocess
{
    /// <summary>A new data set with preprocessed images; the input is returned as is when nothing changes.</summary>
    public static ImageDataset Apply(ImageDataset data, ImagePreprocessing prep, int chunk = 2048)
    {
        prep.Validated();
        var (rw, rh, cx, cy) = prep.Geometry(data.Width, data.Height);
        bool resize = rw != data.Width || rh != data.Height;
        bool crop = rw != prep.Size || rh != prep.Size;
        if (!resize && !crop && data.Channels == prep.Channels) return data;

        var parts = new List<Tensor>();
        for (int i = 0; i < data.Count; i += chunk)
        {
            using var scope = NewDisposeScope();
            var x = data.Images[i..Math.Min(data.Count, i + chunk)].to_type(ScalarType.Float32);
            x = ConvertChannels(x, prep.Channels);
            if (resize) x = nn.functional.interpolate(x, [rh, rw], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
            if (crop) x = x[.., .., cy..(cy + prep.Size), cx..(cx + prep.Size)];
            parts.Add(x.round().clamp(0, 255).to_type(ScalarType.Byte).MoveToOuterDisposeScope());
        }
        var images = parts.Count == 1 ? parts[0] : cat(parts, 0);
        if (parts.Count > 1) foreach (var p in parts) p.Dispose();
        return new ImageDataset(data.Name, images, data.Labels, data.ClassNames);
    }

    /// <summary>float [N,C,H,W]: grey replicated to 3 channels, or RGB to BT.601 luma.</summary>
    static Tensor ConvertChannels(Tensor x, int channels)
    {
        long c = x.shape[1];
        if (c == channels) return x;
        if (c == 1 && channels == 3) return x.expand(-1, 3, -1, -1).contiguous();
        if (c == 3 && channels == 1)
        {
            var w = tensor(new[] { 0.299f, 0.587f, 0.114f }).reshape(1, 3, 1, 1);
            return (x * w).sum(1, keepdim: true);
        }
        throw new ArgumentException($"Cannot convert {c} channels to {channels}.");
    }
}
