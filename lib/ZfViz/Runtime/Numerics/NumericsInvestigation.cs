using System.Globalization;
using System.Text;

namespace ZfViz.Runtime.Numerics;

/// <summary>
/// <c>zfviz doctor --candidates</c>: probes chosen settings many times, each run in a fresh child process (the wrong
/// kernels read uninitialised memory, so one clean run proves little), at several batch sizes, and keeps each setting's
/// worst errors. Nothing is saved: it is evidence for choosing (or adding) a doctor candidate, not a verdict.
/// </summary>
public static class NumericsInvestigation
{
    /// <summary>One setting's runs: how many failed and the worst relative error of each dtype and quantity.</summary>
    public sealed record Summary(NumericsCandidate Candidate, int Runs, int Float32Failures, int BFloat16Failures,
        IReadOnlyDictionary<string, double> WorstFloat32, IReadOnlyDictionary<string, double> WorstBFloat16,
        string WorstFloat32Case, string WorstBFloat16Case, IReadOnlyList<NumericsProbeResult> Results)
    {
        public bool NeverFailed => Float32Failures == 0;
    }

    static readonly string[] Parts = ["forward", "input gradient", "weight gradient", "transposed"];

    /// <summary>
    /// Probes every candidate <paramref name="runs"/> times at each batch (null: the cases' own batches), a fresh
    /// child and a fresh random seed per run; <paramref name="progress"/> hears each run.
    /// </summary>
    public static IReadOnlyList<Summary> Run(string zfvizDll, IReadOnlyList<NumericsCandidate> candidates, int runs, IReadOnlyList<int?> batches,
        int repeatsPerRun, bool includeBFloat16, Action<NumericsCandidate, int?, int, NumericsProbeResult>? progress = null)
    {
        var summaries = new List<Summary>();
        foreach (var candidate in candidates)
        {
            var results = new List<NumericsProbeResult>();
            foreach (var batch in batches)
                for (var run = 0; run < runs; run++)
                {
                    var args = new List<string> { "--repeats", repeatsPerRun.ToString(CultureInfo.InvariantCulture), "--no-step",
                        "--seed", (1000 + 7919 * run + (batch ?? 0)).ToString(CultureInfo.InvariantCulture) };
                    if (batch is { } b) args.AddRange(["--batch", b.ToString(CultureInfo.InvariantCulture)]);
                    if (!includeBFloat16) args.Add("--no-bf16");
                    var result = NumericsDoctor.ProbeInChild(zfvizDll, candidate, args);
                    results.Add(result);
                    progress?.Invoke(candidate, batch, run, result);
                }
            summaries.Add(Summarise(candidate, results));
        }
        return summaries;
    }

    public static Summary Summarise(NumericsCandidate candidate, IReadOnlyList<NumericsProbeResult> results)
    {
        var f32 = results.SelectMany(r => r.Float32).ToList();
        var bf16 = results.SelectMany(r => r.BFloat16 ?? []).ToList();
        return new Summary(candidate, results.Count, results.Count(r => !r.Float32Ok), results.Count(r => r.BFloat16 is { Count: > 0 } && !r.BFloat16Ok),
            WorstByPart(f32), WorstByPart(bf16), WorstCase(f32), WorstCase(bf16), results);
    }

    static Dictionary<string, double> WorstByPart(List<ConvCaseResult> cases) => Parts.ToDictionary(p => p, p => cases.Count == 0 ? 0 : cases.Max(c => p switch
    {
        "forward" => c.Forward,
        "input gradient" => c.InputGradient,
        "weight gradient" => c.WeightGradient,
        _ => c.Transposed,
    }));

    static string WorstCase(List<ConvCaseResult> cases) =>
        cases.Count == 0 ? "not checked" : cases.MaxBy(c => c.Worst) is var w ? $"{w!.Case} batch {w.Batch}: {w.WorstPart()}" : "";

    /// <summary>A table: per setting, runs, failures and the worst error of each quantity, float32 then bfloat16.</summary>
    public static string Table(IReadOnlyList<Summary> summaries)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{"setting",-28} {"runs",4}  {"dtype",-8} {"failed",6}  {"forward",8} {"in grad",8} {"w grad",8} {"transp",8}  worst case");
        foreach (var s in summaries)
        {
            Row(s, "float32", s.Float32Failures, s.WorstFloat32, s.WorstFloat32Case, s.Candidate.Name, s.Runs);
            Row(s, "bfloat16", s.BFloat16Failures, s.WorstBFloat16, s.WorstBFloat16Case, "", null);
        }
        return sb.ToString();

        void Row(Summary s, string dtype, int failed, IReadOnlyDictionary<string, double> worst, string worstCase, string name, int? runs) =>
            sb.AppendLine($"{name,-28} {(runs is { } n ? n.ToString(CultureInfo.InvariantCulture) : ""),4}  {dtype,-8} {failed,6}  " +
                          string.Join(' ', Parts.Select(p => $"{NumericsProbeResult.Format(worst[p]),8}")) + $"  {worstCase}");
    }
}
