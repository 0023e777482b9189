using static TorchSharp.torch;
using ZfViz.Runtime;

namespace ZfViz.Analysis;

/// <summary>
/// Vertical translation, scaling and rotation of image batches for the invariance study (Fig. 5), all as one affine
/// resampling (<c>affine_grid</c> + bilinear <c>grid_sample</c>, pixel centres as sample points) so that identity
/// amounts return the input and whole-pixel shifts and quarter turns of square images land exactly on the pixel grid.
/// <para><b>Fill:</b> pixels whose source lies outside the image take the fill colour (per channel, in the images'
/// own units); near the border bilinear sampling blends the image with that colour.</para>
/// </summary>
public static class Transforms
{
    /// <summary>
    /// Float images [N,C,H,W] transformed by <paramref name="kind"/> and <paramref name="amount"/>; fill: [C] or
    /// [N,C] colours (null: zero). Returns float32 on the images' device.
    /// </summary>
    public static Tensor Apply(Tensor images, TransformKind kind, double amount, Tensor? fill = null)
    {
        if (images.dim() != 4) throw new ArgumentException($"images: expected [N,C,H,W]; got [{string.Join(",", images.shape)}].", nameof(images));
        if (!double.IsFinite(amount)) throw new ArgumentException($"amount: must be a finite number; got {amount}.", nameof(amount));
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        // Output pixel p (in pixels, about the centre) samples the input at A p + t; below in pixel units, then
        // divided by the half sizes for affine_grid's [-1, 1] coordinates.
        double a00 = 1, a01 = 0, a10 = 0, a11 = 1, tx = 0, ty = 0;
        switch (kind)
        {
            case TransformKind.VerticalTranslation:
                ty = -amount;
                break;
            case TransformKind.Scale:
                if (amount <= 0) throw new ArgumentException($"amount: a scale factor must be positive; got {amount}.", nameof(amount));
                a00 = a11 = 1 / amount;
                break;
            case TransformKind.Rotation:
                // Counter-clockwise on screen (y down) by θ: the source of p is p rotated clockwise by θ.
                double r = amount * Math.PI / 180, cos = Math.Cos(r), sin = Math.Sin(r);
                // Snap quarter turns so that cos(90°) is exactly 0, not 6e-17.
                if (Math.Abs(cos) < 1e-12) cos = 0;
                if (Math.Abs(sin) < 1e-12) sin = 0;
                a00 = cos; a01 = -sin; a10 = sin; a11 = cos;
                break;
            default:
                throw new ArgumentException($"kind: unknown transform {kind}; use {string.Join(", ", Enum.GetNames<TransformKind>())}.", nameof(kind));
        }
        using var scope = NewDisposeScope();
        double hw = w / 2.0, hh = h / 2.0;
        var theta = tensor(new float[]
        {
            (float)a00, (float)(a01 * hh / hw), (float)(tx / hw),
            (float)(a10 * hw / hh), (float)a11, (float)(ty / hh),
        }, [1, 2, 3]).to(images.device).expand(n, 2, 3);
        var x = images.to_type(ScalarType.Float32);
        var colour = FillColour(fill, n, c, images.device);
        var grid = nn.functional.affine_grid(theta, [n, c, h, w], align_corners: false);
        // grid_sample pads with zeros: sample (x - fill) and add the fill back, so outside pixels become the fill.
        var sampled = nn.functional.grid_sample(x - colour, grid, mode: GridSampleMode.Bilinear,
            padding_mode: GridSamplePaddingMode.Zeros, align_corners: false).add(colour, HeldScalars.One);
        return sampled.MoveToOuterDisposeScope();
    }

    static Tensor FillColour(Tensor? fill, long n, long c, Device device)
    {
        if (fill is null) return zeros([1, 1, 1, 1], device: device);
        var f = fill.to(device).to_type(ScalarType.Float32);
        if (f.dim() == 1 && f.shape[0] == c) return f.reshape(1, c, 1, 1);
        if (f.dim() == 2 && f.shape[0] == n && f.shape[1] == c) return f.reshape(n, c, 1, 1);
        throw new ArgumentException($"fill: expected [C] = [{c}] or [N,C] = [{n},{c}] colours; got [{string.Join(",", fill.shape)}].", nameof(fill));
    }
}
