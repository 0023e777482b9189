using System.Globalization;
using System.Text.Json.Serialization;

namespace ZfViz.Runtime.Numerics;

/// <summary>What one probe process measured under one oneDNN setting: ISA cap ("DEFAULT" = none), channel padding, layout.</summary>
public sealed record NumericsProbeResult(
    string Isa, bool PadChannels, IReadOnlyList<ConvCaseResult> Float32,
    [property: JsonPropertyName("bfloat16")] IReadOnlyList<ConvCaseResult>? BFloat16, double? StepMilliseconds,
    [property: JsonPropertyName("bfloat16_hardware")] bool BFloat16Hardware, bool ChannelsLast = false)
{
    public bool Float32Ok => Float32.All(c => c.Pass);
    [JsonPropertyName("bfloat16_ok")] public bool BFloat16Ok => BFloat16 is { Count: > 0 } b && b.All(c => c.Pass);

    /// <summary>The setting as the doctor names it: the ISA, with "+channels-last" and "+pad16" where they were on.</summary>
    public string Setting => NumericsDoctor.SettingName(Isa, PadChannels, ChannelsLast ? ConvLayout.ChannelsLast : ConvLayout.Default);

    /// <summary>The worst float32 case, e.g. "3->6 5x5/1 at 12x12: input gradient 0.27".</summary>
    public string WorstFloat32 => Worst(Float32);
    [JsonPropertyName("worst_bfloat16")] public string WorstBFloat16 => BFloat16 is null ? "not checked" : Worst(BFloat16);

    static string Worst(IReadOnlyList<ConvCaseResult> cases)
    {
        var worst = cases.MaxBy(c => c.Worst)!;
        return $"{worst.Case}: {worst.WorstPart()}";
    }

    /// <summary>Two runs of one setting as one: each case's worst errors (a case fails if it failed in either); the first's step time.</summary>
    public static NumericsProbeResult Worst(NumericsProbeResult a, NumericsProbeResult b) => a with
    {
        Float32 = Merge(a.Float32, b.Float32)!,
        BFloat16 = Merge(a.BFloat16, b.BFloat16),
    };

    static IReadOnlyList<ConvCaseResult>? Merge(IReadOnlyList<ConvCaseResult>? a, IReadOnlyList<ConvCaseResult>? b) =>
        a is null || b is null ? a ?? b
        : a.Zip(b, (x, y) => x with
        {
            Forward = Math.Max(x.Forward, y.Forward), InputGradient = Math.Max(x.InputGradient, y.InputGradient),
            WeightGradient = Math.Max(x.WeightGradient, y.WeightGradient), Transposed = Math.Max(x.Transposed, y.Transposed),
            Pass = x.Pass && y.Pass,
        }).ToList();

    public static string Format(double relativeError) =>
        double.IsInfinity(relativeError) ? "NaN/Inf" : relativeError.ToString("0.#e+0", CultureInfo.InvariantCulture);
}
