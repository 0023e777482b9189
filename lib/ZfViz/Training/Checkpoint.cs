using System.Globalization;
using TorchSharp;
using ZfViz.IO;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Training;

/// <summary>
/// Model checkpoints and resumable training state as safetensors files with PyTorch-style names and layouts:
/// <c>conv1.weight</c> [out,in/groups,kh,kw], <c>conv1.bias</c>, ..., <c>fc8.weight</c> [out,in], <c>fc8.bias</c>,
/// plus <c>pixel_mean</c> [C,H,W] and <c>input_scale</c> (scalar): see <see cref="InputNorm"/>. Metadata: <c>format</c>, <c>config</c> (NetConfig JSON), <c>epoch</c>.
/// A training-state file adds <c>momentum.&lt;name&gt;</c> buffers, <c>rng.torch</c> and <c>rng.data</c> (generator
/// states as uint8) and the schedule's state, so a killed run resumes losing at most the current epoch.
/// </summary>
public static class Checkpoint
{
    public const string Format = "zfviz-convnet/1";
    public const string StateFormat = "zfviz-training-state/1";
    public const string PixelMeanName = "pixel_mean";
    public const string InputScaleName = "input_scale";
    public const string ClassNamesKey = "class_names";
    const string MomentumPrefix = "momentum.";

    public static void SaveModel(string path, ConvNet net, InputNorm norm, int epoch, IReadOnlyDictionary<string, string>? extra = null)
    {
        var meta = BaseMetadata(net, epoch, Format, extra);
        using var scope = NewDisposeScope(); // frees the input_scale tensor made for the file
        Safetensors.Save(path, ModelTensors(net, norm), meta);
    }

    public static TrainedModel LoadModel(string path, Device? device = null)
    {
        var (tensors, meta) = Safetensors.Load(path);
        TrainedModel model;
        try { model = Build(path, tensors, meta); }
        catch { foreach (var t in tensors.Values) t.Dispose(); throw; }
        if (device is not null && device.type != DeviceType.CPU) model.Net.to(device);
        foreach (var (name, t) in tensors) if (name != PixelMeanName) t.Dispose();
        return model;
    }

    internal static void SaveState(string path, ConvNet net, InputNorm norm, SgdMomentum sgd, Generator torchRng, Generator dataRng,
        int epoch, IReadOnlyDictionary<string, string> extra)
    {
        using var scope = NewDisposeScope(); // frees the generator states and input_scale tensor made for the file
        var tensors = ModelTensors(net, norm).ToList();
        foreach (var (name, v) in sgd.Velocity) tensors.Add((MomentumPrefix + name, v));
        tensors.Add(("rng.torch", torchRng.get_state()));
        tensors.Add(("rng.data", dataRng.get_state()));
        Safetensors.Save(path, tensors, BaseMetadata(net, epoch, StateFormat, extra));
    }

    internal static (TrainedModel Model, Dictionary<string, Tensor> Momentum, Tensor TorchRng, Tensor DataRng) LoadState(string path)
    {
        var (tensors, meta) = Safetensors.Load(path);
        TrainedModel? model = null;
        try
        {
            if (!meta.TryGetValue("format", out var f) || f != StateFormat)
                throw new UserInputException($"{path}: not a ZFViz training-state file (format '{f}').");
            model = Build(path, tensors, meta);
            var momentum = tensors.Where(t => t.Key.StartsWith(MomentumPrefix, StringComparison.Ordinal))
                .ToDictionary(t => t.Key[MomentumPrefix.Length..], t => t.Value);
            if (!tensors.TryGetValue("rng.torch", out var torchRng) || !tensors.TryGetValue("rng.data", out var dataRng))
                throw new UserInputException($"{path}: training state lacks the random generator states.");
            // The weights were copied into the model: free the read tensors the caller does not get.
            foreach (var (name, t) in tensors)
                if (name != PixelMeanName && name != "rng.torch" && name != "rng.data" && !name.StartsWith(MomentumPrefix, StringComparison.Ordinal)) t.Dispose();
            return (model, momentum, torchRng, dataRng);
        }
        catch
        {
            if (model is not null) model.Dispose();
            foreach (var (name, t) in tensors) if (model is null || name != PixelMeanName) t.Dispose();
            throw;
        }
    }

    static IEnumerable<(string, Tensor)> ModelTensors(ConvNet net, InputNorm norm) =>
        net.CheckpointParameters().Select(p => (p.Name, (Tensor)p.Parameter))
            .Append((PixelMeanName, norm.Mean)).Append((InputScaleName, tensor(norm.Scale)));

    static Dictionary<string, string> BaseMetadata(ConvNet net, int epoch, string format, IReadOnlyDictionary<string, string>? extra)
    {
        var meta = new Dictionary<string, string>
        {
            ["format"] = format,
            ["config"] = net.Config.ToJson(),
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
        };
        if (extra is not null) foreach (var (k, v) in extra) meta[k] = v;
        return meta;
    }

    static TrainedModel Build(string path, Dictionary<string, Tensor> tensors, Dictionary<string, string> meta)
    {
        if (!meta.TryGetValue("config", out var json))
            throw new UserInputException($"{path}: no network config in the safetensors metadata (not a ZFViz checkpoint?).");
        NetConfig config;
        try { config = NetConfig.FromJson(json); }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or UserInputException)
        { throw new UserInputException($"{path}: the stored network config is invalid: {e.Message}", inner: e); }
        var net = new ConvNet(config);
        try
        {
            LoadWeights(path, net, tensors);
            if (!tensors.TryGetValue(PixelMeanName, out var m))
                throw new UserInputException($"{path}: no '{PixelMeanName}' tensor.");
            IO.FiniteValues.Require(m, $"{path}: tensor '{PixelMeanName}'", path);
        }
        catch { net.Dispose(); throw; }
        var mean = tensors[PixelMeanName];
        float scale = tensors.TryGetValue(InputScaleName, out var s) ? s.item<float>() : 1f;
        int epoch = meta.TryGetValue("epoch", out var e2) && int.TryParse(e2, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return new TrainedModel(net, new InputNorm(mean, scale), epoch, meta);
    }

    /// <summary>Copies checkpoint tensors into the network, checking that names and shapes match exactly.</summary>
    public static void LoadWeights(string source, ConvNet net, IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var _ = no_grad();
        foreach (var (name, p) in net.CheckpointParameters())
        {
            if (!tensors.TryGetValue(name, out var t))
                throw new UserInputException($"{source}: missing tensor '{name}' for {net.Config.Name}.");
            if (!t.shape.SequenceEqual(p.shape))
                throw new UserInputException($"{source}: tensor '{name}' has shape [{string.Join(",", t.shape)}], but {net.Config.Name} expects [{string.Join(",", p.shape)}] (weights of another network?).");
            IO.FiniteValues.Require(t, $"{source}: tensor '{name}'", source);
            p.copy_(t);
        }
    }
}
