using TorchSharp;
using ZfViz.IO;
using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Tests.Cli;

/// <summary>
/// What the CLI tests start from: a temp folder holding a seeded random preset's weights as `w.safetensors`, and
/// a way to write `.npy` inputs next to them. Deleted on Dispose.
/// </summary>
public sealed class PresetWeightsFolder : IDisposable
{
    public PresetWeightsFolder(string prefix, long seed, NetConfig? preset = null)
    {
        Dir = Directory.CreateTempSubdirectory(prefix).FullName;
        torch.random.manual_seed(seed);
        Model = new ConvNet(preset ?? Presets.ZfNetCifar);
        Model.eval();
        Weights = Path.Combine(Dir, "w.safetensors");
        Safetensors.Save(Weights, Model.CheckpointParameters().Select(p => (p.Name, (Tensor)p.Parameter)));
    }

    public string Dir { get; }
    public ConvNet Model { get; }
    public string Weights { get; }

    /// <summary>Writes <paramref name="t"/> as DIR/name (float32 .npy) and returns the path.</summary>
    public string Npy(string name, Tensor t)
    {
        var path = Path.Combine(Dir, name);
        ZfViz.IO.Npy.Write(path, t);
        return path;
    }

    public void Dispose()
    {
        Model.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
