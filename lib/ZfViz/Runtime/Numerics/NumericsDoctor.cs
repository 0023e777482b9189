using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ZfViz.Runtime.Numerics;

/// <summary>
/// Finds a oneDNN setting under which this CPU's convolutions are right. oneDNN reads its ISA cap once, when libtorch
/// loads, so every setting is probed in a child process (<c>zfviz doctor --probe</c> with ONEDNN_MAX_CPU_ISA set):
/// first no cap, then ever lower caps; the first setting whose float32 results agree with float64 is the verdict.
/// </summary>
public static class NumericsDoctor
{
    public const string IsaVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>"No cap" in oneDNN's own words.</summary>
    public const string NoCap = "DEFAULT";

    /// <summary>
    /// The settings tried, fastest first: no cap; no cap with odd channel counts padded to multiples of 16 (most
    /// wrong results are on those); last the SSE4.1 kernels, which were right on every shape and every test here.
    /// Capped AVX-512 and AVX2 kernels are not tried: on an affected AMD EPYC they were wrong on odd counts even at
    /// AVX, and with padding AVX-512 was still wrong on 48->96 5x5/2; AVX2 with padding passed the probe's shapes,
    /// but nothing beyond them was shown, and a verdict must hold for a user's own what-if shapes too.
    /// </summary>
    public static IReadOnlyList<(string Isa, bool Pad)> Candidates { get; } = [(NoCap, false), (NoCap, true), ("SSE41", false)];

    /// <summary>Every value oneDNN 3.7 accepts for ONEDNN_MAX_CPU_ISA.</summary>
    public static IReadOnlySet<string> KnownIsas { get; } = new HashSet<string>
    {
        NoCap, "SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE", "AVX512_CORE_VNNI", "AVX512_CORE_BF16",
        "AVX10_1_512", "AVX512_CORE_FP16", "AVX10_1_512_AMX", "AVX512_CORE_AMX", "AVX10_1_512_AMX_FP16", "AVX512_CORE_AMX_FP16",
    };

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals, // NaN/Inf errors
    };

    public static string TorchSharpVersion =>
        typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?";

    /// <summary>The CPU a verdict holds for: its model name and a digest of its feature flags.</summary>
    public static string CpuIdentity()
    {
        var flags = string.Join(' ', Bf16Hardware.CpuFlags().Order(StringComparer.Ordinal));
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(flags)))[..12];
        return $"{Bf16Hardware.CpuModel()} (flags {digest})";
    }

    /// <summary>Probes the candidates in child processes until one is right; <paramref name="progress"/> hears each result.</summary>
    public static NumericsSettings Check(string zfvizDll, Action<NumericsProbeResult>? progress = null)
    {
        var tried = new List<NumericsProbeResult>();
        foreach (var (isa, pad) in Candidates)
        {
            var result = ProbeInChild(zfvizDll, isa, pad);
            tried.Add(result);
            progress?.Invoke(result);
            if (result.Float32Ok) break;
        }
        var chosen = tried[^1];
        return new NumericsSettings(
            NumericsSettings.CurrentFormat,
            chosen.Float32Ok && chosen.Isa != NoCap ? chosen.Isa : null, chosen.Float32Ok && chosen.PadChannels,
            chosen.Float32Ok, chosen.Float32Ok && chosen.BFloat16Ok, chosen.BFloat16Hardware,
            CpuIdentity(), TorchSharpVersion, DateTimeOffset.UtcNow,
            tried[0].StepMilliseconds, chosen.StepMilliseconds,
            tried.Select(t => new NumericsTrial(t.Setting, t.Float32Ok, t.BFloat16Ok, t.WorstFloat32, t.WorstBFloat16, t.StepMilliseconds)).ToList());
    }

    /// <summary>Runs <c>zfviz doctor --probe</c> under one ISA setting (with or without channel padding) and reads its JSON.</summary>
    public static NumericsProbeResult ProbeInChild(string zfvizDll, string isa, bool pad, int timeoutSeconds = 600)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(zfvizDll);
        psi.ArgumentList.Add("doctor");
        psi.ArgumentList.Add("--probe");
        psi.Environment[IsaVariable] = isa;
        psi.Environment[ConvChannelPadding.Variable] = pad ? "1" : "0";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start dotnet {zfvizDll}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"the numerics probe under {IsaVariable}={isa} did not finish in {timeoutSeconds} s");
        }
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"the numerics probe under {IsaVariable}={isa} failed (exit {p.ExitCode}): {LastLines(stderr.Result, 5)}");
        return JsonSerializer.Deserialize<NumericsProbeResult>(stdout.Result, Json)
               ?? throw new InvalidOperationException($"the numerics probe under {IsaVariable}={isa} printed no result");
    }

    static string LastLines(string text, int n) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("NNPACK")).TakeLast(n));

    public static string ProbeJson(NumericsProbeResult result) => JsonSerializer.Serialize(result, Json);

    /// <summary>The zfviz program that runs probes: this process's own, one beside this library, or the repository's build.</summary>
    public static string? FindCli()
    {
        var candidates = new List<string?>
        {
            Assembly.GetEntryAssembly()?.Location is { Length: > 0 } entry && Path.GetFileName(entry) == "zfviz.dll" ? entry : null,
            Path.Combine(AppContext.BaseDirectory, "zfviz.dll"),
            Path.GetDirectoryName(typeof(NumericsDoctor).Assembly.Location) is { Length: > 0 } lib ? Path.Combine(lib, "zfviz.dll") : null,
        };
        if (ZfVizPaths.FindRepoRoot() is { } root)
            candidates.Add(Path.Combine(root, "lib", "ZfViz.Cli", "bin", "Release", "net10.0", "zfviz.dll"));
        return candidates.FirstOrDefault(File.Exists);
    }
}
