namespace ZfViz.Deconv;

/// <summary>
/// How a sliding-window operation (convolution, pooling) maps a window of its output back onto its input, per axis:
/// top' = top * stride - padding, size' = (size - 1) * stride + kernel. Element-wise operations use <see cref="Identity"/>.
/// </summary>
public readonly record struct WindowMap(int KernelY, int KernelX, int StrideY, int StrideX, int PadY, int PadX)
{
    public static readonly WindowMap Identity = new(1, 1, 1, 1, 0, 0);

    public bool IsIdentity => this == Identity;

    public (long Top, long Left) MapOffset(long top, long left) => (top * StrideY - PadY, left * StrideX - PadX);

    public (int Height, int Width) MapSize(int height, int width) =>
        ((height - 1) * StrideY + KernelY, (width - 1) * StrideX + KernelX);
}
