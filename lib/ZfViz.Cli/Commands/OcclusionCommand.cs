using System.CommandLine;
using System.Globalization;
using SixLabors.ImageSharp;
using ZfViz.Analysis;
using ZfViz.Deconv;
using ZfViz.IO;
using ZfViz.Viz;
using static TorchSharp.torch;

namespace ZfViz.Cli.Commands;

/// <summary>
/// zfviz occlusion (Sec. 4.4, Fig. 7): slides a square of the data's mean (0 in the mean-subtracted input) over one
/// image and writes, per position, the chosen map's total activation (DIR/activation.npy [gh,gw]), p(class)
/// (DIR/probability.npy) and the most probable class as float32 indices (DIR/top_class.npy), plus DIR/occlusion.png
/// (the figure's row of panels; the input is shown min-max scaled). <c>--model resnet18-imagenet</c> has no
/// classifier: activation.npy and the figure only. The outputs are written into a temporary folder that is then
/// renamed (or its files moved) into DIR, so a failure writes nothing.
/// </summary>
public static class OcclusionCommand
{
    public static Command Create()
    {
        var model = ModelOption.Create(null, [ResNet18Cli.ModelName]);
        var weights = new Option<string?>("--weights") { Description = "Weights (.safetensors, PyTorch names conv1.weight ... fc8.bias, shaped for the preset or config); required, except for resnet18-imagenet, where it is an error" };
        var input = new Option<string>("--input") { Description = "Network input [1,C,H,W] as float32 .npy (mean-subtracted)", Required = true };
        var size = new Option<int>("--size") { Description = "Side of the grey square in pixels", DefaultValueFactory = _ => 8 };
        var stride = new Option<int>("--stride") { Description = "Step between square positions in pixels", DefaultValueFactory = _ => 2 };
        var layer = new Option<string?>("--layer") { Description = "Layer of the feature map (default: the top conv layer; resnet18-imagenet: layer4)" };
        var feature = new Option<int?>("--feature") { Description = "Feature map (default: the strongest on the unoccluded image, see --strongest)" };
        var strongest = new Option<string>("--strongest") { Description = "Without --feature: the map with the largest total or the largest single activation (total, peak)", DefaultValueFactory = _ => "total" };
        var cls = new Option<int?>("--class") { Description = "Class whose probability is mapped (default: the unoccluded image's most probable class)" };
        var output = new Option<string>("--out") { Description = "Output folder (created; its parent must exist)", Required = true };
        var force = new Option<bool>("--force") { Description = "Write into --out even if it is a non-empty folder without earlier occlusion output" };
        var cmd = new Command("occlusion", "Occlusion sensitivity: slide a grey square over an image (Sec. 4.4, Fig. 7)")
            { model, weights, input, size, stride, layer, feature, strongest, cls, output, force };
        cmd.SetAction(r =>
        {
            Console.WriteLine(Run(r.GetValue(model)!, r.GetValue(weights), r.GetValue(input)!, r.GetValue(size), r.GetValue(stride),
                r.GetValue(layer), r.GetValue(feature), r.GetValue(cls), r.GetValue(output)!, ParseStrength(r.GetValue(strongest)!), r.GetValue(force)));
            return 0;
        });
        return cmd;
    }

    /// <summary>Runs the occlusion and writes DIR; returns the printed summary.</summary>
    public static string Run(string preset, string? weightsPath, string inputPath, int size, int stride, string? layerName,
        int? feature, int? targetClass, string outDir, MapStrength strongest = MapStrength.Total, bool force = false)
    {
        var full = OutputPath.CheckFolder(outDir, "--out", force, OutputFiles, inputPath, weightsPath);
        if (size < 1) throw new UserInputException($"--size {size}: must be at least 1.");
        if (stride < 1) throw new UserInputException($"--stride {stride}: must be at least 1.");
        Runtime.TorchRuntime.Initialize();
        using var scope = NewDisposeScope();

        OcclusionResult result;
        Tensor x, projection;
        IDisposable? owned = null;
        if (ResNet18Cli.IsResNet(preset))
        {
            ResNet18Cli.CheckNoWeights(weightsPath);
            var stage = layerName ?? "layer4";
            ResNet18Cli.CheckStage(stage);
            if (feature is { } f) ResNet18Cli.CheckStageAndFeature(stage, f);
            if (targetClass is not null) throw new UserInputException($"--class: {ResNet18Cli.ModelName} has no classifier (its export ends at global pooling).");
            x = Npy.ReadFloat32Tensor(inputPath);
            ResNet18Cli.CheckInput(x, inputPath, single: true);
            CheckSize(size, x);
            result = Occlusion.Measure(ResNet18Cli.Model, x, size, stride, stage, feature, strongest: strongest);
            projection = Occlusion.Projection(ResNet18Cli.Model, x, result).flip(0); // BGR -> RGB like the shown image
            x = x.flip(1);
        }
        else
        {
            var spec = ModelOption.Resolve(preset, [ResNet18Cli.ModelName]);
            if (weightsPath is null) throw new UserInputException($"is required for {spec} (a preset's or config's network has no weights of its own).", "--weights");
            x = Npy.ReadFloat32Tensor(inputPath);
            var net = PresetModel.Load(preset, weightsPath);
            owned = net;
            PresetModel.CheckInput(net.Config, x, inputPath, single: true);
            CheckSize(size, x);
            var deconv = Deconvnet.FromModule(net);
            var layer = layerName ?? deconv.Layers[^1].Name;
            int index = deconv.IndexOf(layer);
            int maps = deconv.Layers[index].Channels;
            if (feature is { } f && (f < 0 || f >= maps)) throw new UserInputException($"--feature {f}: {layer} has feature maps 0..{maps - 1}.");
            if (targetClass is { } k && (k < 0 || k >= net.Config.Classes)) throw new UserInputException($"--class {k}: {net.Config.Name} has classes 0..{net.Config.Classes - 1}.");
            result = Occlusion.Measure(net, x, size, stride, layer, feature, targetClass, strongest: strongest);
            projection = Occlusion.Projection(net, x, result);
        }
        using var _ = owned;
        using (var activation = tensor(result.Activation.Cast<float>().ToArray()))
            FiniteValues.RequireResult(activation, $"{outDir}: the occlusion map");

        var tmp = full + ".zfviz-tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(tmp);
        try
        {
            long[] grid = [result.GridHeight, result.GridWidth];
            Npy.Write(Path.Combine(tmp, "activation.npy"), result.Activation.Cast<float>().ToArray(), grid);
            if (result.Classifier is { Probability: var p, TopClass: var top })
            {
                Npy.Write(Path.Combine(tmp, "probability.npy"), p.Cast<float>().ToArray(), grid);
                Npy.Write(Path.Combine(tmp, "top_class.npy"), top.Cast<int>().Select(k => (float)k).ToArray(), grid);
            }
            using (var figure = OcclusionFigure.Render(result, Shown(x[0]), projection, scale: Math.Max(1, 128 / result.ImageWidth)))
                figure.SaveAsPng(Path.Combine(tmp, "occlusion.png"));
            if (!Directory.Exists(full)) Directory.Move(tmp, full);
            else
                foreach (var file in Directory.GetFiles(tmp))
                    File.Move(file, Path.Combine(full, Path.GetFileName(file)), overwrite: true);
        }
        finally
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        }
        return Format(result);
    }

    /// <summary>The files occlusion writes into --out (an existing folder holding one of them is an earlier run's).</summary>
    public static readonly IReadOnlyList<string> OutputFiles = ["activation.npy", "probability.npy", "top_class.npy", "occlusion.png"];

    /// <summary>"total" or "peak" (any case); anything else is bad input.</summary>
    public static MapStrength ParseStrength(string text) =>
        Enum.TryParse<MapStrength>(text, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(text, out _) ? s
            : throw new UserInputException($"--strongest {text}: choose total or peak.");

    static void CheckSize(int size, Tensor x)
    {
        long side = Math.Min(x.shape[2], x.shape[3]);
        if (size > side) throw new UserInputException($"--size {size}: larger than the {x.shape[2]}x{x.shape[3]} image.");
    }

    /// <summary>A network input [C,H,W] made viewable: min-max scaled to 0..1 (the mean is not known here); one channel becomes grey.</summary>
    static Tensor Shown(Tensor chw)
    {
        var v = chw.to(CPU).to_type(ScalarType.Float32);
        var lo = v.min();
        var range = (v.max() - lo).clamp_min(1e-12);
        v = (v - lo) / range;
        return v.shape[0] == 3 ? v : v[..1].expand(3, -1, -1);
    }

    public static string Format(OcclusionResult r)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"layer {r.Layer} feature {r.Feature} (unoccluded total {r.BaseActivation:0.###}); grid {r.GridHeight}x{r.GridWidth} (square {r.Size}, stride {r.Stride})");
        if (r.Classifier is { } c)
            text += string.Create(CultureInfo.InvariantCulture, $"; class {c.TargetClass} (unoccluded p={c.BaseProbability:0.####}, top class {c.BaseTopClass})");
        return text;
    }
}
