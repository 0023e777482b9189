using System.Text;
using System.Text.Json;

namespace ZfViz.Training;

/// <summary>A run's per-epoch metrics as JSON lines (one <see cref="EpochMetrics"/> object per line, snake_case keys).</summary>
public static class MetricsLog
{
    public const string FileName = "metrics.jsonl";

    static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string ToLine(EpochMetrics m) => JsonSerializer.Serialize(m, Options);

    /// <summary>Rewrites the whole log atomically (it is small), so a kill never leaves a half line.</summary>
    public static void Write(string path, IEnumerable<EpochMetrics> metrics)
    {
        var sb = new StringBuilder();
        foreach (var m in metrics) sb.Append(ToLine(m)).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    public static List<EpochMetrics> Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"No metrics log at {path}.", path);
        var list = new List<EpochMetrics>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try { list.Add(JsonSerializer.Deserialize<EpochMetrics>(line, Options)!); }
            catch (JsonException e) { throw new UserInputException($"{path}:{lineNo}: not a metrics line ({e.Message}).", inner: e); }
        }
        return list;
    }
}
