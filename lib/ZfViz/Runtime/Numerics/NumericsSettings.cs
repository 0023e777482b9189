using System.Text.Json;
using System.Text.Json.Serialization;
using ZfViz.Training;

namespace ZfViz.Runtime.Numerics;

/// <summary>
/// The verdict of <c>zfviz doctor</c> for this machine, kept in a small settings file:
/// <c>$ZFVIZ_NUMERICS_FILE</c>, else <c>$XDG_CONFIG_HOME/zfviz/numerics.json</c>, else <c>~/.config/zfviz/numerics.json</c>.
/// <see cref="OnednnMaxCpuIsa"/> is the oneDNN ISA cap every ZFViz process applies before libtorch loads (null: none
/// needed); <see cref="PadChannels"/>: convolutions pad odd channel counts to multiples of 16
/// (<see cref="ConvChannelPadding"/>); <see cref="ConvLayout"/> "channels-last": convolutions run on NHWC copies (null: as
/// the tensors come). A verdict holds for one CPU, one libtorch and one format; one written for another is stale, and
/// the guard checks again. Format 2 (before the layout) is still read, as stale: its doctor never tried channels-last.
/// </summary>
public sealed record NumericsSettings(
    int Format, string? OnednnMaxCpuIsa, bool PadChannels, bool Float32Verified, [property: JsonPropertyName("bfloat16_verified")] bool BFloat16Verified,
    [property: JsonPropertyName("bfloat16_hardware")] bool BFloat16Hardware,
    string Cpu, [property: JsonPropertyName("torchsharp")] string TorchSharp, DateTimeOffset CheckedAt, double? DefaultStepMilliseconds, double? StepMilliseconds,
    IReadOnlyList<NumericsTrial> Tried, string? ConvLayout = null)
{
    public const int CurrentFormat = 3;

    /// <summary>The oldest format still read (as a stale verdict that the guard replaces).</summary>
    public const int OldestReadableFormat = 2;
    public const string FileVariable = "ZFVIZ_NUMERICS_FILE";

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // "3->6", not "3-\u003E6"
    };

    public static string DefaultPath
    {
        get
        {
            if (Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } f) return Path.GetFullPath(f);
            var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } x
                ? x
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return Path.Combine(config, "zfviz", "numerics.json");
        }
    }

    /// <summary>A training step under the cap takes this many times as long as without it (null: not measured).</summary>
    public double? Cost => DefaultStepMilliseconds is > 0 && StepMilliseconds is > 0 ? StepMilliseconds / DefaultStepMilliseconds : null;

    /// <summary>Whether this verdict was reached on this CPU and this libtorch, by this version's doctor.</summary>
    public bool IsFor(string cpu, string torchSharp) => Format == CurrentFormat && Cpu == cpu && TorchSharp == torchSharp;

    /// <summary>The layout the verdict runs convolutions in.</summary>
    [JsonIgnore] public ConvLayout Layout => Numerics.ConvLayouts.Parse(ConvLayout, "conv_layout");

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Reads a settings file; null if there is none. A file that is not a valid verdict is the user's to fix.</summary>
    public static NumericsSettings? Load(string path)
    {
        if (!File.Exists(path)) return null;
        NumericsSettings? s;
        try { s = JsonSerializer.Deserialize<NumericsSettings>(File.ReadAllText(path), Json); }
        catch (JsonException e)
        {
            throw new UserInputException($"not a valid numerics settings file ({e.Message}). Delete it or run 'zfviz doctor' to write it again.", path, e);
        }
        if (s is null || s.Format is < OldestReadableFormat or > CurrentFormat || s.Cpu is null || s.TorchSharp is null || s.Tried is null)
            throw new UserInputException(
                $"not a numerics settings file of format {CurrentFormat} (missing fields). Delete it or run 'zfviz doctor' to write it again.", path);
        if (s.OnednnMaxCpuIsa is not null && !NumericsDoctor.KnownIsas.Contains(s.OnednnMaxCpuIsa))
            throw new UserInputException(
                $"onednn_max_cpu_isa '{s.OnednnMaxCpuIsa}' is not a oneDNN ISA ({string.Join(", ", NumericsDoctor.KnownIsas)}). " +
                "Delete the file or run 'zfviz doctor' to write it again.", path);
        if (s.ConvLayout is not (null or ConvLayouts.ChannelsLastName))
            throw new UserInputException(
                $"conv_layout '{s.ConvLayout}' is not a layout ({ConvLayouts.ChannelsLastName} or null). Delete the file or run 'zfviz doctor' to write it again.", path);
        return s;
    }
}

/// <summary>One setting the doctor tried, and what its probe found.</summary>
public sealed record NumericsTrial(
    string Isa, bool Float32Ok, [property: JsonPropertyName("bfloat16_ok")] bool BFloat16Ok, string WorstFloat32,
    [property: JsonPropertyName("worst_bfloat16")] string WorstBFloat16, double? StepMilliseconds);
