using TorchSharp;
using static TorchSharp.torch;

namespace ZfViz.Runtime;

/// <summary>
/// Scalars for the constants that hot paths pass to libtorch, made once and held for the life of the process.
/// TorchSharp turns a number in an expression (<c>x * 2f</c>, <c>clamp(0, 1)</c>, <c>x.lt(h)</c>) into a temporary
/// Scalar that only the GC's finalizer frees, and also makes one inside <c>a + b</c> and <c>add_(b)</c> (alpha 1),
/// <c>square()</c> and <c>arange(n)</c> (start 0, step 1). Once the native call has the Scalar's handle the object is
/// unreachable, so a collection triggered by another thread can free it while libtorch still reads it (the
/// "Scalar.h INTERNAL ASSERT" aborts). Pass these, or a Scalar held in a <c>using</c> variable, instead.
/// </summary>
public static class HeldScalars
{
    // An explicit static constructor: the Scalars are made on first use (after TorchRuntime.Initialize), not earlier.
    static HeldScalars() { }

    public static readonly Scalar Zero = 0.ToScalar();
    public static readonly Scalar One = 1.ToScalar();
    public static readonly Scalar Two = 2.ToScalar();
    public static readonly Scalar Half = 0.5.ToScalar();
    public static readonly Scalar ByteMax = 255.ToScalar();

    /// <summary><c>arange(count)</c> without its temporary Scalars: 0, 1, ..., count - 1.</summary>
    public static Tensor Arange(long count, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        using var stop = count.ToScalar();
        return arange(Zero, stop, One, dtype, device);
    }
}
