using TorchSharp;
using ZfViz.Runtime;
using static TorchSharp.torch;

namespace ZfViz.Models;

/// <summary>
/// The 512-d ImageNet ResNet-18 features of many images, in batches: from tensors already in the network's input
/// space, or from photo files (decoded and preprocessed while the previous batch runs through the network).
/// </summary>
public static class ResNet18Features
{
    static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"];

    /// <summary>The image files directly in a folder, sorted by name (ordinal), by extension (case-insensitive).</summary>
    public static IReadOnlyList<string> ListImages(string folder)
    {
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: no such folder.");
        var files = Directory.GetFiles(folder)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0) throw new UserInputException($"{folder}: no image files ({string.Join(", ", ImageExtensions)}).");
        return files;
    }

    /// <summary>Checks that x is the network's own input: float32 [N,3,224,224], N at least 1.</summary>
    public static void CheckNetworkInput(Tensor x, string what)
    {
        if (x.dtype != ScalarType.Float32) throw new UserInputException($"{what}: expected float32; got {x.dtype}.");
        if (x.dim() != 4 || x.shape[0] < 1 || x.shape[1] != 3 || x.shape[2] != ResNet18.InputSize || x.shape[3] != ResNet18.InputSize)
            throw new UserInputException($"{what}: expected shape [N,3,224,224] (the ONNX network's input, already preprocessed); got [{string.Join(",", x.shape)}].");
    }

    /// <summary>Features [N,512] (CPU, float32) of inputs [N,3,224,224]; progress gets the number of images done.</summary>
    public static Tensor FromInputs(ResNet18 model, Tensor inputs, int batchSize = 16, Action<int>? progress = null)
    {
        CheckNetworkInput(inputs, "input");
        if (batchSize < 1) throw new ArgumentException("batch size must be at least 1.");
        var device = model.Conv1.weight!.device;
        int n = (int)inputs.shape[0];
        var result = empty(n, ResNet18.FeatureCount);
        using var eval = new EvalMode(model);
        using var _ = no_grad();
        for (int start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int end = Math.Min(n, start + batchSize);
            result[start..end] = model.forward(inputs[start..end].to(device)).cpu();
            progress?.Invoke(end);
        }
        return result;
    }

    /// <summary>
    /// Features [N,512] (CPU, float32) of photo files, each resized, centre-cropped and preprocessed as in
    /// <see cref="ResNet18Preprocessing"/>. A file that is not an image stops the run with an error naming it.
    /// </summary>
    public static Tensor FromFiles(ResNet18 model, ResNet18Preprocessing prep, IReadOnlyList<string> files, int batchSize = 16, Action<int>? progress = null)
    {
        if (batchSize < 1) throw new ArgumentException("batch size must be at least 1.");
        var device = model.Conv1.weight!.device;
        var result = empty(files.Count, ResNet18.FeatureCount);
        using var eval = new EvalMode(model);
        Task<Tensor> Decode(int start) => Task.Run(() =>
        {
            var batch = files.Skip(start).Take(batchSize).Select(ResNet18Preprocessing.LoadRgb).ToList();
            var stacked = stack(batch);
            foreach (var t in batch) t.Dispose();
            return stacked;
        });
        var next = Decode(0);
        for (int start = 0; start < files.Count; start += batchSize)
        {
            var rgb = next.GetAwaiter().GetResult();
            if (start + batchSize < files.Count) next = Decode(start + batchSize);
            using (rgb)
            using (var _ = no_grad())
            using (var scope = NewDisposeScope())
            {
                int end = Math.Min(files.Count, start + batchSize);
                result[start..end] = model.forward(prep.Apply(rgb.to(device))).cpu();
                progress?.Invoke(end);
            }
        }
        return result;
    }

    /// <summary>The ImageNet network on the device chosen by <see cref="TorchRuntime"/>.</summary>
    public static ResNet18 LoadOnDevice()
    {
        var device = TorchRuntime.Initialize();
        var model = ResNet18.LoadImageNet();
        if (device.type != DeviceType.CPU) model.to(device);
        return model;
    }
}
