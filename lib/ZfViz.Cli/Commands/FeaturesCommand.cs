using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using ZfViz.IO;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Cli.Commands;

/// <summary>
/// zfviz features: the ImageNet ResNet-18's 512-d features of preprocessed inputs (--input X.npy) or of a folder of
/// photos (--images DIR), written as float32 [N,512] .npy. Shows a progress bar with images/s. With a preset or a
/// network config JSON as --model: one block's output of that network with --weights (FeaturesCommand.ConvNet.cs).
/// </summary>
public static partial class FeaturesCommand
{
    public const string ResNet18ImageNet = "resnet18-imagenet";

    /// <summary>The models this command knows; an unknown name is a clear error.</summary>
    public static void CheckModel(string? model)
    {
        if (model != ResNet18ImageNet)
            throw new UserInputException($"--model: unknown model '{model}'; available: {ResNet18ImageNet}.");
    }

    /// <summary>Fails before any work if --out cannot take the output (see <see cref="OutputPath.CheckFile"/>).</summary>
    public static void CheckOutput(string output, params string?[] inputs) => OutputPath.CheckFile(output, "--out", inputs);

    public static Command Create()
    {
        var model = ModelOption.Create(ResNet18ImageNet, [ResNet18ImageNet],
            note: $"{ResNet18ImageNet} is the ImageNet ResNet-18 from the NuGet package; a preset or config needs --weights and --input");
        var weights = new Option<string?>("--weights") { Description = "For a preset or config: weights (.safetensors, PyTorch names conv1.weight ... fc8.bias); not for resnet18-imagenet" };
        var layer = new Option<string?>("--layer") { Description = "For a preset or config: the block whose output is written, flattened (conv1 .. fc8; default: the last hidden layer, fc7)" };
        var input = new Option<string?>("--input") { Description = "X.npy: float32 [N,3,224,224], exactly the ONNX network's input (already preprocessed, see zfviz preprocess); for a preset or config its own input [N,C,S,S]" };
        var images = new Option<string?>("--images") { Description = "A folder of photos (jpg, png, ...): each resized to 256, centre-cropped to 224 and preprocessed" };
        var output = new Option<string>("--out") { Description = "F.npy: float32 [N,512] features ([N,D] for a preset or config)", Required = true };
        var batch = new Option<int>("--batch-size") { Description = "Images per forward pass", DefaultValueFactory = _ => 16 };
        var limit = new Option<int?>("--limit") { Description = "Only the first N photos of --images (sorted by name)" };
        var cmd = new Command("features", "512-d ImageNet ResNet-18 features of preprocessed inputs or of a folder of photos; or one layer's features of a preset or config network")
            { model, weights, layer, input, images, output, batch, limit };
        cmd.SetAction(r =>
        {
            if (!ResNet18Cli.IsResNet(r.GetValue(model)!))
            {
                Console.WriteLine(RunConvNet(ModelOption.Resolve(r.GetValue(model)!, [ResNet18ImageNet]), r.GetValue(weights), r.GetValue(layer),
                    r.GetValue(input), r.GetValue(images), r.GetValue(output)!, r.GetValue(batch)));
                return 0;
            }
            ResNet18Cli.CheckNoWeights(r.GetValue(weights));
            if (r.GetValue(layer) is not null) throw new UserInputException($"is for a preset or config; {ResNet18ImageNet} gives its 512-d pooled features.", "--layer");
            var inPath = r.GetValue(input);
            var folder = r.GetValue(images);
            var outPath = r.GetValue(output)!;
            int batchSize = r.GetValue(batch);
            if ((inPath is null) == (folder is null)) throw new UserInputException("give exactly one of --input X.npy and --images DIR.");
            if (batchSize < 1) throw new UserInputException("--batch-size must be at least 1.");
            CheckOutput(outPath, inPath);

            Tensor? x = null;
            IReadOnlyList<string> files = [];
            if (inPath is not null)
            {
                x = Npy.ReadFloat32Tensor(inPath);
                ResNet18Features.CheckNetworkInput(x, inPath);
            }
            else
            {
                files = ResNet18Features.ListImages(folder!);
                if (r.GetValue(limit) is { } n)
                {
                    if (n < 1) throw new UserInputException("--limit must be at least 1.");
                    files = files.Take(n).ToList();
                }
            }
            int count = x is not null ? (int)x.shape[0] : files.Count;

            var net = ResNet18Features.LoadOnDevice();
            using var prep = x is null ? ResNet18Preprocessing.Load() : null;
            Tensor features = null!;
            var clock = Stopwatch.StartNew();
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"features 0/{count}", maxValue: count);
                    void Report(int done)
                    {
                        task.Value = done;
                        task.Description = $"features {done}/{count}  {done / Math.Max(1e-9, clock.Elapsed.TotalSeconds):0.0} images/s";
                    }
                    features = x is not null
                        ? ResNet18Features.FromInputs(net, x, batchSize, Report)
                        : ResNet18Features.FromFiles(net, prep!, files, batchSize, Report);
                });
            clock.Stop();
            ZfViz.IO.FiniteValues.RequireResult(features, $"{outPath}: the features");
            Npy.Write(outPath, features);
            Console.WriteLine($"{count} images in {clock.Elapsed.TotalSeconds:0.0} s ({count / clock.Elapsed.TotalSeconds:0.0} images/s, batch {batchSize}) -> {outPath} [{count},{ResNet18.FeatureCount}] float32");
            return 0;
        });
        return cmd;
    }
}
