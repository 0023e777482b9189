using System.Text.Json;
using SixLabors.ImageSharp;
using TorchSharp;
using ZfViz.Analysis;
using ZfViz.Data;
using ZfViz.Deconv;
using ZfViz.IO;
using ZfViz.Models;
using ZfViz.Runtime;
using ZfViz.Training;
using ZfViz.Viz;
using static TorchSharp.torch;

namespace ZfViz.Cli.Commands;

public static partial class TopNineCommand
{
    /// <summary>
    /// Fig. 2 for a data set: top-k search over the split, projections, one sheet per layer (PNG and interactive
    /// HTML) and index.json, written to a temporary folder and moved into place only when everything succeeded.
    /// </summary>
    static int RunOnData(string preset, string? weights, string data, string? layerList, int features, int k, string? output, int? limit, bool json,
        bool trainIfMissing = false)
    {
        // Every argument is checked before any work: a bad split or layer must not be found after minutes of training.
        if (output is null) throw new UserInputException("--out DIR is required with --data.");
        if (features < 0) throw new UserInputException($"--features must be >= 0 (0 = all maps); got {features}.");
        if (limit is < 1) throw new UserInputException($"must be at least 1; got {limit}.", "--images");
        var parts = data.Split(':');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0) throw new UserInputException($"--data must be NAME:SPLIT (e.g. cifar10:test); got '{data}'.");
        var info = Datasets.Find(parts[0]);
        if (!info.Splits.Contains(parts[1]))
            throw new UserInputException($"{info.Name} has splits {string.Join(", ", info.Splits)}; got '{parts[1]}'.", "--data");
        var spec = ModelOption.Resolve(preset, [ResNet18Cli.ModelName]);
        var config = spec.Config;
        var convNames = config.Convs.Select((c, i) => (Name: NetConfig.ConvName(i), c.Removed)).Where(t => !t.Removed).Select(t => t.Name).ToList();
        foreach (var l in (layerList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!convNames.Contains(l)) throw new UserInputException($"{config.Name} has no layer '{l}'; its conv layers are {string.Join(", ", convNames)}.", "--layers");
        var full = OutputPath.CheckFolder(output, "--out", force: true, SheetFiles, weights);
        if (weights is null && spec.IsPreset) CheckTrainedModel(config, trainIfMissing); // a config without --weights: LoadModel says what to do
        TorchRuntime.Initialize();

        using var model = LoadModel(preset, weights);
        config = model.Config;
        var deconv = Deconvnet.FromModule(model.Net);
        var layers = (layerList ?? string.Join(",", deconv.Layers.Select(l => l.Name)))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => deconv.Layers[deconv.IndexOf(l)].Name).ToList();
        using var dataset = Datasets.Load(parts[0], parts[1], config.InputSize, new DataLoadOptions(Channels: config.InputChannels));
        var images = dataset.Sample(limit); // class-balanced: folder data sets are stored class by class
        Console.Error.WriteLine($"top{k}: {config.Name}, {images.Count} images of {data}, layers {string.Join(", ", layers)}");

        var result = TopK.Search(deconv, images, model.Preprocess, layers, k);
        return WriteSheets(full, config.Name, data, images.Count, k, layers, features, json, config.InputSize, dataset.ClassNames,
            layer => deconv.Layers[deconv.IndexOf(layer)].Channels,
            (layer, maps) => TopKProjection.Project(deconv, result, layer, maps, images, model.Preprocess),
            layer => { var rf = deconv.ReceptiveField(deconv.IndexOf(layer)); return (rf.SizeY, rf.StrideY, rf.OffsetY); });
    }

    /// <summary>
    /// The sheets of every layer (PNG, interactive HTML) and index.json, written to a temporary folder beside
    /// <paramref name="full"/> and moved into place only when everything succeeded. <paramref name="features"/>: the
    /// first maps of each layer (0: all).
    /// </summary>
    static int WriteSheets(string full, string modelName, string data, int images, int k, IReadOnlyList<string> layers, int features, bool json,
        int imageSize, IReadOnlyList<string> classNames, Func<string, int> channelsOf, Func<string, IReadOnlyList<int>, IReadOnlyList<TopKFeature>> project,
        Func<string, (int Size, int Stride, int Offset)> fieldOf)
    {
        var parent = Path.GetDirectoryName(full)!;
        var tmp = Directory.CreateDirectory(Path.Combine(parent, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}")).FullName;
        try
        {
            var index = new List<object>();
            foreach (var layer in layers)
            {
                int channels = channelsOf(layer);
                var maps = Enumerable.Range(0, features == 0 ? channels : Math.Min(features, channels)).ToList();
                var projected = project(layer, maps);
                WriteSheet(tmp, layer, projected, imageSize, classNames, $"{modelName} {layer}: top {k} of {images} images of {data}");
                var (size, stride, offset) = fieldOf(layer);
                index.Add(SheetIndexEntry(layer, size, stride, offset, projected, classNames));
                Console.Error.WriteLine($"  {layer}: {maps.Count} maps -> {layer}.png");
            }
            var text = JsonSerializer.Serialize(new { model = modelName, data, images, k, layers = index }, new JsonSerializerOptions(JsonOptions) { WriteIndented = true });
            PublishSheets(tmp, full, text, json, layers.Count);
        }
        finally
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        }
        return 0;
    }

    /// <summary>A layer's Fig. 2 sheet as PNG and its interactive Plotly view as HTML, in the temporary folder.</summary>
    static void WriteSheet(string tmp, string layer, IReadOnlyList<TopKFeature> projected, int imageSize, IReadOnlyList<string> classNames, string title)
    {
        var sheet = TopNineSheet.Render(projected, imageSize, imageSize, columns: 4);
        sheet.Image.SaveAsPng(Path.Combine(tmp, $"{layer}.png"));
        var chart = TopNineSheetInteractive.Create(sheet, classNames, title);
        File.WriteAllText(Path.Combine(tmp, $"{layer}.html"), Charts.ToHtmlPage(chart));
    }

    /// <summary>One layer's entry in index.json: its sheet files, receptive field, and every cell's activation and class.</summary>
    static object SheetIndexEntry(string layer, int fieldSize, int fieldStride, int fieldOffset, IEnumerable<TopKFeature> projected,
                                  IReadOnlyList<string> classNames) => new
    {
        layer, sheet = $"{layer}.png", interactive = $"{layer}.html",
        receptive_field = new { size = fieldSize, stride = fieldStride, offset = fieldOffset },
        features = projected.Select(f => new
        {
            feature = f.Feature,
            top = f.Cells.Select(c => new
            {
                image = c.Point.Image, y = c.Point.Y, x = c.Point.X, value = c.Point.Value,
                label = c.Label, @class = c.Label >= 0 && c.Label < classNames.Count ? classNames[(int)c.Label] : null,
                window = new { top = c.Window.Top, left = c.Window.Left, height = c.Window.Height, width = c.Window.Width },
                clipped = c.Clipped,
            }),
        }),
    };

    /// <summary>Writes index.json into the temporary folder, then moves every file into the output folder (nothing half-written there).</summary>
    static void PublishSheets(string tmp, string full, string indexJson, bool json, int sheets)
    {
        File.WriteAllText(Path.Combine(tmp, "index.json"), indexJson);
        Directory.CreateDirectory(full);
        foreach (var file in Directory.GetFiles(tmp)) File.Move(file, Path.Combine(full, Path.GetFileName(file)), overwrite: true);
        if (json) Console.WriteLine(indexJson);
        else Console.WriteLine($"wrote {sheets} sheet(s) and index.json to {full}");
    }

    /// <summary>
    /// Without --weights, top9 --data uses the profile's trained model; training it can take many minutes, so that
    /// only happens when asked (--train-if-missing), and is announced at once.
    /// </summary>
    static void CheckTrainedModel(NetConfig config, bool trainIfMissing)
    {
        var profile = Profile.FromEnvironment();
        var run = ModelStore.RunDirectory(config.Name, profile);
        if (File.Exists(RunFiles.FinalModel(run))) return;
        if (!trainIfMissing)
            throw new UserInputException(
                $"no trained {config.Name} for the {profile.Name} profile in {run}. Give --weights FILE.safetensors, " +
                $"or pass --train-if-missing to train it first (profile {profile.Name}: {profile.Epochs} epoch(s); this can take long), " +
                $"or run `zfviz train --model {config.Name}` yourself.", "--weights");
        Console.Error.WriteLine($"top9: no trained {config.Name} for the {profile.Name} profile yet; training it first in {run} (--train-if-missing) ...");
    }

    /// <summary>
    /// The network and its preprocessing: a ZFViz checkpoint (with pixel_mean), plain weights (input = pixels / 255), or
    /// for a preset without --weights the profile's trained model. A config JSON has no trained model in the store, and
    /// random weights would give meaningless sheets without a word, so it needs --weights (e.g. the model.safetensors of
    /// `zfviz train --model CONFIG.json`).
    /// </summary>
    static TrainedModel LoadModel(string preset, string? weights)
    {
        var spec = ModelOption.Resolve(preset, [ResNet18Cli.ModelName]);
        var config = spec.Config;
        if (weights is null && !spec.IsPreset)
            throw new UserInputException(
                $"is required for a network config ({spec}): train it first (zfviz train --model {spec.ConfigPath}) and pass the run folder's model.safetensors.",
                "--weights");
        if (weights is null)
        {
            Console.Error.WriteLine($"top9: using the {Profile.FromEnvironment().Name} profile's trained {config.Name} from {ModelStore.RunDirectory(config.Name, Profile.FromEnvironment())}");
            // The profile's trained model (trained on first use) on the preset's own data set.
            var name = TrainingData.DefaultFor(config);
            Func<string, ImageDataset>? data = name is "cifar10" or "fashion-mnist"
                ? split => Datasets.Load(name, split, config.InputSize, new DataLoadOptions(Channels: config.InputChannels)) : null;
            var trained = ModelStore.GetOrTrain(config.Name, Profile.FromEnvironment(), data, new TrainingLines());
            trained.Net.eval();
            return trained;
        }
        var (tensors, meta) = Safetensors.Load(weights);
        bool checkpoint = tensors.ContainsKey(Checkpoint.PixelMeanName) && meta.ContainsKey("config");
        foreach (var t in tensors.Values) t.Dispose();
        if (checkpoint)
        {
            var trained = Checkpoint.LoadModel(weights);
            // A preset's checkpoint must be of that preset; a config's must have its layers (its Name may differ).
            bool matches = spec.IsPreset ? trained.Config.Name == config.Name : trained.Config.Equals(config with { Name = trained.Config.Name });
            if (!matches)
            {
                trained.Dispose();
                throw new UserInputException($"a checkpoint of {trained.Config.Name}{(spec.IsPreset ? "" : " with other layers")}, not of {spec}.", weights);
            }
            trained.Net.eval();
            return trained;
        }
        var net = PresetModel.Load(preset, weights!);
        return new TrainedModel(net, new InputNorm(zeros(config.InputChannels, config.InputSize, config.InputSize), 1f), 0, new Dictionary<string, string>());
    }

    /// <summary>Training progress on stderr (an epoch line, and about ten lines per epoch), so a long job is never silent.</summary>
    sealed class TrainingLines : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            if (p.Phase == "epoch" || p.Batch % Math.Max(1, p.Batches / 10) == 0) Console.Error.WriteLine("  " + p);
        }
    }
}
