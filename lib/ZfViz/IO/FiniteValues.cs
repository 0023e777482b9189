using System.Globalization;
using static TorchSharp.torch;

namespace ZfViz.IO;

/// <summary>
/// NaN and infinity in what the user gives (inputs, weights) make every result meaningless while looking plausible,
/// so the CLI rejects them, naming the file, how many there are and where the first is. The library only checks when
/// <see cref="Enforced"/> is set (the CLI sets it unless --allow-nonfinite), so notebooks keep their own choice.
/// </summary>
public static class FiniteValues
{
    public const string AllowOption = "--allow-nonfinite";

    /// <summary>Whether inputs and weights read through Npy.ReadFloat32Tensor and Checkpoint.LoadWeights are checked.</summary>
    public static bool Enforced { get; set; }

    /// <summary>The count of non-finite elements and the index of the first (row-major), or (0, null).</summary>
    public static (long Count, long[]? First) Find(Tensor t)
    {
        if (!t.is_floating_point()) return (0, null);
        using var scope = NewDisposeScope();
        var bad = logical_not(isfinite(t.detach()));
        long count = bad.sum().item<long>();
        if (count == 0) return (0, null);
        long flat = bad.flatten().to_type(ScalarType.Byte).argmax().item<long>();
        var index = new long[t.dim()];
        for (int d = index.Length - 1; d >= 0; d--)
        {
            index[d] = flat % t.shape[d];
            flat /= t.shape[d];
        }
        return (count, index);
    }

    /// <summary>When enforced, throws a <see cref="UserInputException"/> for any NaN/Inf in <paramref name="t"/>.</summary>
    /// <param name="what">The file, with the tensor's name where it has one ("w.safetensors: tensor 'conv1.weight'").</param>
    public static void Require(Tensor t, string what, string? subject = null)
    {
        if (!Enforced) return;
        var (count, first) = Find(t);
        if (count == 0) return;
        throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {count} of {t.numel()} values are NaN or infinite (the first at [{string.Join(",", first!)}]); fix the data, or pass {AllowOption} to use it anyway."),
            subject);
    }

    /// <summary>
    /// A result about to be written or printed: NaN/Inf in it is an error (exit 2) unless the user allowed non-finite
    /// inputs, where it is a warning on stderr, since then it is what they asked for.
    /// </summary>
    public static void RequireResult(Tensor t, string what, Action<string>? warn = null)
    {
        var (count, first) = Find(t);
        if (count == 0) return;
        var text = string.Create(CultureInfo.InvariantCulture, $"{what}: {count} of {t.numel()} values are NaN or infinite (the first at [{string.Join(",", first!)}])");
        if (!Enforced) { (warn ?? Console.Error.WriteLine)($"zfviz: warning: {text}."); return; }
        throw new UserInputException($"{text}; the inputs or weights overflow float32 (values too large). Nothing was written.");
    }
}
