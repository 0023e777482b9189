using ZfViz.IO;
using ZfViz.Models;
using ZfViz.Training;
using static TorchSharp.torch;

namespace ZfViz.Deconv;

/// <summary>A preset network (or one from a config JSON) with weights from a safetensors file (PyTorch names conv1.weight ... fc8.bias), in eval mode.</summary>
public static class PresetModel
{
    /// <summary>
    /// Builds <paramref name="preset"/> (a preset name or a network config JSON path, see <see cref="ModelSpec"/>) and copies the weights in. Missing or mis-shaped tensors fail with an
    /// InvalidDataException naming the tensor; extra tensors (e.g. pixel_mean) are ignored.
    /// </summary>
    public static ConvNet Load(string preset, string weightsPath)
    {
        var config = ModelSpec.Resolve(preset).Config;
        var (tensors, _) = Safetensors.Load(weightsPath);
        ConvNet? net = null;
        try
        {
            net = new ConvNet(config);
            Checkpoint.LoadWeights(weightsPath, net, tensors);
            net.eval();
            return net;
        }
        catch
        {
            net?.Dispose(); // weights that do not fit: the half-loaded network is freed now, not by the finalizer
            throw;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>
    /// What `zfviz project` and `zfviz top9 --input` start from: the preset with its weights, the .npy input read and
    /// checked ([1,...] when <paramref name="single"/>), its deconvnet, and the layer index with the feature checked.
    /// </summary>
    public static (ConvNet Net, Tensor Input, Deconvnet Deconv, int Layer) Prepare(string preset, string weightsPath, string inputPath,
        string layerName, int feature, bool single)
    {
        var x = Npy.ReadFloat32Tensor(inputPath);
        ConvNet? net = null;
        try
        {
            net = Load(preset, weightsPath);
            CheckInput(net.Config, x, inputPath, single);
            var deconv = Deconvnet.FromModule(net);
            int layer = deconv.IndexOf(layerName);
            if (feature < 0 || feature >= deconv.Layers[layer].Channels)
                throw new UserInputException($"--feature {feature}: {deconv.Layers[layer].Name} has feature maps 0..{deconv.Layers[layer].Channels - 1}.");
            return (net, x, deconv, layer);
        }
        catch
        {
            net?.Dispose();
            x.Dispose();
            throw;
        }
    }

    /// <summary>Checks that a network input is [N,C,S,S] float32 for the preset (N = 1 when <paramref name="single"/>).</summary>
    public static void CheckInput(NetConfig config, Tensor input, string source, bool single)
    {
        string expected = $"[{(single ? "1" : "N")},{config.InputChannels},{config.InputSize},{config.InputSize}]";
        if (input.dtype != ScalarType.Float32) throw new UserInputException($"{source}: expected float32; got {input.dtype}.");
        if (input.dim() != 4 || (single && input.shape[0] != 1) || input.shape[0] < 1 || input.shape[1] != config.InputChannels
            || input.shape[2] != config.InputSize || input.shape[3] != config.InputSize)
            throw new UserInputException($"{source}: {config.Name} expects input {expected}; got [{string.Join(",", input.shape)}].");
    }
}
