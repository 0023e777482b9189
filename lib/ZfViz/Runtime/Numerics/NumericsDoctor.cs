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
    /// The settings tried, fastest first: no cap; no cap with every convolution on channels-last (NHWC) copies (on an
    /// affected AMD EPYC the wrong kernels were the NCHW ones: channels-last was right in every one of dozens of fresh
    /// processes, docs/speed-measurements.md); no cap with odd channel counts padded to multiples of 16 (most wrong
    /// NCHW results are on those); last the SSE4.1 kernels, which were right on every shape and every test here.
    /// Capped AVX-512 and AVX2 kernels are not tried: on that EPYC they were wrong on odd counts even at AVX2 (with
    /// channels-last too), and with padding AVX-512 was still wrong on 48->96 5x5/2; AVX2 with padding passed the
    /// probe's shapes, but nothing beyond them was shown, and a verdict must hold for a user's own what-if shapes too.
    /// </summary>
    public static IReadOnlyList<NumericsCandidate> Candidates { get; } =
    [
        new(NoCap, false, ConvLayout.Default), new(NoCap, false, ConvLayout.ChannelsLast), new(NoCap, true, ConvLayout.Default),
        new("SSE41", false, ConvLayout.Default),
    ];

    /// <summary>
    /// Fresh processes a setting must pass before it is the verdict: the wrong kernels read uninitialised memory and
    /// are right in some runs, so one clean run of a setting proves less than a wrong run disproves.
    /// </summary>
    public const int ConfirmingRuns = 3;

    /// <summary>A setting's name: the ISA, then "+channels-last" and "+pad16" where they are on (e.g. "DEFAULT+channels-last").</summary>
    public static string SettingName(string isa, bool pad, ConvLayout layout) =>
        isa + (layout == ConvLayout.ChannelsLast ? "+" + ConvLayouts.ChannelsLastName : "") + (pad ? "+pad16" : "");

    /// <summary>Parses a setting name as <see cref="SettingName"/> writes it (for <c>zfviz doctor --candidates</c>).</summary>
    public static NumericsCandidate ParseSetting(string text, string subject)
    {
        var parts = text.Trim().Split('+', StringSplitOptions.TrimEntries);
        var isa = parts[0].ToUpperInvariant();
        if (!KnownIsas.Contains(isa))
            throw new UserInputException($"'{parts[0]}' in '{text}' is not a oneDNN ISA ({string.Join(", ", KnownIsas)}).", subject);
        bool pad = false;
        var layout = ConvLayout.Default;
        foreach (var part in parts.Skip(1))
        {
            if (part.Equals("pad16", StringComparison.OrdinalIgnoreCase)) pad = true;
            else if (part.Equals(ConvLayouts.ChannelsLastName, StringComparison.OrdinalIgnoreCase)) layout = ConvLayout.ChannelsLast;
            else throw new UserInputException($"'{part}' in '{text}' is not an option; use ISA[+{ConvLayouts.ChannelsLastName}][+pad16], e.g. DEFAULT+channels-last.", subject);
        }
        return new NumericsCandidate(isa, pad, layout);
    }

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
        foreach (var candidate in Candidates)
        {
            var result = ProbeInChild(zfvizDll, candidate);
            progress?.Invoke(result);
            for (var run = 1; run < ConfirmingRuns && result.Float32Ok; run++)
            {
                var again = ProbeInChild(zfvizDll, candidate, ["--no-step", "--seed", (20141112 + 7919 * run).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                progress?.Invoke(again);
                result = NumericsProbeResult.Worst(result, again);
            }
            tried.Add(result);
            if (result.Float32Ok) break;
        }
        var chosen = tried[^1];
        return new NumericsSettings(
            NumericsSettings.CurrentFormat,
            chosen.Float32Ok && chosen.Isa != NoCap ? chosen.Isa : null, chosen.Float32Ok && chosen.PadChannels,
            chosen.Float32Ok, chosen.Float32Ok && chosen.BFloat16Ok, chosen.BFloat16Hardware,
            CpuIdentity(), TorchSharpVersion, DateTimeOffset.UtcNow,
            tried[0].StepMilliseconds, chosen.StepMilliseconds,
            tried.Select(t => new NumericsTrial(t.Setting, t.Float32Ok, t.BFloat16Ok, t.WorstFloat32, t.WorstBFloat16, t.StepMilliseconds)).ToList(),
            chosen.Float32Ok && chosen.ChannelsLast ? ConvLayouts.ChannelsLastName : null);
    }

    /// <summary>
    /// Runs <c>zfviz doctor --probe</c> under one setting (ISA cap, channel padding, layout) and reads its JSON.
    /// <paramref name="probeArguments"/> go to the probe (e.g. --repeats 10 --batch 32).
    /// </summary>
    public static NumericsProbeResult ProbeInChild(string zfvizDll, NumericsCandidate candidate, IEnumerable<string>? probeArguments = null,
        int timeoutSeconds = 1800)
    {
        var (isa, pad, layout) = candidate;
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(zfvizDll);
        psi.ArgumentList.Add("doctor");
        psi.ArgumentList.Add("--probe");
        foreach (var a in probeArguments ?? []) psi.ArgumentList.Add(a);
        psi.Environment[IsaVariable] = isa;
        psi.Environment[ConvChannelPadding.Variable] = pad ? "1" : "0";
        psi.Environment[ConvChannelPadding.LayoutVariable] = layout == ConvLayout.ChannelsLast ? ConvLayouts.ChannelsLastName : ConvLayouts.DefaultName;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start dotnet {zfvizDll}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"the numerics probe under {candidate.Name} did not finish in {timeoutSeconds} s");
        }
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"the numerics probe under {candidate.Name} failed (exit {p.ExitCode}): {LastLines(stderr.Result, 5)}");
        return JsonSerializer.Deserialize<NumericsProbeResult>(stdout.Result, Json)
               ?? throw new InvalidOperationException($"the numerics probe under {candidate.Name} printed no result");
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
