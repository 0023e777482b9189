using ZfViz.Models;
using static TorchSharp.torch;

namespace ZfViz.Analysis;

/// <summary>
/// Fixed ImageNet features for small data sets (Sec. 5.2-5.3): each image is brought to the ResNet-18's input the way
/// a photo would be (grey replicated to RGB, resized to 224x224 bilinearly, the package's preprocessing), run through
/// the network once, and every requested stage's output is averaged over its positions, one vector per image.
/// </summary>
public static class ResNet18StageFeatures
{
    /// <summary>
    /// Per stage in <paramref name="stages"/> (ResNet18.StageNames): features [N, channels] (CPU, float32) of uint8
    /// images [N,C,H,W] with C = 1 or 3. <paramref name="progress"/> hears the number of images done after each batch.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> Extract(ResNet18 model, ResNet18Preprocessing prep, Tensor images,
        IReadOnlyList<string> stages, int batchSize = 16, Action<int>? progress = null)
    {
        if (images.dim() != 4 || (images.shape[1] != 1 && images.shape[1] != 3))
            throw new ArgumentException($"images must be [N,1|3,H,W]; got [{string.Join(",", images.shape)}].", nameof(images));
        if (stages.Count == 0) throw new ArgumentException("Choose at least one stage.", nameof(stages));
        foreach (var s in stages) ResNet18.CheckStage(s);
        if (batchSize < 1) throw new ArgumentException($"batch size must be at least 1; got {batchSize}.", nameof(batchSize));
        int n = (int)images.shape[0];
        var result = stages.ToDictionary(s => s, s => empty(n, ResNet18.StageChannels[s]));
        var device = model.Conv1.weight!.device;
        using var eval = new EvalMode(model);
        using var noGrad = no_grad();
        try
        {
            for (int start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int end = Math.Min(n, start + batchSize);
                var input = NetworkInput(prep, images[start..end]).to(device);
                var outputs = model.ForwardStages(input);
                foreach (var s in stages)
                {
                    var o = outputs[s];
                    result[s][start..end] = (o.dim() == 4 ? o.mean([2, 3]) : o).cpu();
                }
                progress?.Invoke(end);
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>uint8 [N,1|3,H,W] -> the network's input [N,3,224,224]: RGB 0..255 (grey replicated), resized, preprocessed.</summary>
    public static Tensor NetworkInput(ResNet18Preprocessing prep, Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = images.to_type(ScalarType.Float32);
        if (x.shape[1] == 1) x = x.expand(-1, 3, -1, -1);
        if (x.shape[2] != ResNet18.InputSize || x.shape[3] != ResNet18.InputSize)
            x = nn.functional.interpolate(x, [ResNet18.InputSize, ResNet18.InputSize], mode: InterpolationMode.Bilinear, align_corners: false);
        return prep.Apply(x).MoveToOuterDisposeScope();
    }
}
