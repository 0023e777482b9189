using System.Diagnostics;
using System.Globalization;
using ZfViz.Deconv;
using ZfViz.IO;
using ZfViz.Models;

namespace ZfViz.Cli.Commands;

public static partial class FeaturesCommand
{
    /// <summary>
    /// Features of a preset or a network config JSON: block <paramref name="layer"/> (default the last hidden layer)
    /// of network inputs [N,C,S,S] float32 (--input; photo folders are the ResNet's), with weights from
    /// <paramref name="weightsPath"/>, written as float32 [N,D]. Returns the printed summary line.
    /// </summary>
    public static string RunConvNet(ModelSpec spec, string? weightsPath, string? layer, string? inputPath, string? folder, string outPath, int batchSize)
    {
        if (folder is not null) throw new UserInputException($"reads photos for {ResNet18ImageNet} only; for {spec} give its network input as --input X.npy.", "--images");
        if (inputPath is null) throw new UserInputException($"is required for {spec}: its network input [N,{spec.Config.InputChannels},{spec.Config.InputSize},{spec.Config.InputSize}] as float32 .npy.", "--input");
        if (weightsPath is null) throw new UserInputException($"is required for {spec} (a preset's or config's network has no weights of its own).", "--weights");
        if (batchSize < 1) throw new UserInputException("must be at least 1.", "--batch-size");
        CheckOutput(outPath);
        Runtime.TorchRuntime.Initialize();
        using var x = Npy.ReadFloat32Tensor(inputPath);
        using var net = PresetModel.Load(spec.ConfigPath ?? spec.Config.Name, weightsPath);
        PresetModel.CheckInput(net.Config, x, inputPath, single: false);
        var block = layer ?? ConvNetFeatures.DefaultBlock(net);
        var clock = Stopwatch.StartNew();
        using var features = ConvNetFeatures.FromInputs(net, x, block, batchSize);
        Npy.Write(outPath, features);
        return string.Create(CultureInfo.InvariantCulture,
            $"{x.shape[0]} images in {clock.Elapsed.TotalSeconds:0.0} s -> {outPath} [{features.shape[0]},{features.shape[1]}] float32 ({spec} {block})");
    }
}
