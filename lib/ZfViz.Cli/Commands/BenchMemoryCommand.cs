using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Training;

namespace ZfViz.Cli.Commands;

/// <summary>zfviz bench-memory: resident memory over training steps and deconvnet projections (flat = freed as it goes).</summary>
public static class BenchMemoryCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = $"Preset: {string.Join(", ", Presets.Names)}", DefaultValueFactory = _ => "zfnet-cifar" };
        var steps = new Option<int>("--steps") { Description = "Training steps (mini-batches of synthetic gratings)", DefaultValueFactory = _ => 300 };
        var projections = new Option<int>("--projections") { Description = "Deconvnet projections of a map's strongest activation", DefaultValueFactory = _ => 2000 };
        var batch = new Option<int>("--batch") { Description = "Training batch size", DefaultValueFactory = _ => 32 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var cmd = new Command("bench-memory", "Show resident memory staying flat over training steps and deconvnet projections")
            { model, steps, projections, batch, json };
        cmd.SetAction(r =>
        {
            if (r.GetValue(steps) < 1) throw new UserInputException($"must be at least 1; got {r.GetValue(steps)}.", "--steps");
            if (r.GetValue(projections) < 1) throw new UserInputException($"must be at least 1; got {r.GetValue(projections)}.", "--projections");
            if (r.GetValue(batch) < 1) throw new UserInputException($"must be at least 1; got {r.GetValue(batch)}.", "--batch");
            var config = Presets.Get(r.GetValue(model)!);
            TorchRuntime.Initialize();
            bool asJson = r.GetValue(json);
            if (!asJson)
                Console.WriteLine($"{config.Name}: {r.GetValue(steps)} training steps (batch {r.GetValue(batch)}), then {r.GetValue(projections)} projections; resident memory (VmRSS)");
            var result = MemoryBenchmark.Run(config, r.GetValue(steps), r.GetValue(projections), r.GetValue(batch),
                asJson ? null : s => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {s.Phase,-8} {s.Done,6}  {s.ResidentMb,8:F1} MB  {s.LiveTensors,6} live tensors")));
            if (asJson)
                Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
            else
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"growth after warm-up: training {result.TrainingGrowthMb:+0.0;-0.0;0.0} MB, projections {result.ProjectionGrowthMb:+0.0;-0.0;0.0} MB, overall {result.GrowthMb:+0.0;-0.0;0.0} MB"));
            return 0;
        });
        return cmd;
    }
}
