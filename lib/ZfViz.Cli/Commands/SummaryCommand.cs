using System.CommandLine;
using System.Text.Json;
using ZfViz.Models;

namespace ZfViz.Cli.Commands;

/// <summary>zfviz summary: the layer table of a preset or of a network config JSON (shapes, parameters, FLOPs, receptive fields).</summary>
public static class SummaryCommand
{
    public static Command Create()
    {
        var model = ModelOption.Create("zfnet");
        var json = new Option<bool>("--json") { Description = "Print the rows as a JSON array" };
        var cmd = new Command("summary", "Show a model's layers: output shape, parameters, FLOPs, receptive field (size, jump, start)") { model, json };
        cmd.SetAction(r =>
        {
            var spec = ModelOption.Resolve(r.GetValue(model)!);
            var cfg = spec.Config;
            if (r.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(LayerSummary.Compute(cfg), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true }));
            else
            {
                Console.WriteLine($"{spec}: input {cfg.InputSize}x{cfg.InputSize}x{cfg.InputChannels}, {cfg.Classes} classes");
                Console.WriteLine(LayerSummary.ToText(cfg));
            }
            return 0;
        });
        return cmd;
    }
}
