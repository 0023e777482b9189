using System.CommandLine;
using System.Text.Json;
using ZfViz.Runtime;
using ZfViz.Runtime.Numerics;

namespace ZfViz.Cli.Commands;

/// <summary>
/// zfviz doctor: checks libtorch's convolutions on this CPU against float64 under the default oneDNN kernels and,
/// where they are wrong, under ever lower ISA caps (each in a child process), and saves the first right setting as
/// this machine's verdict, which every ZFViz process then applies. Exit 0: a right setting exists; 1: none does.
/// </summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the saved verdict as JSON instead of a table" };
        var probe = new Option<bool>("--probe") { Description = "Internal: check this process's kernels and print JSON", Hidden = true };
        var candidates = new Option<string?>("--candidates")
        {
            Description = "Investigate instead of deciding: probe these settings (comma-separated ISA[+channels-last][+pad16], e.g. " +
                          "DEFAULT+channels-last,AVX2+pad16,SSE41) --runs times each in fresh processes and print their worst errors; saves nothing",
        };
        var runs = new Option<int>("--runs") { Description = "With --candidates: fresh processes per setting and batch", DefaultValueFactory = _ => 10 };
        var batches = new Option<string?>("--batches")
        {
            Description = "With --candidates: comma-separated batch sizes to run every shape at (large shapes capped; 'own' = each shape's own batch)",
        };
        var repeats = new Option<int>("--repeats") { Description = "Random draws per shape and dtype within one process", DefaultValueFactory = _ => NumericsProbe.DefaultRepeats };
        var batch = new Option<int?>("--batch") { Hidden = true };
        var seed = new Option<ulong?>("--seed") { Hidden = true };
        var noStep = new Option<bool>("--no-step") { Hidden = true };
        var noBf16 = new Option<bool>("--no-bf16") { Description = "With --candidates: float32 only" };
        var cmd = new Command("doctor",
            "Check this CPU's convolutions against float64 (default oneDNN kernels, channels-last, channel padding, capped ISAs) and " +
            $"save the first right setting for every ZFViz process (settings file: ${NumericsSettings.FileVariable}, else ~/.config/zfviz/numerics.json)")
            { json, probe, candidates, runs, batches, repeats, batch, seed, noStep, noBf16 };
        cmd.SetAction(r =>
        {
            if (r.GetValue(repeats) < 1) throw new UserInputException($"must be at least 1; got {r.GetValue(repeats)}.", "--repeats");
            if (r.GetValue(probe))
                return Probe(r.GetValue(repeats), r.GetValue(batch), r.GetValue(seed), !r.GetValue(noStep), !r.GetValue(noBf16));
            if (r.GetValue(candidates) is { } list)
                return Investigate(list, r.GetValue(runs), r.GetValue(batches), r.GetValue(repeats), !r.GetValue(noBf16), r.GetValue(json));
            return Check(r.GetValue(json));
        });
        return cmd;
    }

    static int Probe(int repeats, int? batch, ulong? seed, bool timeStep, bool bf16)
    {
        if (batch is < 1) throw new UserInputException($"must be at least 1; got {batch}.", "--batch");
        TorchRuntime.Initialize("cpu");
        var isa = Environment.GetEnvironmentVariable(NumericsDoctor.IsaVariable) is { Length: > 0 } v ? v : NumericsDoctor.NoCap; // padding, layout: their variables
        var result = seed is { } s
            ? NumericsProbe.Run(isa, bf16, timeStep, repeats, batch, s)
            : NumericsProbe.Run(isa, bf16, timeStep, repeats, batch);
        Console.WriteLine(NumericsDoctor.ProbeJson(result));
        return 0;
    }

    static int Investigate(string list, int runs, string? batchList, int repeats, bool bf16, bool json)
    {
        var settings = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => NumericsDoctor.ParseSetting(t, "--candidates")).ToList();
        if (settings.Count == 0) throw new UserInputException("name at least one setting, e.g. DEFAULT+channels-last.", "--candidates");
        if (runs < 1) throw new UserInputException($"must be at least 1; got {runs}.", "--runs");
        var batches = (batchList ?? "own").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(b =>
            b.Equals("own", StringComparison.OrdinalIgnoreCase) ? (int?)null
            : int.TryParse(b, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw new UserInputException($"'{b}' is not a batch size (a positive integer or 'own').", "--batches")).ToList();
        var cli = NumericsDoctor.FindCli() ?? throw new InvalidOperationException("cannot find zfviz.dll to run the probes with");
        Console.Error.WriteLine($"doctor: {settings.Count} settings x {batches.Count} batch sizes x {runs} fresh processes, {repeats} draws per shape " +
                                $"and dtype in each, {NumericsProbe.Cases.Count} shapes; nothing is saved");
        var summaries = NumericsInvestigation.Run(cli, settings, runs, batches, repeats, bf16, (c, b, i, r) => Console.Error.WriteLine(
            $"doctor: {c.Name,-28} batch {(b?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "own"),-4} run {i + 1,2}: " +
            $"float32 {(r.Float32Ok ? "right" : "WRONG")} (worst {r.WorstFloat32}); bfloat16 {(r.BFloat16 is null ? "-" : r.BFloat16Ok ? "right" : "WRONG")} (worst {r.WorstBFloat16})"));
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(summaries.Select(s => new
            {
                setting = s.Candidate.Name, runs = s.Runs, float32_failures = s.Float32Failures, bfloat16_failures = s.BFloat16Failures,
                worst_float32 = s.WorstFloat32.ToDictionary(p => p.Key, p => NumericsProbeResult.Format(p.Value)),
                worst_bfloat16 = s.WorstBFloat16.ToDictionary(p => p.Key, p => NumericsProbeResult.Format(p.Value)),
                worst_float32_case = s.WorstFloat32Case, worst_bfloat16_case = s.WorstBFloat16Case,
            }), new JsonSerializerOptions { WriteIndented = true }));
        else
            Console.Write(NumericsInvestigation.Table(summaries));
        return summaries.Any(s => s.NeverFailed) ? 0 : 1;
    }

    static int Check(bool json)
    {
        var cli = NumericsDoctor.FindCli() ?? throw new InvalidOperationException("cannot find zfviz.dll to run the probes with");
        var path = NumericsSettings.DefaultPath;
        Console.Error.WriteLine($"doctor: checking convolutions (forward, input and weight gradients, transposed) in float32 and bfloat16 " +
                                $"against float64 on {NumericsProbe.Cases.Count} shapes, one child process per oneDNN setting");
        var settings = NumericsDoctor.Check(cli, r => Console.Error.WriteLine(
            $"doctor: {r.Setting,-18} float32 {(r.Float32Ok ? "right" : "WRONG"),-5} (worst {r.WorstFloat32}); " +
            $"bfloat16 {(r.BFloat16Ok ? "right" : "wrong")} (worst {r.WorstBFloat16}); training step {r.StepMilliseconds:0} ms"));
        settings.Save(path);
        if (json)
            Console.WriteLine(File.ReadAllText(path).TrimEnd());
        else
        {
            Console.WriteLine($"{"setting",-18} {"float32",-8} {"worst float32 error",-48} {"bfloat16",-9} {"step ms",8}");
            foreach (var t in settings.Tried)
                Console.WriteLine($"{t.Isa,-18} {(t.Float32Ok ? "right" : "WRONG"),-8} {t.WorstFloat32,-48} {(t.BFloat16Ok ? "right" : "wrong"),-9} {t.StepMilliseconds,8:0}");
        }
        if (!settings.Float32Verified)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine("doctor: *** " + new UnsafeNumericsException(settings, path).Message + " ***");
            Console.Error.WriteLine($"doctor: verdict saved to {path}");
            return 1;
        }
        var status = NumericsStatus.From(settings, path);
        Console.Error.WriteLine($"doctor: {status.Verdict}");
        Console.Error.WriteLine($"doctor: bfloat16 convolutions under this setting: {(settings.BFloat16Verified ? "right" : "not right")}" +
                                $" ({(settings.BFloat16Hardware ? "" : "no ")}bfloat16 hardware)");
        Console.Error.WriteLine($"doctor: verdict saved to {path}; {NumericsDoctor.IsaVariable}, {ConvChannelPadding.Variable} or " +
                                $"{ConvChannelPadding.LayoutVariable} in the environment overrides it");
        return 0;
    }
}
