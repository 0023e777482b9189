using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ZfViz.Analysis;
using ZfViz.Deconv;
using ZfViz.IO;
using static TorchSharp.torch;

namespace ZfViz.Cli.Commands;

/// <summary>One entry of zfviz top9 --json.</summary>
public sealed record TopActivationJson(
    [property: JsonPropertyName("image")] long Image,
    [property: JsonPropertyName("y")] int Y,
    [property: JsonPropertyName("x")] int X,
    [property: JsonPropertyName("value")] float Value);

/// <summary>
/// zfviz top9: the k strongest activations of a feature map over a set of images (--input X.npy [N,C,H,W], printed as
/// JSON), of a preset or a network config JSON (<see cref="Models.ModelSpec"/>), or Fig. 2 sheets for whole layers of a data set (--data NAME:SPLIT --out DIR). With
/// <c>--model resnet18-imagenet</c> (weights from the package; --weights is an error) layers are the ResNet stages
/// conv1, pool1, layer1 .. layer4 and the input is the network's preprocessed input [N,3,224,224]; see
/// TopNineCommand.ResNet.cs.
/// </summary>
public static partial class TopNineCommand
{
    public static Command Create()
    {
        var model = ModelOption.Create(null, [ResNet18Cli.ModelName]);
        var weights = new Option<string?>("--weights") { Description = "Weights (.safetensors, PyTorch names conv1.weight ... fc8.bias, or a ZFViz checkpoint such as a run folder's model.safetensors); required with --input and for a config; with --data and a preset it defaults to the profile's trained model (trained on first use); not for resnet18-imagenet" };
        var input = new Option<string?>("--input") { Description = "Network input [N,C,H,W] as float32 .npy (C order)" };
        var data = new Option<string?>("--data") { Description = "Data set NAME:SPLIT (e.g. cifar10:test), instead of --input" };
        var layer = new Option<string?>("--layer") { Description = "conv1 .. conv5 (with --input: required)" };
        var layers = new Option<string?>("--layers") { Description = "With --data: comma-separated layers (default conv1..conv5)" };
        var feature = new Option<int?>("--feature") { Description = "Feature map index (with --input: required)" };
        var features = new Option<int>("--features") { Description = "With --data: first N maps of each layer in the sheets", DefaultValueFactory = _ => 16 };
        var k = new Option<int>("--k") { Description = "How many activations to keep", DefaultValueFactory = _ => 9 };
        var json = new Option<bool>("--json") { Description = "Print the activations as JSON: [{\"image\":0,\"y\":3,\"x\":5,\"value\":1.23}, ...], strongest first" };
        var distinct = new Option<bool>("--distinct-images") { Description = "With --input: the sheets' rule (Fig. 2): the k images whose strongest activation of the map is largest, one activation per image (default: the k strongest activations over all images and positions, where one image may hold several); --data sheets always use it" };
        var output = new Option<string?>("--out") { Description = "With --data: folder for the sheets (PNG) and index.json" };
        var limit = new Option<int?>("--images") { Description = "With --data: search a class-balanced subset of N images" };
        var trainIfMissing = new Option<bool>("--train-if-missing") { Description = "With --data and no --weights: train the profile's model first if it is not in the model store (can take long)" };
        var force = new Option<bool>("--force") { Description = "With --data: write into --out even if it is a non-empty folder without an earlier index.json" };
        var cmd = new Command("top9", "The strongest activations of feature maps over a data set, projected beside their image patches (Fig. 2)")
            { model, weights, input, data, layer, layers, feature, features, k, json, distinct, output, limit, force, trainIfMissing };
        cmd.SetAction(r =>
        {
            if ((r.GetValue(input) is null) == (r.GetValue(data) is null)) throw new UserInputException("Give exactly one of --input X.npy or --data NAME:SPLIT.");
            if (r.GetValue(k) < 1) throw new UserInputException($"--k must be at least 1; got {r.GetValue(k)}.");
            var rule = r.GetValue(distinct) ? TopKRule.DistinctImages : TopKRule.AllPositions;
            if (r.GetValue(data) is not null)
            {
                if (r.GetValue(output) is not { } dir) throw new UserInputException("--out DIR is required with --data.");
                OutputPath.CheckFolder(dir, "--out", r.GetValue(force), SheetFiles, r.GetValue(weights));
            }
            if (ResNet18Cli.IsResNet(r.GetValue(model)!))
            {
                ResNet18Cli.CheckNoWeights(r.GetValue(weights));
                if (r.GetValue(input) is { } resnetInput)
                {
                    if (r.GetValue(layer) is not { } rl) throw new UserInputException("--layer is required with --input.");
                    if (r.GetValue(feature) is not { } rf) throw new UserInputException("--feature is required with --input.");
                    var rtop = RunResNetOnInput(resnetInput, rl, rf, r.GetValue(k), rule);
                    CheckValues(rtop);
                    if (r.GetValue(json)) Console.WriteLine(ToJson(rtop));
                    else foreach (var p in rtop) Console.WriteLine($"image={p.Image} {ProjectCommand.Format(p)}");
                    return 0;
                }
                return RunResNetOnData(r.GetValue(data)!, r.GetValue(layers) ?? r.GetValue(layer), r.GetValue(features), r.GetValue(k),
                    r.GetValue(output), r.GetValue(limit), r.GetValue(json));
            }
            var spec = ModelOption.Resolve(r.GetValue(model)!, [ResNet18Cli.ModelName]);
            if (r.GetValue(input) is { } inputPath)
            {
                if (r.GetValue(weights) is not { } w) throw new UserInputException($"is required with --input (for {spec}).", "--weights");
                if (r.GetValue(layer) is not { } l) throw new UserInputException("--layer is required with --input.");
                if (r.GetValue(feature) is not { } f) throw new UserInputException("--feature is required with --input.");
                var top = RunOnInput(r.GetValue(model)!, w, inputPath, l, f, r.GetValue(k), rule);
                CheckValues(top);
                if (r.GetValue(json)) Console.WriteLine(ToJson(top));
                else foreach (var p in top) Console.WriteLine($"image={p.Image} {ProjectCommand.Format(p)}");
                return 0;
            }
            return RunOnData(r.GetValue(model)!, r.GetValue(weights), r.GetValue(data)!, r.GetValue(layers) ?? r.GetValue(layer),
                r.GetValue(features), r.GetValue(k), r.GetValue(output), r.GetValue(limit), r.GetValue(json), r.GetValue(trainIfMissing));
        });
        return cmd;
    }

    /// <summary>The file every sheet folder holds (an existing folder with it is an earlier run's, replaced file by file).</summary>
    static readonly IReadOnlyList<string> SheetFiles = ["index.json"];

    public static IReadOnlyList<ActivationPoint> RunOnInput(string preset, string weightsPath, string inputPath, string layerName, int feature, int k,
        TopKRule rule = TopKRule.AllPositions)
    {
        Runtime.TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        var (net, x, deconv, layer) = PresetModel.Prepare(preset, weightsPath, inputPath, layerName, feature, single: false);
        using var _ = net;
        var result = TopK.Search(deconv, InputBatches(x, 128), [deconv.Layers[layer].Name], k, rule);
        return result.For(deconv.Layers[layer].Name, feature);
    }

    public static string ToJson(IEnumerable<ActivationPoint> points) =>
        JsonSerializer.Serialize(points.Select(p => new TopActivationJson(p.Image, p.Y, p.X, p.Value)), JsonOptions);

    /// <summary>JSON that can carry NaN and Infinity (as "NaN", "Infinity") when --allow-nonfinite let them through, instead of failing to serialize.</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>NaN/Inf among the strongest activations is an error (a warning under --allow-nonfinite).</summary>
    static void CheckValues(IReadOnlyList<ActivationPoint> points)
    {
        using var v = tensor(points.Select(p => p.Value).ToArray());
        FiniteValues.RequireResult(v, "top9: the activations found");
    }
}
