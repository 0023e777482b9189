using System.CommandLine;
using System.Text.Json;
using ZfViz.Runtime;

namespace ZfViz.Cli.Commands;

/// <summary>zfviz info: versions, device, threads, profile and where data and models are looked for.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };
        var cmd = new Command("info", "Show versions, device (CPU/CUDA), threads, profile, and the data and model folders") { json };
        cmd.SetAction(r =>
        {
            var info = EnvironmentInfo.Collect();
            if (r.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(info, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
            else
                foreach (var (label, value) in info.Rows()) Console.WriteLine($"{label,-15} {value}");
            // A wrong setting is the user's input (exit 2, after the table, so they see the rest); libtorch not loading is 1.
            if (info.ConfigError is not null) Console.Error.WriteLine($"zfviz: error: {info.ConfigError}");
            return info.ConfigError is not null ? CliRunner.BadInput : info.TorchError is null ? 0 : 1;
        });
        return cmd;
    }
}
