using System.CommandLine;
using System.Globalization;
using ZfViz.Deconv;
using ZfViz.IO;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Cli.Commands;

/// <summary>
/// zfviz project: the deconvnet projection [C,H,W] of the strongest activation of one feature map (ReLU output;
/// ties: first in row-major order) of one image, for a preset or a network config JSON (<see cref="ModelSpec"/>) with --weights; prints "position y=Y x=X value=V" (V round-trip float32).
/// <c>--model resnet18-imagenet</c>: the ImageNet ResNet-18 with the weights from its NuGet package (passing
/// --weights is an error); --layer names a stage (conv1, pool1, layer1 .. layer4; activation = the stage's output,
/// after its final ReLU), the input is the network's own preprocessed input [1,3,224,224] (BGR minus the mean image)
/// and the projection is written in that same BGR input space.
/// </summary>
public static class ProjectCommand
{
    public static Command Create()
    {
        var model = ModelOption.Create(null, [ResNet18Cli.ModelName]);
        var weights = new Option<string?>("--weights") { Description = "Weights (.safetensors, PyTorch names conv1.weight ... fc8.bias, shaped for the preset or config; e.g. a run folder's model.safetensors); required, except for resnet18-imagenet, where it is an error" };
        var input = new Option<string>("--input") { Description = "Network input [1,C,H,W] as float32 .npy (C order)", Required = true };
        var layer = new Option<string>("--layer") { Description = "conv1 .. conv5 (resnet18-imagenet: conv1, pool1, layer1 .. layer4)", Required = true };
        var feature = new Option<int>("--feature") { Description = "Feature map index in the layer", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the projection [C,H,W] (float32 .npy)", Required = true };
        var cmd = new Command("project", "Project the strongest activation of one feature map back to pixels (deconvnet, Sec. 2.1)")
            { model, weights, input, layer, feature, output };
        cmd.SetAction(r =>
        {
            var result = Run(r.GetValue(model)!, r.GetValue(weights), r.GetValue(input)!, r.GetValue(layer)!, r.GetValue(feature), r.GetValue(output)!);
            Console.WriteLine(result);
            return 0;
        });
        return cmd;
    }

    public static string Run(string preset, string? weightsPath, string inputPath, string layerName, int feature, string outPath)
    {
        OutputPath.CheckFile(outPath, "--out", inputPath, weightsPath);
        if (ResNet18Cli.IsResNet(preset)) return RunResNet(weightsPath, inputPath, layerName, feature, outPath);
        var spec = ModelOption.Resolve(preset, [ResNet18Cli.ModelName]);
        if (weightsPath is null) throw new UserInputException($"is required for {spec} (a preset's or config's network has no weights of its own).", "--weights");
        Runtime.TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        var (net, x, deconv, layer) = PresetModel.Prepare(preset, weightsPath, inputPath, layerName, feature, single: true);
        using var _ = net;
        var (point, projection) = deconv.ProjectStrongest(x, layer, feature);
        CheckResult(point.Value, projection, outPath);
        Npy.Write(outPath, projection.contiguous());
        return Format(point);
    }

    static string RunResNet(string? weightsPath, string inputPath, string stage, int feature, string outPath)
    {
        ResNet18Cli.CheckNoWeights(weightsPath);
        ResNet18Cli.CheckStageAndFeature(stage, feature);
        Runtime.TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        var x = Npy.ReadFloat32Tensor(inputPath);
        ResNet18Cli.CheckInput(x, inputPath, single: true);
        var model = ResNet18Cli.Model;
        var p = ResNet18Deconv.Project(model, x, stage, feature);
        CheckResult(p.Value, p.Image, outPath);
        Npy.Write(outPath, p.Image.contiguous());
        return Format(new ActivationPoint(0, feature, p.Y, p.X, p.Value));
    }

    /// <summary>A NaN/Inf activation or projection is an error (a warning under --allow-nonfinite), never a silent result.</summary>
    static void CheckResult(float value, Tensor projection, string outPath)
    {
        using var v = tensor(new[] { value });
        FiniteValues.RequireResult(v, $"{outPath}: the strongest activation");
        FiniteValues.RequireResult(projection, $"{outPath}: the projection");
    }

    public static string Format(ActivationPoint p) =>
        string.Create(CultureInfo.InvariantCulture, $"position y={p.Y} x={p.X} value={p.Value:R}");
}
