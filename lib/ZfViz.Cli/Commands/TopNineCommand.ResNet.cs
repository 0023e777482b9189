using System.Text.Json;
using SixLabors.ImageSharp;
using ZfViz.Analysis;
using ZfViz.Data;
using ZfViz.Deconv;
using ZfViz.IO;
using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Viz;
using static TorchSharp.torch;

namespace ZfViz.Cli.Commands;

public static partial class TopNineCommand
{
    /// <summary>
    /// top9 --input for the ImageNet ResNet-18: the k strongest activations of one feature map of a stage over all
    /// images and positions of X [N,3,224,224] (the same contract as for the presets: strongest first, ties first in
    /// (image, y, x) row-major order; with <see cref="TopKRule.DistinctImages"/> one activation per image).
    /// </summary>
    public static IReadOnlyList<ActivationPoint> RunResNetOnInput(string inputPath, string stage, int feature, int k, TopKRule rule = TopKRule.AllPositions)
    {
        if (k < 1) throw new UserInputException($"--k must be at least 1; got {k}.");
        ResNet18Cli.CheckStageAndFeature(stage, feature);
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        var x = Npy.ReadFloat32Tensor(inputPath);
        ResNet18Cli.CheckInput(x, inputPath, single: false);
        return TopK.Search(ModelProbe.Of(ResNet18Cli.Model, [stage]), InputBatches(x, 16), k, rule).For(stage, feature);
    }

    /// <summary>Consecutive slices of an input [N,...] (views: the caller's scope frees them).</summary>
    static IEnumerable<Tensor> InputBatches(Tensor x, int batchSize) =>
        Enumerable.Range(0, (int)((x.shape[0] + batchSize - 1) / batchSize)).Select(i => x[(i * batchSize)..(int)Math.Min(x.shape[0], (long)i * batchSize + batchSize)]);

    /// <summary>
    /// top9 --data for the ImageNet ResNet-18: photos of a data set (e.g. imagenet-samples:all) at 224x224 through the
    /// package's preprocessing, a one-pass top-k search of the stages (one activation per image, Fig. 2), and per stage
    /// a sheet (PNG, interactive HTML) and index.json, written to a temporary folder and moved into place at the end.
    /// </summary>
    /// <param name="dataRoot">Data root override (tests); default ZfVizPaths.DataRoot.</param>
    public static int RunResNetOnData(string data, string? stageList, int features, int k, string? output, int? limit, bool json, string? dataRoot = null)
    {
        if (output is null) throw new UserInputException("--out DIR is required with --data.");
        if (features < 0) throw new UserInputException($"--features must be >= 0 (0 = all maps); got {features}.");
        var parts = data.Split(':');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0) throw new UserInputException($"--data must be NAME:SPLIT (e.g. imagenet-samples:all); got '{data}'.");
        var stages = (stageList ?? string.Join(",", ResNet18Cli.DefaultSheetStages))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        foreach (var s in stages) ResNet18Cli.CheckStage(s);
        if (limit is < 1) throw new UserInputException($"must be at least 1; got {limit}.", "--images");
        var info = Datasets.Find(parts[0]);
        if (!info.Splits.Contains(parts[1]))
            throw new UserInputException($"{info.Name} has splits {string.Join(", ", info.Splits)}; got '{parts[1]}'.", "--data");
        var full = Path.GetFullPath(output);
        var parent = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent)) throw new UserInputException($"--out: the folder {parent} does not exist.");
        TorchRuntime.Initialize();

        var model = ResNet18Cli.Model;
        using var prep = ResNet18Preprocessing.Load();
        using var dataset = Datasets.Load(parts[0], parts[1], ResNet18.InputSize, new DataLoadOptions(Channels: 3, DataRoot: dataRoot));
        var images = dataset.Sample(limit); // spread over the classes, as the preset path
        Console.Error.WriteLine($"top{k}: {ResNet18Cli.ModelName}, {images.Count} images of {data}, stages {string.Join(", ", stages)}");
        var top = ResNet18TopNine.Search(model, images, prep, stages, k);
        return WriteSheets(full, ResNet18Cli.ModelName, data, images.Count, k, stages, features, json, ResNet18.InputSize, dataset.ClassNames,
            stage => ResNet18.StageChannels[stage],
            (stage, maps) => ResNet18TopNine.Project(model, top[stage], stage, maps, images, prep),
            stage => { var rf = ResNet18ReceptiveField.Of(model, stage); return (rf.SizeY, rf.StrideY, rf.OffsetY); });
    }
}
